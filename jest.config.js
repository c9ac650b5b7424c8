/**
 * Two projects: every spec runs with legacy decorators (`experimentalDecorators`, the
 * README's setup); the specs in spec/both-modes run again with standard (TC39) decorators.
 */
// This repository installs both Prometheus clients; a run names the one it tests (CI runs
// the suite once per client), which also keeps the library's "both installed" warning quiet.
process.env.PROM_DECORATORS_CLIENT ||= '@prometheus-io/client';

// The specs that start other programs: node on compiled or transpiled code, tsc, npm, promtool,
// Prometheus, the Pushgateway, openssl. `npm run test:unit` (PROM_DECORATORS_SPECS=unit)
// leaves them out and refuses child processes in the rest (spec/support/in-process-only.js).
const OUT_OF_PROCESS_SPECS = [
  'spec/bench/bench-methods.spec.ts',
  'spec/core/unhandled-rejections.spec.ts',
  'spec/demo/config.spec.ts',
  'spec/demo/entry-points.spec.ts',
  'spec/demo/prometheus-e2e.spec.ts',
  'spec/exposition/cluster.spec.ts',
  'spec/exposition/demo-scrape.spec.ts',
  'spec/exposition/prometheus-scrape.spec.ts',
  'spec/exposition/pushgateway.spec.ts',
  'spec/exposition/render.spec.ts',
  'spec/exposition/security.spec.ts',
  'spec/generate/bin.spec.ts',
  'spec/generate/command.spec.ts',
  'spec/generate/rules.spec.ts',
  'spec/http-metrics/bench-http.spec.ts',
  'spec/package/pack.spec.ts',
  'spec/support/consumers.spec.ts',
  'spec/exposition/valid-exposition.spec.ts',
  'spec/metrics/summary-family.spec.ts',
  'spec/decorators/consumers.spec.ts',
  'spec/core/redeclared-classes.spec.ts',
  'spec/exposition/connection-limits-tls.spec.ts',
  'spec/core/class-names.spec.ts',
  'spec/core/abandoned-generators.spec.ts',
  'spec/nestjs/metrics-module.spec.ts',
  'spec/nestjs/nest11-commonjs.spec.ts',
  'spec/exposition/prometheus-native.spec.ts',
  'spec/exposition/prometheus-native-exemplars.spec.ts',
];
const unitOnly = process.env.PROM_DECORATORS_SPECS === 'unit';

const common = {
  testEnvironment: 'node',
  // Sources import their siblings as .js and lib/client/require-from-library.cts as .cjs (mapped only by its name: packages in node_modules have .cjs files of their own).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^(\\.{1,2}/(?:.*/)?require-from-library)\\.cjs$': '$1.cts' },
  moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
  ...(unitOnly && {
    testPathIgnorePatterns: ['/node_modules/', ...OUT_OF_PROCESS_SPECS.map((spec) => `<rootDir>/${spec.replace(/\./g, '\\.')}$`)],
    setupFiles: ['<rootDir>/spec/support/in-process-only.js'],
  }),
};

const transformWith = (tsconfig) => ({ '^.+\\.c?ts$': ['ts-jest', { tsconfig, diagnostics: false }] });

module.exports = {
  testTimeout: 20000,
  // One tsc build per run, shared by the specs that run compiled code in child processes (spec/support/compiled-tree.ts).
  ...(!unitOnly && { globalSetup: '<rootDir>/spec/support/global-setup.js', globalTeardown: '<rootDir>/spec/support/global-teardown.js' }),
  projects: [
    { ...common, displayName: 'legacy', testMatch: ['<rootDir>/spec/**/*.spec.ts'], transform: transformWith('<rootDir>/tsconfig.jest.json') },
    { ...common, displayName: 'standard', testMatch: ['<rootDir>/spec/both-modes/**/*.spec.ts'], transform: transformWith('<rootDir>/tsconfig.jest.standard.json') },
  ],
};
