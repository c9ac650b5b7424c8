/**
 * Two projects: every spec runs with legacy decorators (`experimentalDecorators`, the
 * README's setup); the specs in spec/both-modes run again with standard (TC39) decorators.
 */
const common = {
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

const transformWith = (tsconfig) => ({ '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: false }] });

module.exports = {
  testTimeout: 20000,
  projects: [
    { ...common, displayName: 'legacy', testMatch: ['<rootDir>/spec/**/*.spec.ts'], transform: transformWith('<rootDir>/tsconfig.jest.json') },
    { ...common, displayName: 'standard', testMatch: ['<rootDir>/spec/both-modes/**/*.spec.ts'], transform: transformWith('<rootDir>/tsconfig.jest.standard.json') },
  ],
};
