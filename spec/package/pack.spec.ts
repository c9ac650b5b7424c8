import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * What a user gets from `npm pack`: a fresh TypeScript project installs the tarball next to
 * its own prom-client and TypeScript, turns on only `experimentalDecorators`, compiles a
 * decorated class and runs it; the library's metrics must land in the app's own registry.
 */
const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let workDir: string;
let appDir: string;
let tarball: string;

const APP_MAIN = `
import { Counter, register } from 'prom-client';
import { CountExceptions, Counted, InProgress, LastCalled, Timed, exposeMetrics, listInstrumented } from 'prom-decorators';

const ownCounter = new Counter({ name: 'app_own_total', help: 'The app own counter' });

class TreeService {
  @Counted() @Timed() @InProgress() @CountExceptions() @LastCalled()
  async countTrees(region: string): Promise<number> {
    ownCounter.inc();
    if (region === 'nowhere') throw new RangeError(region);
    return region.length;
  }
}

async function main(): Promise<void> {
  const service = new TreeService();
  const trees: number = await service.countTrees('north');
  await service.countTrees('nowhere').catch(() => undefined);
  const exposed = await exposeMetrics(0, { host: '127.0.0.1' });
  try {
    const scraped = await (await fetch(exposed.url)).text();
    const local = await register.metrics();
    const classes = listInstrumented().map((entry) => entry.className);
    console.log(JSON.stringify({ trees, scraped, local, classes }));
  } finally {
    await exposed.close();
  }
}

void main();
`;

/** Runs a command with a bounded time, in the app or the project. */
async function sh(command: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${(error as Error).message}\n${stdout}\n${stderr}`);
  }
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'prom-decorators-pack-'));
  // prepack runs `npm run build`, so the tarball holds a fresh dist/cjs.
  const packed = JSON.parse(await sh(npm, ['pack', '--json', '--pack-destination', workDir], root)) as { filename: string }[];
  tarball = join(workDir, packed[0].filename);
  appDir = join(workDir, 'app');
  mkdirSync(appDir);
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'packaging-check-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
  writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { experimentalDecorators: true } }, null, 2));
  writeFileSync(join(appDir, 'main.ts'), APP_MAIN);
  // From the local npm cache when it has them (CI ran `npm ci` just before), else from the registry.
  await sh(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'prom-client@^15', 'typescript@~6.0.3', '@types/node@^20'], appDir);
}, 300_000);

afterAll(() => {
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe('the packed package', () => {
  test('holds the CommonJS build and its declarations, not the sources or specs', async () => {
    const listing = JSON.parse(await sh(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], root)) as { files: { path: string }[] }[];
    const paths = listing[0].files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cjs/index.js', 'dist/cjs/index.d.ts']));
    expect(paths.filter((path) => /^(lib|spec|demo|bench)\//.test(path) || path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  test('main, types and exports point at files that exist in the installed package', () => {
    const installed = join(appDir, 'node_modules/prom-decorators');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, string | Record<string, string>>;
      peerDependencies: Record<string, string>;
    };
    expect(existsSync(join(installed, manifest.main))).toBe(true);
    expect(existsSync(join(installed, manifest.types))).toBe(true);
    const root = manifest.exports['.'] as Record<string, string>;
    expect(Object.keys(root)[0]).toBe('types'); // types first, or TypeScript may pick the JavaScript
    for (const target of Object.values(root)) expect(existsSync(join(installed, target))).toBe(true);
    expect(manifest.peerDependencies['prom-client']).toBe('^15');
  });

  test('require() and import() both resolve through exports to the same build', async () => {
    const script = `
      const viaRequire = require('prom-decorators');
      import('prom-decorators').then((viaImport) => {
        console.log(JSON.stringify({
          resolved: require.resolve('prom-decorators'),
          decorators: ['Counted', 'Timed', 'InProgress', 'CountExceptions', 'LastCalled'].map((name) => typeof viaRequire[name]),
          same: viaImport.Counted === viaRequire.Counted,
          manifest: require('prom-decorators/package.json').name,
        }));
      });`;
    const result = JSON.parse(await sh(process.execPath, ['--input-type=commonjs', '-e', script], appDir, 30_000));
    expect(result).toEqual({
      resolved: join(appDir, 'node_modules/prom-decorators/dist/cjs/index.js'),
      decorators: ['function', 'function', 'function', 'function', 'function'],
      same: true,
      manifest: 'prom-decorators',
    });
  });

  test('one prom-client in the app: the library uses the app\'s copy (a peer dependency), not a nested one', () => {
    expect(existsSync(join(appDir, 'node_modules/prom-client'))).toBe(true);
    expect(existsSync(join(appDir, 'node_modules/prom-decorators/node_modules/prom-client'))).toBe(false);
  });

  test('a TypeScript app with only experimentalDecorators compiles, runs, and finds our metrics in its own register', async () => {
    await sh(process.execPath, [join(appDir, 'node_modules/typescript/bin/tsc'), '-p', appDir], appDir);
    // Type-check again with Node's own resolution, which reads the "types" condition of exports.
    await sh(process.execPath, [join(appDir, 'node_modules/typescript/bin/tsc'), '-p', appDir, '--noEmit', '--module', 'nodenext'], appDir);
    const output = JSON.parse(await sh(process.execPath, [join(appDir, 'main.js')], appDir, 60_000)) as { trees: number; scraped: string; local: string; classes: string[] };
    expect(output.trees).toBe(5);
    expect(output.classes).toContain('TreeService');
    for (const text of [output.local, output.scraped]) {
      const lines = text.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          'app_own_total 2',
          'method_calls_total{class="TreeService",method="countTrees",result="ok"} 1',
          'method_calls_total{class="TreeService",method="countTrees",result="error"} 1',
          'method_exceptions_total{class="TreeService",method="countTrees",error="RangeError"} 1',
          'method_in_progress{class="TreeService",method="countTrees"} 0',
          'method_duration_seconds_count{class="TreeService",method="countTrees",result="ok"} 1',
          'method_duration_seconds_count{class="TreeService",method="countTrees",result="error"} 1',
        ]),
      );
      expect(lines.find((line) => line.startsWith('method_last_called_timestamp_seconds{'))).toMatch(/ \d{10}(\.\d+)?$/);
    }
    // exposeMetrics() turned on prom-client's process metrics in the app's register.
    expect(output.scraped).toMatch(/^process_cpu_seconds_total \d/m);
  });
});
