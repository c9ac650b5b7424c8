import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
let outDir: string;

// jest fails any test during which a promise rejection goes unhandled and hides the event from
// the test, so the scenarios run in plain node: lib and the fixture compiled once, here.
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'prom-decorators-unhandled-'));
  await run(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '--outDir', outDir, '--rootDir', root, '--module', 'commonjs', '--moduleResolution', 'bundler', '--target', 'ES2022',
      '--experimentalDecorators', '--skipLibCheck', '--types', 'node', '--noCheck', '--declaration', 'false', '--ignoreConfig',
      join(root, 'spec/core/fixtures/unhandled-rejections.ts'),
    ],
    { cwd: root },
  );
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function scenario(name: string): Promise<{ reasons: string[]; exceptions: string[] }> {
  const { stdout } = await run(process.execPath, [join(outDir, 'spec/core/fixtures/unhandled-rejections.js'), name], {
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as { reasons: string[]; exceptions: string[] };
}

describe('unhandled rejections behave exactly as without decorators', () => {
  test('a rejected call the caller ignores: one unhandledRejection, as without decorators', async () => {
    expect((await scenario('ignored-plain')).reasons).toEqual(['plain']);
    expect(await scenario('ignored-decorated')).toEqual({
      reasons: ['decorated'],
      exceptions: ['method_exceptions_total{class="Service",method="decorated",error="Error"} 1'],
    });
    expect((await scenario('ignored-decorated-subclass')).reasons).toEqual(['decorated subclass']);
  });

  test('a rejected call the caller handles: none, as without decorators', async () => {
    expect((await scenario('handled-plain')).reasons).toEqual([]);
    expect(await scenario('handled-decorated')).toEqual({
      reasons: [],
      exceptions: ['method_exceptions_total{class="Service",method="decorated",error="Error"} 1'],
    });
    expect((await scenario('awaited-decorated')).reasons).toEqual([]);
  });
});
