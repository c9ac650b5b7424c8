/**
 * The tree compiled once per jest run: lib, demo, bench and the spec fixtures as CommonJS,
 * laid out as in the sources (`<tree>/lib/cli.js`, `<tree>/bench/methods.js`, ...), for
 * specs that run them in plain node child processes. Inside the project (under the ignored
 * .build/), so the compiled files find node_modules as an installed package would.
 *
 * jest.config.js's globalSetup (global-setup.js) starts the compile as the run begins;
 * this waits for it. Shared by every spec of the run: run the compiled files, never write
 * into the tree (write scratch files to a temp folder of your own).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface GlobalSetup {
  (): Promise<void>;
  VARIABLE: string;
  EXIT_FILE: string;
  OUTPUT_FILE: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- global-setup.js is untyped CommonJS (jest's globalSetup): require() with the GlobalSetup cast gives it its type
const startCompiledTree = require('./global-setup.js') as GlobalSetup;

const LIMIT_MS = 120_000;

export async function compiledTree(): Promise<string> {
  // Without jest.config.js's globalSetup (another runner, a config of one's own): compile from here (once per spec file: jest gives each its own process.env).
  if (process.env[startCompiledTree.VARIABLE] === undefined) await startCompiledTree();
  const directory = process.env[startCompiledTree.VARIABLE]!;
  const exitFile = join(directory, startCompiledTree.EXIT_FILE);
  const deadline = Date.now() + LIMIT_MS;
  while (!existsSync(exitFile)) {
    if (Date.now() > deadline) throw new Error(`the compiled tree (${directory}) was not ready after ${LIMIT_MS / 1000} s`);
    // Asynchronously: when jest runs in band, the exit file is written by this very process.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const exit = readFileSync(exitFile, 'utf8');
  if (exit !== '0') {
    const output = readFileSync(join(directory, startCompiledTree.OUTPUT_FILE), 'utf8');
    throw new Error(`tsc -p spec/support/tsconfig.compiled-tree.json into ${directory} failed (${exit}):\n${output}`);
  }
  return directory;
}
