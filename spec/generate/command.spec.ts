import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadInstrumented, runCommand } from '../../lib/generate/command.js';

const FIXTURE = join(__dirname, 'fixtures', 'shop.ts');

function run(argv: string[], load: (path: string) => unknown = require) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCommand(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text), cwd: __dirname, load });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('prom-decorators dashboard|rules <module>', () => {
  it('prints the dashboard of the classes the module defines', () => {
    const { code, stdout, stderr } = run(['dashboard', 'fixtures/shop.ts', '--title', 'Shop', '--matcher', 'job=shop']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const dashboard = JSON.parse(stdout);
    expect(dashboard.title).toBe('Shop');
    expect(dashboard.panels.filter((panel: { type: string }) => panel.type === 'row').map((panel: { title: string }) => panel.title)).toEqual(['Checkout', 'Nightly']);
    expect(dashboard.panels.find((panel: { title: string }) => panel.title === 'backup: since last success').targets[0].expr).toBe(
      'time() - max(method_last_success_timestamp_seconds{class="Nightly",method="backup",job="shop"} > 0)',
    );
  });

  it('prints the rules as YAML with the thresholds given as flags, or writes them with --out', () => {
    const { code, stdout } = run(['rules', 'fixtures/shop.ts', '--error-ratio', '0.2', '--not-called-for', '86400', '--for', '15m']);
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
      const written = run(['rules', FIXTURE, '--out', join(dir, 'rules.yml')]);
      expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(parse(readFileSync(join(dir, 'rules.yml'), 'utf8')).groups).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds exported classes decorated by another copy of the library (the specs live in reflect-metadata)', () => {
    let isolated: Record<string, unknown> = {};
    jest.isolateModules(() => {
      isolated = require('./fixtures/shop.ts');
    });
    const classes = loadInstrumented(['/isolated/shop.js'], () => isolated);
    const copy = classes.find((owner) => owner.target === isolated.Checkout);
    expect(copy?.methods.map((method) => [method.name, method.metrics.map((metric) => metric.name)])).toEqual([
      ['pay', ['method_last_called_timestamp_seconds', 'method_exceptions_total', 'method_in_progress', 'method_duration_seconds', 'method_calls_total']],
    ]);
  });

  it('says what is wrong: usage (exit 2), bad flags, a module without instrumented classes (exit 1)', () => {
    expect(run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage:') });
    expect(run(['graph', 'fixtures/shop.ts'])).toMatchObject({ code: 2 });
    expect(run(['rules', 'fixtures/shop.ts', '--error-ratio', 'lots'])).toMatchObject({ code: 1, stderr: 'prom-decorators: --error-ratio lots: expected a non-negative number\n' });
    expect(run(['dashboard', 'fixtures/shop.ts', '--matcher', 'job'])).toMatchObject({ code: 1, stderr: expect.stringContaining('expected label=value') });
    // A fresh copy of the library, as in a CLI process that loaded only this module.
    jest.isolateModules(() => {
      const fresh = require('../../lib/generate/command.ts') as typeof import('../../lib/generate/command.js');
      const err: string[] = [];
      const code = fresh.runCommand(['dashboard', 'fixtures/nothing.js'], { stdout: () => {}, stderr: (text) => err.push(text), cwd: __dirname, load: () => ({}) });
      expect({ code, stderr: err.join('') }).toEqual({ code: 1, stderr: expect.stringContaining('no instrumented class found in fixtures/nothing.js') });
    });
    expect(run(['dashboard', 'fixtures/missing.js'])).toMatchObject({ code: 1, stderr: expect.stringContaining('Cannot find module') });
    expect(run(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('prom-decorators dashboard <module...>') });
  });
});
