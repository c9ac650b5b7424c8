// `npm run lint`: ESLint's and typescript-eslint's recommended rules (the set without type
// information, so it runs in seconds) over lib, spec, demo, bench, scripts and the root configs.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The Node globals the JavaScript files use (TypeScript files get theirs from @types/node,
// and typescript-eslint turns no-undef off for them). Listed here because the `globals`
// package is not a dependency.
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'fetch', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'structuredClone'].map((name) => [
    name,
    'readonly',
  ]),
);
const commonJsGlobals = { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' };

export default defineConfig(
  {
    // Build output and coverage. Generated JSON and YAML (demo/grafana, demo/rules.yml) need no entry: no JSON or YAML language is configured.
    ignores: ['dist/', '.build/', 'coverage/'],
  },
  {
    linterOptions: {
      // A disable comment whose rule no longer fires fails the lint instead of staying behind as a warning.
      reportUnusedDisableDirectives: 'error',
    },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Deliberately unused parameters (a signature a caller or an interface dictates) start with an underscore.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The package has "type": "commonjs": its .js and .cjs files are CommonJS scripts.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
    rules: {
      // require() is how a CommonJS script imports.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // ES modules: .mjs, and the consumer app fixtures, whose package.json (written by the spec) says "type": "module".
    files: ['**/*.mjs', 'spec/package/fixtures/consumer/*.js'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
);
