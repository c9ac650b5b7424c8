/**
 * What is in the tarball and how npm installs it: the two builds and nothing of the sources,
 * a manifest whose entry points exist, and the clients as optional peers, never nested.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedManifest } from './support/consumer-apps.js';
import type { PackageUnderTest } from './support/package-under-test.js';

/** The entry points besides the root, as `prom-decorators/<name>`. */
export const SUBPATH_ENTRY_POINTS = ['express', 'koa', 'fastify', 'node-http', 'cluster', 'pushgateway', 'generate', 'hono', 'nestjs'];

/** The path of a file under dist/cjs or dist/esm, without that prefix. */
function inBuild(files: string[], build: 'cjs' | 'esm'): string[] {
  return files.filter((path) => path.startsWith(`dist/${build}/`)).map((path) => path.slice(`dist/${build}/`.length));
}

export function describeTarballContents(subject: PackageUnderTest): void {
  describe('the tarball', () => {
    test('holds package.json, README.md and the CommonJS and ESM builds of the same modules, nothing else', () => {
      const { files } = subject.packed;
      expect(files.filter((path) => !path.startsWith('dist/cjs/') && !path.startsWith('dist/esm/')).sort()).toEqual(['README.md', 'package.json']);
      expect(inBuild(files, 'esm').sort()).toEqual(inBuild(files, 'cjs').sort());
      expect(files).toEqual(
        expect.arrayContaining(['dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/cli.js', 'dist/cjs/package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/package.json']),
      );
      // TypeScript sources would be compiled again by some bundlers and tools; only declarations belong here.
      expect(files.filter((path) => /\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path))).toEqual([]);
    });

    test('each build folder tells Node its module format, as the root package.json has no "type" for dist/esm', () => {
      const installed = join(subject.apps['both clients'], 'node_modules/prom-decorators');
      expect(readFileSync(join(installed, 'dist/cjs/package.json'), 'utf8')).toBe('{"type":"commonjs"}\n');
      expect(readFileSync(join(installed, 'dist/esm/package.json'), 'utf8')).toBe('{"type":"module"}\n');
    });

    test('its manifest: exports with types first in each branch, the bin, and both clients as optional peers', () => {
      const manifest = installedManifest(subject.apps['both clients']);
      const entry = (file: string) => ({
        import: { types: `./dist/esm/${file}.d.ts`, default: `./dist/esm/${file}.js` },
        require: { types: `./dist/cjs/${file}.d.ts`, default: `./dist/cjs/${file}.js` },
      });
      expect(manifest.exports).toEqual({
        '.': entry('index'),
        ...Object.fromEntries(SUBPATH_ENTRY_POINTS.map((name) => [`./${name}`, entry(`entries/${name}`)])),
        './package.json': './package.json',
      });
      // TypeScript's moduleResolution "node" (node10, still the default of `module: commonjs`) reads no exports map: typesVersions finds the subpaths' declarations.
      expect(manifest.typesVersions).toEqual({ '*': Object.fromEntries(SUBPATH_ENTRY_POINTS.map((name) => [name, [`./dist/cjs/entries/${name}.d.ts`]])) });
      // Object key order is what TypeScript reads conditions in: `types` must come before `default`.
      const root = manifest.exports['.'] as Record<string, Record<string, string>>;
      expect(Object.keys(root.import)).toEqual(['types', 'default']);
      expect(Object.keys(root.require)).toEqual(['types', 'default']);
      expect([manifest.main, manifest.types, manifest.bin]).toEqual(['./dist/cjs/index.js', './dist/cjs/index.d.ts', { 'prom-decorators': './dist/cjs/cli.js' }]);
      // Nest only for prom-decorators/nestjs: every peer is optional, so npm installs none the app did not ask for.
      const nest = '^10.0.0 || ^11.0.0 || ^12.0.0';
      // @opentelemetry/api only for exemplars from the active trace (apps on @prometheus-io/client have it already).
      expect(manifest.peerDependencies).toEqual({ '@prometheus-io/client': '^0.16', 'prom-client': '^15', '@nestjs/common': nest, '@nestjs/core': nest, '@opentelemetry/api': '^1.3.0' });
      expect(manifest.peerDependenciesMeta).toEqual({
        '@prometheus-io/client': { optional: true },
        'prom-client': { optional: true },
        '@nestjs/common': { optional: true },
        '@nestjs/core': { optional: true },
        '@opentelemetry/api': { optional: true },
      });
      expect(Object.keys(manifest.dependencies)).toEqual(['reflect-metadata']);
    });

    test('every file the manifest points at is in the installed package', () => {
      const installed = join(subject.apps['both clients'], 'node_modules/prom-decorators');
      const manifest = installedManifest(subject.apps['both clients']);
      const branches = Object.values(manifest.exports).filter((branch): branch is Record<string, Record<string, string>> => typeof branch === 'object');
      const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin), ...branches.flatMap((branch) => [...Object.values(branch.import), ...Object.values(branch.require)])];
      expect(targets.filter((target) => !existsSync(join(installed, target)))).toEqual([]);
    });
  });

  describe('npm install of the tarball', () => {
    test('adds no Prometheus client by itself: both are optional peers', () => {
      const app = subject.apps['no client'];
      expect(['@prometheus-io/client', 'prom-client'].filter((client) => existsSync(join(app, 'node_modules', client)))).toEqual([]);
    });

    test('next to the app\'s clients keeps one copy of each, the app\'s, none nested under the library', () => {
      const app = subject.apps['both clients'];
      expect(existsSync(join(app, 'node_modules/@prometheus-io/client/package.json'))).toBe(true);
      expect(existsSync(join(app, 'node_modules/prom-client/package.json'))).toBe(true);
      expect(existsSync(join(app, 'node_modules/prom-decorators/node_modules'))).toBe(false);
    });
  });
}
