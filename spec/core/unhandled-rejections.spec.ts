import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compiledTree } from '../support/compiled-tree.js';

const run = promisify(execFile);
let tree: string;

// jest fails any test during which a promise rejection goes unhandled and hides the event from
// the test, so the scenarios run in plain node, on the fixture compiled for this jest run.
beforeAll(async () => {
  tree = await compiledTree();
}, 120_000);

async function scenario(name: string): Promise<{ reasons: string[]; exceptions: string[] }> {
  const { stdout } = await run(process.execPath, [join(tree, 'spec/core/fixtures/unhandled-rejections.js'), name], { timeout: 30_000 });
  return JSON.parse(stdout) as { reasons: string[]; exceptions: string[] };
}

describe('unhandled rejections behave exactly as without decorators', () => {
  test('a rejected call the caller ignores: one unhandledRejection, as without decorators', async () => {
    expect((await scenario('ignored-plain')).reasons).toEqual(['plain']);
    expect(await scenario('ignored-decorated')).toEqual({
      reasons: ['decorated'],
      exceptions: ['method_exceptions_total{class="Service",method="decorated",error="Error"} 1'],
    });
    expect((await scenario('ignored-decorated-subclass')).reasons).toEqual(['decorated subclass']);
  });

  test('a rejected call the caller handles: none, as without decorators', async () => {
    expect((await scenario('handled-plain')).reasons).toEqual([]);
    expect(await scenario('handled-decorated')).toEqual({
      reasons: [],
      exceptions: ['method_exceptions_total{class="Service",method="decorated",error="Error"} 1'],
    });
    expect((await scenario('awaited-decorated')).reasons).toEqual([]);
  });
});
