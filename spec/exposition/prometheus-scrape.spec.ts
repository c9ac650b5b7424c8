import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Gauge, openMetricsContentType, Registry, type OpenMetricsContentType } from '../support/prometheus-client.js';
import { Counted, Enum, Info, metricsHandler, setLogger, Timed } from '../../lib';
import type { MetricsRegistry } from '../../lib/client/registry';
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

/**
 * What reached the exposition before issue 13 and took the target down in OpenMetrics: a
 * client gauge registered after our histogram whose name is its `_count`, an exemplar a
 * throwing `inc()` left behind; with an Info and an Enum, OpenMetrics' info and stateset.
 */
function hostileRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(openMetricsContentType);
  const shared = registry as unknown as MetricsRegistry;
  class Mill {
    @Timed({ registry: shared, name: 'grind_seconds', buckets: [1] })
    grind(): void {}
  }
  new Mill().grind();
  new Gauge({ name: 'grind_seconds_count', help: 'Clashes with the histogram count', registers: [registry] }).set(42);
  const sacks = new Counter<string>({ name: 'sacks_total', help: 'Sacks', labelNames: ['mill'], enableExemplars: true, registers: [registry] });
  sacks.inc({ labels: { mill: 'north' }, value: 2, exemplarLabels: { trace_id: 'abc123' } });
  try {
    sacks.inc({ labels: { mill: 'south' }, value: 3, exemplarLabels: { trace_id: 'x'.repeat(200) } });
  } catch {
    // The client validates the exemplar after counting: `{ labelSet: {}, value: null }` stays behind.
  }
  new Info({ name: 'mill', labels: { version: '1.2.3' }, registry: shared });
  new Enum({ name: 'mill_state', states: ['starting', 'grinding', 'stopped'], initial: 'grinding', registry: shared });
  return registry;
}

// The real Prometheus (Debian's prometheus package, installed by .ci/run) scrapes our endpoint: it
// negotiates OpenMetrics and gzip, sends basic auth, and its strict parser must accept every scrape (up == 1).
describe('scraped by the real Prometheus', () => {
  let directory: string;
  let server: Server;
  let hostileServer: Server;
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
    // The skipped family and exemplar are logged once; the spec's output stays quiet.
    setLogger({ warn() {} });
    hostileServer = createServer(metricsHandler({ registry: hostileRegistry() }));
    await new Promise<void>((resolve) => hostileServer.listen(0, '127.0.0.1', resolve));
    const hostileTarget = `127.0.0.1:${(hostileServer.address() as AddressInfo).port}`;

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
        '  - job_name: hostile',
        `    static_configs: [{ targets: ['${hostileTarget}'] }]`,
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
    await waitFor('every job to be scraped', 30_000, async () => ((await query('up')).length === 3 ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    await stopChild(prometheus);
    setLogger(undefined);
    // beforeAll may have stopped before the servers existed (no prometheus binary).
    for (const running of [server, hostileServer]) {
      if (running === undefined) continue;
      running.closeAllConnections();
      await new Promise((resolve) => running.close(resolve));
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

  test('a clashing family and a broken exemplar are left out, Info and Enum arrive as info and stateset: the target stays up', async () => {
    const values = async (expr: string): Promise<string[]> => (await query(expr)).map((sample) => sample.value[1]);
    expect([await values('up{job="hostile"}'), logs]).toEqual([['1'], logs]);
    // The histogram's count (1 call), not the clashing gauge's 42.
    expect(await values('grind_seconds_count{job="hostile"}')).toEqual(['1']);
    expect(await values('sacks_total{job="hostile",mill="north"}')).toEqual(['2']);
    expect(await values('sacks_total{job="hostile",mill="south"}')).toEqual(['3']);
    expect(await values('mill_info{job="hostile",version="1.2.3"}')).toEqual(['1']);
    expect(await values('sort_desc(mill_state{job="hostile"})')).toEqual(['1', '0', '0']);
    expect(await values('mill_state{job="hostile",mill_state="grinding"}')).toEqual(['1']);
    // Counted from the first scrape on, so a later scrape carries both reasons.
    const skipped = await waitFor('a scrape carrying the skip counts', 10_000, async () => {
      const found = await query('prom_decorators_exposition_skipped_total{job="hostile"}');
      return found.length === 2 ? found : undefined;
    });
    expect(skipped.map((sample) => sample.metric.reason).sort()).toEqual(['invalid_exemplar', 'name_clash']);
    expect(skipped.every((sample) => Number(sample.value[1]) >= 1)).toBe(true);
    // What Prometheus read for the metadata: the OpenMetrics types.
    const metadata = JSON.parse((await fetchUrl(`${prometheusUrl}/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="hostile"}')}`)).text) as {
      data: { metric: string; type: string }[];
    };
    const types = Object.fromEntries(metadata.data.map((entry) => [entry.metric, entry.type]));
    expect(types).toMatchObject({ mill: 'info', mill_state: 'stateset', grind_seconds: 'histogram', sacks: 'counter' });
  });
});
