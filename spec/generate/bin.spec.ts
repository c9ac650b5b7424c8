/**
 * The published command: package.json's `bin` points at the CommonJS build of lib/cli.ts.
 * Builds lib with tsconfig.build.json into a scratch directory, then runs the built command
 * as npm would, on a plain JavaScript module that decorates a class.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
jest.setTimeout(120_000);

let out: string;
beforeAll(() => {
  // Inside the repository (in the ignored .build/), so the build finds node_modules as an installed package would.
  mkdirSync(join(ROOT, '.build'), { recursive: true });
  out = mkdtempSync(join(ROOT, '.build', 'bin-spec-'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(out, 'dist/cjs'), '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], { stdio: 'pipe', timeout: 110_000 });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the prom-decorators command', () => {
  it('is package.json\'s bin, built from lib/cli.ts into dist/cjs with its shebang', () => {
    const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(bin).toEqual({ 'prom-decorators': './dist/cjs/cli.js' });
    expect(readFileSync(join(out, bin['prom-decorators']), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the rules and the dashboard of a JavaScript module', () => {
    const module = join(out, 'shop.js');
    writeFileSync(
      module,
      [
        `const { Counted, LastCalled } = require(${JSON.stringify(join(out, 'dist/cjs/index.js'))});`,
        'class Shop { pay() {} }',
        "const descriptor = Object.getOwnPropertyDescriptor(Shop.prototype, 'pay');",
        "for (const decorate of [LastCalled(), Counted()]) Object.defineProperty(Shop.prototype, 'pay', decorate(Shop.prototype, 'pay', descriptor) ?? descriptor);",
        'module.exports = { Shop };',
      ].join('\n'),
    );
    const cli = join(out, 'dist/cjs/cli.js');
    const rules = spawnSync(process.execPath, [cli, 'rules', 'shop.js', '--not-called-for', '600'], { cwd: out, encoding: 'utf8', timeout: 20_000 });
    expect(rules.stderr).toBe('');
    expect(rules.status).toBe(0);
    expect(parse(rules.stdout).groups.map((group: { name: string; rules: { alert?: string; record?: string }[] }) => [group.name, group.rules.map((rule) => rule.alert ?? rule.record)])).toEqual([
      ['prom-decorators-recording', ['job_class_method_result:method_calls:rate5m']],
      ['prom-decorators-alerts', ['MethodHighErrorRatio', 'MethodNotCalledRecently']],
    ]);
    const dashboard = spawnSync(process.execPath, [cli, 'dashboard', 'shop.js'], { cwd: out, encoding: 'utf8', timeout: 20_000 });
    expect(dashboard.status).toBe(0);
    expect(JSON.parse(dashboard.stdout).panels.map((panel: { title: string }) => panel.title)).toEqual(['Shop', 'pay: calls/s', 'pay: error ratio', 'pay: since last call']);
    const usage = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: usage.status, usage: usage.stderr.split('\n')[0] }).toEqual({ status: 2, usage: 'Usage:' });
  });
});
