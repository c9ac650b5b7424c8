/**
 * The published command: package.json's `bin` points at the CommonJS build of lib/cli.ts.
 * Runs lib/cli.ts as compiled for this jest run (spec/support/compiled-tree.ts) as npm
 * would, on a plain JavaScript module that decorates a class.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { compiledTree } from '../support/compiled-tree.js';

const ROOT = join(__dirname, '..', '..');
jest.setTimeout(120_000);

let tree: string;
let scratch: string;
beforeAll(async () => {
  tree = await compiledTree();
  scratch = mkdtempSync(join(tmpdir(), 'prom-decorators-bin-'));
});
afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('the prom-decorators command', () => {
  it('is package.json\'s bin, built from lib/cli.ts into dist/cjs with its shebang', () => {
    const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(bin).toEqual({ 'prom-decorators': './dist/cjs/cli.js' });
    // Where the package build writes lib/cli.ts, by TypeScript's own rule (without building it again here).
    const build = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    expect(ts.getOutputFileNames(build!, join(ROOT, 'lib/cli.ts'), false)).toContain(join(ROOT, bin['prom-decorators']));
    expect(readFileSync(join(tree, 'lib/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the rules and the dashboard of a JavaScript module', () => {
    const module = join(scratch, 'shop.js');
    writeFileSync(
      module,
      [
        `const { Counted, LastCalled } = require(${JSON.stringify(join(tree, 'lib/index.js'))});`,
        'class Shop { pay() {} }',
        "const descriptor = Object.getOwnPropertyDescriptor(Shop.prototype, 'pay');",
        "for (const decorate of [LastCalled(), Counted()]) Object.defineProperty(Shop.prototype, 'pay', decorate(Shop.prototype, 'pay', descriptor) ?? descriptor);",
        'module.exports = { Shop };',
      ].join('\n'),
    );
    const cli = join(tree, 'lib/cli.js');
    const rules = spawnSync(process.execPath, [cli, 'rules', 'shop.js', '--not-called-for', '600'], { cwd: scratch, encoding: 'utf8', timeout: 20_000 });
    expect(rules.stderr).toBe('');
    expect(rules.status).toBe(0);
    expect(parse(rules.stdout).groups.map((group: { name: string; rules: { alert?: string; record?: string }[] }) => [group.name, group.rules.map((rule) => rule.alert ?? rule.record)])).toEqual([
      ['prom-decorators-recording', ['job_class_method_result:method_calls:rate5m']],
      ['prom-decorators-alerts', ['MethodHighErrorRatio', 'MethodNotCalledRecently']],
    ]);
    const dashboard = spawnSync(process.execPath, [cli, 'dashboard', 'shop.js'], { cwd: scratch, encoding: 'utf8', timeout: 20_000 });
    expect(dashboard.status).toBe(0);
    expect(JSON.parse(dashboard.stdout).panels.map((panel: { title: string }) => panel.title)).toEqual(['Shop', 'pay: calls/s', 'pay: error ratio', 'pay: since last call']);
    const usage = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: usage.status, usage: usage.stderr.split('\n')[0] }).toEqual({ status: 2, usage: 'Usage:' });
  });
});
