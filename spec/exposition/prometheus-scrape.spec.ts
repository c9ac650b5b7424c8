import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../support/prometheus-client.js';
import { Counted, metricsHandler } from '../../lib';
import { fetchUrl } from './http-client';
import { freePort, stopChild } from './processes';
import { requireBinary } from '../support/binaries.js';

async function waitFor<T>(what: string, limitMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The real Prometheus (Debian's prometheus package, installed by .ci/run) scrapes our endpoint: it
// negotiates OpenMetrics and gzip, sends basic auth, and its strict parser must accept every scrape (up == 1).
describe('scraped by the real Prometheus', () => {
  let directory: string;
  let server: Server;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let logs = '';
  const seen: { headers: IncomingHttpHeaders; contentType?: string; status?: number }[] = [];

  async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetchUrl(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (JSON.parse(response.text) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
  }

  beforeAll(async () => {
    const binary = requireBinary('prometheus');
    directory = mkdtempSync(join(tmpdir(), 'prom-decorators-prometheus-'));
    const registry = new Registry();
    class Barn {
      @Counted({ registry })
      open(): void {}
    }
    const barn = new Barn();
    for (let i = 0; i < 3; i++) barn.open();
    const handler = metricsHandler({ registry, basicAuth: { username: 'prometheus', password: 'scrape-secret' } });
    server = createServer((request, response) => {
      const entry: (typeof seen)[number] = { headers: request.headers };
      seen.push(entry);
      response.on('finish', () => {
        entry.status = response.statusCode;
        entry.contentType = String(response.getHeader('content-type'));
      });
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;

    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(directory, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: authorized',
        '    basic_auth: { username: prometheus, password: scrape-secret }',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '  - job_name: wrong_password',
        '    basic_auth: { username: prometheus, password: guess }',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
    );
    mkdirSync(join(directory, 'data'));
    prometheus = spawn(
      binary,
      [`--config.file=${join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    await waitFor('both jobs to be scraped', 30_000, async () => ((await query('up')).length === 2 ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    await stopChild(prometheus);
    // beforeAll may have stopped before the server existed (no prometheus binary).
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  test('with the right credentials every scrape succeeds and the values arrive', async () => {
    const up = await query('up{job="authorized"}');
    expect([up.map((sample) => sample.value[1]), logs]).toEqual([['1'], logs]);
    const calls = await query('method_calls_total{job="authorized",class="Barn",result="ok"}');
    expect(calls.map((sample) => sample.value[1])).toEqual(['3']);
  });

  test('Prometheus asked for OpenMetrics and gzip, and got them', () => {
    const authorized = seen.filter((entry) => entry.status === 200);
    expect(authorized.length).toBeGreaterThan(0);
    for (const entry of authorized) {
      expect(entry.headers.accept).toMatch(/^application\/openmetrics-text;version=1\.0\.0/);
      expect(entry.headers['accept-encoding']).toContain('gzip');
      expect(entry.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    }
  });

  test('with the wrong password the target is down (401)', async () => {
    const up = await query('up{job="wrong_password"}');
    expect(up.map((sample) => sample.value[1])).toEqual(['0']);
    expect(seen.filter((entry) => entry.status === 401).length).toBeGreaterThan(0);
  });
});
