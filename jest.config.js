/**
 * Two projects: every spec runs with legacy decorators (`experimentalDecorators`, the
 * README's setup); the specs in spec/both-modes run again with standard (TC39) decorators.
 */
// This repository installs both Prometheus clients; a run names the one it tests (CI runs
// the suite once per client), which also keeps the library's "both installed" warning quiet.
process.env.PROM_DECORATORS_CLIENT ||= '@prometheus-io/client';

const common = {
  testEnvironment: 'node',
  // Sources import their siblings as .js and lib/client/require-from-library.cts as .cjs (mapped only by its name: packages in node_modules have .cjs files of their own).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^(\\.{1,2}/(?:.*/)?require-from-library)\\.cjs$': '$1.cts' },
  moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
};

const transformWith = (tsconfig) => ({ '^.+\\.c?ts$': ['ts-jest', { tsconfig, diagnostics: false }] });

module.exports = {
  testTimeout: 20000,
  projects: [
    { ...common, displayName: 'legacy', testMatch: ['<rootDir>/spec/**/*.spec.ts'], transform: transformWith('<rootDir>/tsconfig.jest.json') },
    { ...common, displayName: 'standard', testMatch: ['<rootDir>/spec/both-modes/**/*.spec.ts'], transform: transformWith('<rootDir>/tsconfig.jest.standard.json') },
  ],
};
