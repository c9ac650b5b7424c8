import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compiledTree } from '../support/compiled-tree.js';

const run = promisify(execFile);
let tree: string;

// The heap is measured in plain node with --expose-gc, on the fixture compiled for this jest run:
// jest's own module registry and the spec's closures would hold what the test expects to go.
beforeAll(async () => {
  tree = await compiledTree();
}, 120_000);

const DECLARATIONS = 5000;

async function redeclare(scenario: 'class' | 'function'): Promise<{ bytesPerDeclaration: number; listed: number; latestListed: boolean }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', join(tree, 'spec/core/fixtures/redeclared-classes.js'), scenario, String(DECLARATIONS)], { timeout: 60_000 });
  return JSON.parse(stdout) as { bytesPerDeclaration: number; listed: number; latestListed: boolean };
}

describe('what the library keeps of classes and functions nothing else holds (issue 12, item 7)', () => {
  test('a decorated class declared again and again (hot reload, jest module resets) is collected, and listed once: its latest definition', async () => {
    // Before: about 9.6 KB per declaration, and listInstrumented() listed every one of them.
    const { bytesPerDeclaration, listed, latestListed } = await redeclare('class');
    expect({ listed, latestListed }).toEqual({ listed: 1, latestListed: true });
    expect(bytesPerDeclaration).toBeLessThan(512);
  }, 60_000);

  test('a plain function wrapped per request is collected with its wrapper, and its metric listed once', async () => {
    // Before: every wrap added its metric to the function's entry again (10,000 listed: both rounds).
    const { bytesPerDeclaration, listed } = await redeclare('function');
    expect(listed).toBe(1);
    expect(bytesPerDeclaration).toBeLessThan(128);
  }, 60_000);
});
