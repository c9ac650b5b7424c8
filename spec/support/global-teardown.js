'use strict';
// jest's globalTeardown: the counterpart of global-setup.js.
const fs = require('node:fs');
const { once } = require('node:events');
const { STATE } = require('./global-setup.js');

module.exports = async function removeCompiledTree() {
  const build = globalThis[STATE];
  if (build === undefined) return;
  delete globalThis[STATE];
  // A run of in-process specs alone can end before tsc does; tsc must not write after the removal.
  const running = build.tsc.pid !== undefined && build.tsc.exitCode === null && build.tsc.signalCode === null;
  if (running) {
    const exited = once(build.tsc, 'exit');
    build.tsc.kill('SIGKILL');
    await exited;
  }
  fs.rmSync(build.directory, { recursive: true, force: true });
};
