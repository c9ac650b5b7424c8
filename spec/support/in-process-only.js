'use strict';
/* global jest -- a jest setupFile: jest provides the `jest` object */
// `npm run test:unit` only: a spec that starts another program fails here, at the spawn,
// instead of quietly making the quick run slow or dependent on installed binaries.
const refuse = (what) => () => {
  throw new Error(`${what} in an in-process spec: add the spec to OUT_OF_PROCESS_SPECS in jest.config.js (test:unit leaves those out)`);
};

jest.mock('node:child_process', () => {
  const actual = jest.requireActual('node:child_process');
  const refused = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'].map((name) => [name, refuse(`child_process.${name}`)]);
  return { ...actual, ...Object.fromEntries(refused) };
});

// node:cluster forks through Node's own child_process, which the mock above does not reach.
jest.mock('node:cluster', () => {
  const actual = jest.requireActual('node:cluster');
  const fork = refuse('cluster.fork');
  // A proxy, not a copy: cluster is an EventEmitter whose methods need the real object as `this`.
  return new Proxy(actual, {
    get: (target, key) => {
      if (key === 'fork') return fork;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
});
