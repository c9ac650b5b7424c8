/**
 * Fresh consumer apps of the packed tarball, in a temp folder. One `npm install` makes an app
 * with the tarball and both Prometheus clients; the apps with one client are copies of it
 * with the other client's folder removed, which is what npm installs without it (both are
 * optional peers and nothing else depends on them). The app without a client is installed
 * for real: it shows that npm installs no client the app did not ask for.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerEnvironment, mustRun, run, type Finished } from './processes.js';

export const CLIENT_PACKAGES = ['@prometheus-io/client', 'prom-client'] as const;
export type ClientPackage = (typeof CLIENT_PACKAGES)[number];

/** The programs every app gets (spec/package/fixtures/consumer), and the CommonJS dependency the mixed app uses. */
const CONSUMER_FIXTURES = join(__dirname, '../fixtures/consumer');
const CJS_DEPENDENCY_FIXTURE = join(__dirname, '../fixtures/legacy-orders');

/**
 * `npm install` of the tarball and `packages` into `<workDir>/<name>`, a fresh app whose
 * package.json says "type": "module" (its `.js` files are ES modules, its `.cjs` files
 * CommonJS), with the consumer programs of spec/package/fixtures.
 */
export async function installApp(workDir: string, name: string, tarball: string, packages: readonly string[]): Promise<string> {
  const app = join(workDir, name);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: `prom-decorators-consumer-${name}`, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  // From npm's cache when it has them (CI ran `npm ci` just before), else from the registry.
  await mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...packages], { cwd: app, env: consumerEnvironment(process.execPath), timeoutMs: 180_000 });
  cpSync(CONSUMER_FIXTURES, app, { recursive: true });
  cpSync(CJS_DEPENDENCY_FIXTURE, join(app, 'node_modules/legacy-orders'), { recursive: true });
  return app;
}

/** A copy of `base` named `name`, without the given clients. Symlinks (node_modules/.bin) stay relative, so they point into the copy. */
export function deriveApp(base: string, name: string, without: readonly ClientPackage[]): string {
  const app = join(base, '..', name);
  cpSync(base, app, { recursive: true, verbatimSymlinks: true });
  for (const client of without) rmSync(join(app, 'node_modules', client), { recursive: true, force: true });
  return app;
}

/** The manifest of the package as installed in an app. */
export function installedManifest(app: string): {
  main: string;
  types: string;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(app, 'node_modules/prom-decorators/package.json'), 'utf8'));
}

/** Runs a program of the app with `node`, without PROM_DECORATORS_CLIENT unless `extraEnv` sets it. */
export function runInApp(app: string, node: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return run(node, args, { cwd: app, env: consumerEnvironment(node, extraEnv), timeoutMs: 30_000 });
}
