import { spawn, type ChildProcess } from 'node:child_process';
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

  test('a gateway error rejects the promise with the status', async () => {
    await expect(pushMetrics({ url: `${url}/no-such-prefix`, job: 'lost', registry: new Registry() })).rejects.toThrow('push failed with status 404');
  });
});

describe('pushMetrics options', () => {
  test('an unreachable gateway rejects', async () => {
    const port = await freePort();
    await expect(pushMetrics({ url: `http://127.0.0.1:${port}`, job: 'lost', registry: new Registry() })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('bad options are refused with the fix', async () => {
    await expect(pushMetrics({ url: 'localhost:9091', job: 'x' })).rejects.toThrow(
      `pushMetrics(): url "localhost:9091" must be an http(s) URL. Pass { url: 'http://localhost:9091', job: 'my_job' }.`,
    );
    await expect(pushMetrics({ url: 'http://localhost:9091', job: '' })).rejects.toThrow('pushMetrics(): job must be a non-empty string');
    await expect(pushMetrics({ url: 'http://localhost:9091', job: 'x', method: 'post' as 'push' })).rejects.toThrow(`method "post" is not 'push', 'pushAdd' or 'delete'`);
  });
});
