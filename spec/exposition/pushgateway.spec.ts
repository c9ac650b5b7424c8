import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Registry } from '../support/prometheus-client.js';
import { Counted, LastCalled } from '../../lib';
import { pushMetrics } from '../../lib/exposition/pushgateway';
import { renderMetrics } from '../../lib/exposition/render';
import { fetchUrl, sampleLines } from './http-client';
import { freePort, stopChild } from './processes';
import { requireBinary } from '../support/binaries.js';

/** The groups' samples the gateway serves (it adds job/instance labels, sorted by name). */
async function gatewayLines(url: string, prefix: string): Promise<string[]> {
  return sampleLines((await fetchUrl(`${url}/metrics`)).text, prefix);
}

// A real Pushgateway (Debian package prometheus-pushgateway, installed by .ci/run) on loopback.
describe('pushMetrics against a real Pushgateway (issue 5 §5)', () => {
  let gateway: ChildProcess | undefined;
  let directory: string;
  let url: string;

  beforeAll(async () => {
    const binary = requireBinary('prometheus-pushgateway');
    directory = mkdtempSync(join(tmpdir(), 'prom-decorators-pushgateway-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(directory, 'pushgateway.data')}`], {
      stdio: 'ignore',
    });
    for (let attempt = 0; attempt < 100; attempt++) {
      const ready = await fetchUrl(`${url}/-/ready`).catch(() => undefined);
      if (ready?.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the Pushgateway did not become ready on ${url}`);
  }, 30_000);

  afterAll(async () => {
    await stopChild(gateway);
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  test('a batch job pushes its last-success timestamp and call count', async () => {
    const registry = new Registry();
    class NightlyExport {
      @LastCalled({ registry, on: 'success' }) @Counted({ registry })
      async run(): Promise<number> {
        return 42;
      }
    }
    await new NightlyExport().run();
    await pushMetrics({ url, job: 'nightly_export', groupings: { instance: 'batch-1' }, registry });

    expect(await gatewayLines(url, 'method_calls_total')).toEqual([
      'method_calls_total{class="NightlyExport",instance="batch-1",job="nightly_export",method="run",result="error"} 0',
      'method_calls_total{class="NightlyExport",instance="batch-1",job="nightly_export",method="run",result="ok"} 1',
    ]);
    const [pushed] = await gatewayLines(url, 'method_last_success_timestamp_seconds');
    const match = /^method_last_success_timestamp_seconds\{class="NightlyExport",instance="batch-1",job="nightly_export",method="run"\} (\S+)$/.exec(pushed);
    expect(match).not.toBeNull();
    const local = /method_last_success_timestamp_seconds\{[^}]*\} (\S+)/.exec((await renderMetrics({ registry })).body)?.[1];
    // Recomputed from a monotonic clock at each collection: equal to well under a millisecond.
    expect(Math.abs(Number(match![1]) - Number(local))).toBeLessThan(0.01);
    expect((await gatewayLines(url, 'push_failure_time_seconds{')).filter((line) => line.includes('nightly_export'))).toEqual([
      'push_failure_time_seconds{instance="batch-1",job="nightly_export"} 0',
    ]);
  });

  test("push replaces the group, pushAdd replaces only the metrics pushed, delete removes the group", async () => {
    const first = new Registry();
    new Gauge({ name: 'rows_exported', help: 'Rows', registers: [first] }).set(10);
    const second = new Registry();
    new Gauge({ name: 'files_written', help: 'Files', registers: [second] }).set(2);
    const group = { url, job: 'replace_job', groupings: { shard: 'a' } };

    await pushMetrics({ ...group, registry: first });
    await pushMetrics({ ...group, registry: second, method: 'pushAdd' });
    expect(await gatewayLines(url, 'rows_exported')).toEqual(['rows_exported{instance="",job="replace_job",shard="a"} 10']);
    expect(await gatewayLines(url, 'files_written')).toEqual(['files_written{instance="",job="replace_job",shard="a"} 2']);

    await pushMetrics({ ...group, registry: second, method: 'push' });
    expect(await gatewayLines(url, 'rows_exported')).toEqual([]);
    expect(await gatewayLines(url, 'files_written')).toEqual(['files_written{instance="",job="replace_job",shard="a"} 2']);

    await pushMetrics({ ...group, method: 'delete' });
    expect(await gatewayLines(url, 'files_written')).toEqual([]);
  });

  test("a '/' in the job or a grouping value, an empty value and dot segments are pushed as the API says (@base64), and read back exactly", async () => {
    const registry = new Registry();
    new Gauge({ name: 'backup_bytes', help: 'Bytes backed up', registers: [registry] }).set(512);
    const groupings = { path: 'a/b', tier: '', dot: '.', dots: '..', plain: 'x y%' };
    await pushMetrics({ url, job: 'nightly/backup', groupings, registry });
    expect(await gatewayLines(url, 'backup_bytes')).toEqual(['backup_bytes{dot=".",dots="..",instance="",job="nightly/backup",path="a/b",plain="x y%",tier=""} 512']);
    // The same group, reached again: delete finds it by the same encoded path.
    await pushMetrics({ url, job: 'nightly/backup', groupings, method: 'delete' });
    expect(await gatewayLines(url, 'backup_bytes')).toEqual([]);
  });

  test('a gateway error rejects the promise with the status', async () => {
    await expect(pushMetrics({ url: `${url}/no-such-prefix`, job: 'lost', registry: new Registry() })).rejects.toThrow(`pushMetrics(): PUT ${url}/no-such-prefix/metrics/job/lost failed with status 404, 404 page not found`);
  });
});

/** What a stand-in gateway received, one entry per request; it answers `status`, or never when `status` is 0. */
interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function standInGateway(status: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method, path: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      if (status !== 0) response.writeHead(status).end(status >= 400 ? 'bad group' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('pushMetrics options', () => {
  test('an unreachable gateway rejects', async () => {
    const port = await freePort();
    await expect(pushMetrics({ url: `http://127.0.0.1:${port}`, job: 'lost', registry: new Registry() })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('the request: method, path under the base URL, text exposition, headers and basic auth from the options', async () => {
    const gateway = await standInGateway(200);
    try {
      const registry = new Registry();
      new Gauge({ name: 'rows', help: 'Rows', registers: [registry] }).set(3);
      const base = gateway.url.replace('http://', 'http://batch:secret@');
      await pushMetrics({ url: `${base}/gateway/`, job: 'export', groupings: { instance: 'a/b' }, registry, requestOptions: { headers: { 'X-Tenant': 'blue' } } });
      await pushMetrics({ url: gateway.url, job: 'export', registry, method: 'pushAdd', requestOptions: { headers: { 'Content-Encoding': 'gzip' } } });
      await pushMetrics({ url: gateway.url, job: 'export', method: 'delete', requestOptions: { headers: { 'Content-Encoding': 'gzip' } } });
      const [put, post, remove] = gateway.received;
      expect(put).toMatchObject({ method: 'PUT', path: '/gateway/metrics/job/export/instance@base64/YS9i' });
      expect(put.headers).toMatchObject({ authorization: `Basic ${Buffer.from('batch:secret').toString('base64')}`, 'x-tenant': 'blue', 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      expect(put.body.toString('utf8')).toBe('# HELP rows Rows\n# TYPE rows gauge\nrows 3\n');
      expect(post).toMatchObject({ method: 'POST', path: '/metrics/job/export' });
      expect(gunzipSync(post.body).toString('utf8')).toBe('# HELP rows Rows\n# TYPE rows gauge\nrows 3\n');
      expect(remove).toMatchObject({ method: 'DELETE', path: '/metrics/job/export' });
      expect(remove.headers['content-encoding']).toBeUndefined();
      expect(remove.body.length).toBe(0);
    } finally {
      await closeServer(gateway.server);
    }
  });

  test('a gateway that never answers is given up after timeoutMs', async () => {
    const gateway = await standInGateway(0);
    try {
      await expect(pushMetrics({ url: gateway.url, job: 'slow', registry: new Registry(), timeoutMs: 200 })).rejects.toThrow(
        `pushMetrics(): PUT ${gateway.url}/metrics/job/slow timed out: not done within timeoutMs (200 ms)`,
      );
    } finally {
      await closeServer(gateway.server);
    }
  });

  test("the gateway's answer is in the error", async () => {
    const gateway = await standInGateway(400);
    try {
      await expect(pushMetrics({ url: gateway.url, job: 'x', registry: new Registry() })).rejects.toThrow(`pushMetrics(): PUT ${gateway.url}/metrics/job/x failed with status 400, bad group`);
    } finally {
      await closeServer(gateway.server);
    }
  });

  test('bad options are refused with the fix', async () => {
    await expect(pushMetrics({ url: 'localhost:9091', job: 'x' })).rejects.toThrow(
      `pushMetrics(): url "localhost:9091" must be an http(s) URL. Pass { url: 'http://localhost:9091', job: 'my_job' }.`,
    );
    await expect(pushMetrics({ url: 'http://localhost:9091', job: '' })).rejects.toThrow('pushMetrics(): job must be a non-empty string');
    await expect(pushMetrics({ url: 'http://localhost:9091', job: 'x', method: 'post' as 'push' })).rejects.toThrow(`method "post" is not 'push', 'pushAdd' or 'delete'`);
  });
});
