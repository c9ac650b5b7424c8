'use strict';
/**
 * jest's globalSetup: starts the one compile of the tree a jest run makes
 * (spec/support/tsconfig.compiled-tree.json) and returns at once, so tsc runs while the
 * in-process specs do; the specs that need the output await `compiledTree()`
 * (spec/support/compiled-tree.ts). global-teardown.js stops tsc and removes the output.
 *
 * Each run compiles into its own folder, .build/jest/run-<pid>: other engineers and CI jobs
 * run jest in the same checkout at the same time, and a shared folder would be rewritten
 * under a running child process.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// Not .build/spec: `npm run compile` writes the compiled spec/support/ there.
const RUNS = path.join(ROOT, '.build', 'jest');
// Read by compiled-tree.ts; jest's workers inherit it, being started after this setup.
const VARIABLE = 'PROM_DECORATORS_COMPILED_TREE';
// In the output folder: what tsc printed, and its exit code (or signal), written once it has ended.
const EXIT_FILE = '.tsc-exit';
const OUTPUT_FILE = '.tsc-output';
const STATE = Symbol.for('prom-decorators.spec.compiled-tree');

/** Folders of runs whose jest is gone (killed before its teardown). */
function removeAbandonedRuns() {
  const runs = fs.existsSync(RUNS) ? fs.readdirSync(RUNS) : [];
  for (const name of runs) {
    const pid = Number(/^run-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (error.code === 'ESRCH') fs.rmSync(path.join(RUNS, name), { recursive: true, force: true });
    }
  }
}

module.exports = async function startCompiledTree() {
  removeAbandonedRuns();
  const directory = path.join(RUNS, `run-${process.pid}`);
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(directory, { recursive: true });
  const output = fs.openSync(path.join(directory, OUTPUT_FILE), 'w');
  const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.compiled-tree.json'), '--outDir', directory], {
    cwd: ROOT,
    stdio: ['ignore', output, output],
  });
  fs.closeSync(output);
  // The exit file is written by this process, never by tsc: a waiter seeing it knows tsc wrote everything.
  tsc.on('exit', (code, signal) => fs.writeFileSync(path.join(directory, EXIT_FILE), String(code ?? signal)));
  tsc.on('error', (error) => fs.writeFileSync(path.join(directory, EXIT_FILE), `could not start tsc: ${error.message}`));
  process.env[VARIABLE] = directory;
  globalThis[STATE] = { directory, tsc };
};

Object.assign(module.exports, { VARIABLE, EXIT_FILE, OUTPUT_FILE, STATE });
