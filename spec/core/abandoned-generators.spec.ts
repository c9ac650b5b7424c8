import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compiledTree } from '../support/compiled-tree.js';

const run = promisify(execFile);

type Samples = Record<string, number>;

// Garbage collection is forced in plain node with --expose-gc, on the fixture compiled for this
// jest run: jest's module registry and the spec's closures would keep the generators alive.
async function dropGenerators(): Promise<{ finished: number[]; before: Samples; afterCollection: Samples; after: Samples }> {
  const tree = await compiledTree();
  const { stdout } = await run(process.execPath, ['--expose-gc', join(tree, 'spec/core/fixtures/abandoned-generators.js')], { timeout: 60_000 });
  return JSON.parse(stdout) as { finished: number[]; before: Samples; afterCollection: Samples; after: Samples };
}

describe('generators dropped before their iteration finishes (issue 12, item 8)', () => {
  test('release their in-progress once collected, and record nothing else: no success, no failure, no duration', async () => {
    const { finished, before, afterCollection, after } = await dropGenerators();
    expect(finished).toEqual([1, 2]);
    // Before: these stayed up forever (201 and 100: every dropped generator, plus the one still held).
    expect(before).toMatchObject({ 'method_in_progress{method=pages}': 201, 'method_in_progress{method=events}': 100, 'feeds_in_progress{feed=news}': 100 });
    expect(afterCollection).toMatchObject({
      // The one still referenced is still running; the late one's step is still in flight.
      'method_in_progress{method=pages}': 1,
      'method_in_progress{method=events}': 0,
      'feeds_in_progress{feed=news}': 0,
      'method_in_progress{method=late}': 1,
      // Only the generator that finished is a call that completed.
      'method_calls_total{method=pages,result=ok}': 1,
      'method_calls_total{method=pages,result=error}': 0,
      'method_duration_seconds_count{method=pages,result=ok}': 1,
      'method_duration_seconds_count{method=pages,result=error}': 0,
      'method_calls_total{method=events,result=ok}': 0,
      'method_calls_total{method=events,result=error}': 0,
      'method_duration_seconds_count{method=events,result=ok}': 0,
    });
    // A step in flight kept its dropped iterator alive: the call finished and counted as ok.
    expect(after).toMatchObject({ 'method_in_progress{method=late}': 0, 'method_calls_total{method=late,result=ok}': 1, 'method_in_progress{method=pages}': 1 });
  }, 60_000);
});
