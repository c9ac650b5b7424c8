/**
 * The two packaging linters of the devDependencies, run as a maintainer would, on the
 * snapshot the tarball was packed from (with the build its `npm pack` made): publint checks
 * the manifest against the files, @arethetypeswrong/cli how each TypeScript resolution mode
 * finds the declarations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBPATH_ENTRY_POINTS } from './tarball-contents.js';
import type { PackageUnderTest } from './support/package-under-test.js';
import { consumerEnvironment, describeFailure, run } from './support/processes.js';

interface AttwReport {
  problems: Record<string, unknown>;
  analysis: {
    problems: unknown[];
    entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
  };
}

export function describePackageLint(subject: PackageUnderTest): void {
  describe('the packaging linters', () => {
    test('npx publint --strict finds nothing, not even a warning', async () => {
      const { checkout } = subject.packed;
      const result = await run('npx', ['--no-install', 'publint', '--strict'], { cwd: checkout, env: consumerEnvironment(process.execPath), timeoutMs: 60_000 });
      if (result.status !== 0) throw new Error(describeFailure('npx', ['publint', '--strict'], result));
      const { version } = JSON.parse(readFileSync(join(checkout, 'node_modules/publint/package.json'), 'utf8')) as { version: string };
      expect(result.stdout).toBe(`Running publint v${version} for prom-decorators...\nPacking files with \`npm pack\`...\nLinting...\nAll good!\n`);
    });

    test('npx @arethetypeswrong/cli --pack . finds no problem, and each resolution mode gets the declarations of its build', async () => {
      const { checkout } = subject.packed;
      // Its `npm pack` would run prepack and build again what the spec's own `npm pack` just built; skip only that.
      const result = await run('npx', ['--no-install', '@arethetypeswrong/cli', '--pack', '.', '--format', 'json'], {
        cwd: checkout,
        env: consumerEnvironment(process.execPath, { npm_config_ignore_scripts: 'true' }),
        timeoutMs: 120_000,
      });
      if (result.status !== 0) throw new Error(describeFailure('npx', ['@arethetypeswrong/cli', '--pack', '.'], result));
      const report = JSON.parse(result.stdout) as AttwReport;
      expect(report.problems).toEqual({});
      expect(report.analysis.problems).toEqual([]);
      const resolutionsOf = (entry: string) =>
        Object.fromEntries(Object.entries(report.analysis.entrypoints[entry].resolutions).map(([mode, { resolution }]) => [mode, resolution?.fileName]));
      expect(resolutionsOf('.')).toEqual({
        node10: '/node_modules/prom-decorators/dist/cjs/index.d.ts',
        'node16-cjs': '/node_modules/prom-decorators/dist/cjs/index.d.ts',
        'node16-esm': '/node_modules/prom-decorators/dist/esm/index.d.ts',
        bundler: '/node_modules/prom-decorators/dist/esm/index.d.ts',
      });
      expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './package.json', ...SUBPATH_ENTRY_POINTS.map((name) => `./${name}`)].sort());
      for (const name of SUBPATH_ENTRY_POINTS) {
        expect(resolutionsOf(`./${name}`)).toEqual({
          node10: `/node_modules/prom-decorators/dist/cjs/entries/${name}.d.ts`,
          'node16-cjs': `/node_modules/prom-decorators/dist/cjs/entries/${name}.d.ts`,
          'node16-esm': `/node_modules/prom-decorators/dist/esm/entries/${name}.d.ts`,
          bundler: `/node_modules/prom-decorators/dist/esm/entries/${name}.d.ts`,
        });
      }
    });
  });
}
