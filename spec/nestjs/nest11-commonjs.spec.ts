/**
 * `prom-decorators/nestjs` in a CommonJS Nest 11 app, as a user installs it: the packed tarball
 * (spec/package's packCheckout) and @nestjs/* 11 with prom-client 15 from npm, in a temp folder;
 * fixtures/nest11-app.cjs `require()`s the package's CommonJS build. Each platform's app runs
 * in its own process and is asked over HTTP.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packCheckout } from '../package/support/packed-package.js';
import { consumerEnvironment, mustRun, startService, type RunningService } from '../package/support/processes.js';
import { samples, scrapeWhenIdle, send } from './support/http.js';

jest.setTimeout(30_000);

const NEST_PACKAGES = ['@nestjs/core@11', '@nestjs/common@11', '@nestjs/platform-express@11', '@nestjs/platform-fastify@11', 'rxjs@7', 'reflect-metadata@0.2', 'prom-client@15'];

let workDir: string | undefined;
let app: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'prom-decorators-nest11-'));
  const { tarball } = await packCheckout(workDir);
  app = join(workDir, 'nest11-app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'nest11-commonjs-app', version: '1.0.0', private: true, type: 'commonjs' }, null, 2)}\n`);
  await mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...NEST_PACKAGES], { cwd: app, env: consumerEnvironment(process.execPath), timeoutMs: 240_000 });
  copyFileSync(join(__dirname, 'fixtures/nest11-app.cjs'), join(app, 'nest11-app.cjs'));
}, 420_000);

afterAll(() => {
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe.each(['express', 'fastify'])('a CommonJS Nest 11 app on platform-%s', (platform) => {
  let service: RunningService | undefined;
  let base: string;

  beforeAll(async () => {
    service = startService(process.execPath, ['nest11-app.cjs', platform], { cwd: app, env: consumerEnvironment(process.execPath) });
    const line = (await service.waitForOutput('\n', 30_000)).split('\n')[0];
    const { port, nest } = JSON.parse(line) as { port: number; nest: string };
    expect(nest).toMatch(/^11\./);
    base = `http://127.0.0.1:${port}`;
  }, 40_000);

  afterAll(async () => {
    await service?.stop();
  });

  test('require("prom-decorators/nestjs") serves /metrics through Nest with the route template and the decorated provider', async () => {
    expect(await send(`${base}/users/42`)).toMatchObject({ status: 200, text: '{"id":"42","registry":true}' });
    expect((await send(`${base}/nope`)).status).toBe(404);
    const text = await scrapeWhenIdle(`${base}/metrics`);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/users/:id",status_code="200"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="404"} 1',
    ]);
    expect(samples(text, 'method_calls_total')).toEqual([
      'method_calls_total{class="UserService",method="find",result="error"} 0',
      'method_calls_total{class="UserService",method="find",result="ok"} 1',
    ]);
    expect(samples(text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(service!.errors()).toBe('');
  });
});
