import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadInstrumented, runCommand } from '../../lib/generate/command.js';

const FIXTURE = join(__dirname, 'fixtures', 'shop.ts');
const TS_LOADER = join(__dirname, '../exposition/fixtures/ts-register.js');

async function run(argv: string[], load: (path: string) => unknown = require) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text), cwd: __dirname, load });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The command in a process of its own, as `npx prom-decorators` runs it, on the TypeScript sources. */
function cli(argv: string[]) {
  const result = spawnSync(process.execPath, ['-r', TS_LOADER, join(__dirname, '../../lib/cli.ts'), ...argv], { cwd: __dirname, encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('prom-decorators dashboard|rules <module>', () => {
  it('prints the dashboard of the classes the module defines', async () => {
    const { code, stdout, stderr } = await run(['dashboard', 'fixtures/shop.ts', '--title', 'Shop', '--matcher', 'job=shop']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const dashboard = JSON.parse(stdout);
    expect(dashboard.title).toBe('Shop');
    expect(dashboard.panels.filter((panel: { type: string }) => panel.type === 'row').map((panel: { title: string }) => panel.title)).toEqual(['Checkout', 'Nightly']);
    expect(dashboard.panels.find((panel: { title: string }) => panel.title === 'backup: since last success').targets[0].expr).toBe(
      'time() - max(method_last_success_timestamp_seconds{class="Nightly",method="backup",job="shop"} > 0)',
    );
  });

  it('prints the rules as YAML with the thresholds given as flags, or writes them with --out', async () => {
    const { code, stdout } = await run(['rules', 'fixtures/shop.ts', '--error-ratio', '0.2', '--not-called-for', '86400', '--for', '15m']);
    expect(code).toBe(0);
    const alerts = parse(stdout).groups.find((group: { name: string }) => group.name === 'prom-decorators-alerts').rules;
    expect(alerts.map((rule: { alert: string; labels: { method: string }; expr: string; for?: string }) => `${rule.alert} ${rule.labels.method} ${rule.for}: ${rule.expr.replace(/.* > /, '> ')}`)).toEqual([
      'MethodHighErrorRatio pay 15m: > 0.2',
      'MethodHighLatency pay 15m: > 1',
      'MethodNotCalledRecently pay undefined: > 86400',
      'MethodHighErrorRatio backup 15m: > 0.2',
      'MethodNotCalledRecently backup undefined: > 86400',
    ]);

    const dir = mkdtempSync(join(tmpdir(), 'prom-decorators-cli-'));
    try {
      const written = await run(['rules', FIXTURE, '--out', join(dir, 'rules.yml')]);
      expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(parse(readFileSync(join(dir, 'rules.yml'), 'utf8')).groups).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds exported classes decorated by another copy of the library (the specs live in reflect-metadata)', async () => {
    let isolated: Record<string, unknown> = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules is synchronous: only require() loads a fresh copy
      isolated = require('./fixtures/shop.ts');
    });
    const classes = await loadInstrumented(['/isolated/shop.js'], () => isolated);
    const copy = classes.find((owner) => owner.target === isolated.Checkout);
    expect(copy?.methods.map((method) => [method.name, method.metrics.map((metric) => metric.name)])).toEqual([
      ['pay', ['method_last_called_timestamp_seconds', 'method_exceptions_total', 'method_in_progress', 'method_duration_seconds', 'method_calls_total']],
    ]);
  });

  it('says what is wrong: usage (exit 2), bad flags, a module without instrumented classes (exit 1)', async () => {
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage:') });
    expect(await run(['graph', 'fixtures/shop.ts'])).toMatchObject({ code: 2 });
    expect(await run(['rules', 'fixtures/shop.ts', '--error-ratio', 'lots'])).toMatchObject({ code: 1, stderr: 'prom-decorators: --error-ratio lots: expected a non-negative number\n' });
    expect(await run(['dashboard', 'fixtures/shop.ts', '--matcher', 'job'])).toMatchObject({ code: 1, stderr: expect.stringContaining('expected label=value') });
    // A process that loaded only this module: the library's store holds no class.
    expect(cli(['dashboard', 'fixtures/nothing.mjs'])).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('no instrumented class found in fixtures/nothing.mjs') });
    expect(await run(['dashboard', 'fixtures/missing.js'])).toMatchObject({ code: 1, stderr: expect.stringContaining('Cannot find module') });
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('prom-decorators dashboard <module...>') });
  });

  it('loads an ESM entry with top-level await, which require() cannot', () => {
    const { code, stdout, stderr } = cli(['rules', 'fixtures/shop-entry.mjs']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(parse(stdout).groups.map((group: { name: string }) => group.name)).toEqual(['prom-decorators-recording', 'prom-decorators-alerts']);
  });
});
