import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { Registry } from '../support/prometheus-client.js';
import { clusterWorkerMetrics, Enum, exposeMetrics, Info, metricsHandler, type ExposedMetrics } from '../../lib';
import { PROTOBUF_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import { declareFamily } from '../../lib/metrics/declare';
import { DEFAULT_ZERO_THRESHOLD } from '../../lib/metrics/native-histogram';
import { decodeFamilies } from './protobuf-decode';
import { parseWithPython, type ParsedFamily } from '../support/consumers';
import { fetchUrl, PROMETHEUS_ACCEPT, PROMETHEUS_PROTOBUF_ACCEPT, promtoolCheckMetrics, promtoolParseOpenMetrics, sampleLines } from './http-client';

// Real forked node:cluster workers running the TypeScript sources through a small loader.
// The tests run in order on the same three workers (the latecomer's extra call shows up in
// later sums; failures counted by one test stay counted in the next).
const WORKER_SCRIPT = join(__dirname, 'fixtures/cluster-worker.ts');
const LOADER = join(__dirname, 'fixtures/ts-register.js');

interface ReadyWorker {
  worker: Worker;
  lastCalled?: number;
}

function forkWorker(environment: Record<string, string>): Promise<ReadyWorker> {
  const worker = cluster.fork(environment);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start in time')), 30_000);
    worker.on('message', (message: { type?: string; lastCalled?: number }) => {
      if (message.type !== 'test-worker-ready') return;
      clearTimeout(timer);
      resolve({ worker, lastCalled: message.lastCalled });
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready`));
    });
  });
}

function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.process.kill('SIGKILL');
  });
}

describe('node:cluster aggregation (issue 5 §4)', () => {
  const healthy: ReadyWorker[] = [];
  let exposed: ExposedMetrics;
  // The primary's own registry: the same Enum, Info and summary as the workers, never touched
  // here (a module imported by both), so nothing of it may show where workers report.
  const primaryRegistry = new Registry();
  new Enum({ name: 'kitchen_state', help: 'Kitchen state', states: ['starting', 'cooking', 'closed'], registry: primaryRegistry });
  new Info({ name: 'kitchen_build', help: 'Kitchen build', labels: { version: '0.0.0-primary' }, registry: primaryRegistry });
  declareFamily({ registry: primaryRegistry, kind: 'summary', name: 'kitchen_wait_seconds', help: 'kitchen_wait_seconds help', labelNames: [], declaredAt: 'cluster.spec.ts', summary: { percentiles: [0.5, 0.9] } }).seriesFor({});

  beforeAll(async () => {
    cluster.setupPrimary({ exec: WORKER_SCRIPT, execArgv: ['-r', LOADER], silent: false });
    healthy.push(...(await Promise.all([1, 2, 3].map((calls) => forkWorker({ WORKER_CALLS: String(calls) })))));
    exposed = await exposeMetrics(0, {
      host: '127.0.0.1',
      registry: primaryRegistry,
      defaultMetrics: false,
      cluster: { workerTimeoutSeconds: 1 },
    });
  }, 90_000);

  afterAll(async () => {
    await exposed?.close();
    await Promise.all(Object.values(cluster.workers ?? {}).map((worker) => (worker === undefined ? undefined : stopWorker(worker))));
  });

  test('the primary serves the sum over workers: counters and in-progress summed', async () => {
    const response = await fetchUrl(exposed.url);
    expect(response.status).toBe(200);
    expect(sampleLines(response.text, 'method_calls_total')).toEqual([
      'method_calls_total{class="Kitchen",method="cook",result="ok"} 6',
      'method_calls_total{class="Kitchen",method="cook",result="error"} 0',
    ]);
    expect(sampleLines(response.text, 'method_in_progress')).toEqual(['method_in_progress{class="Kitchen",method="simmer"} 3']);
    expect(promtoolCheckMetrics(response.text)).toEqual({ status: 0, output: '' });
  });

  test('last-called timestamps aggregate by max: the latest call in any worker wins', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [latecomer] = healthy;
    const cooked = new Promise<number>((resolve) => {
      const onMessage = (message: { type?: string; lastCalled?: number }) => {
        if (message.type !== 'test-cooked') return;
        latecomer.worker.off('message', onMessage);
        resolve(message.lastCalled ?? 0);
      };
      latecomer.worker.on('message', onMessage);
    });
    latecomer.worker.send({ type: 'test-cook-now' });
    const latest = await cooked;
    const othersLatest = Math.max(...healthy.slice(1).map((ready) => ready.lastCalled ?? 0));
    expect(latest - othersLatest).toBeGreaterThan(0.25); // precondition: the late call is clearly the latest
    const response = await fetchUrl(`${exposed.url}?name[]=method_last_called_timestamp_seconds`);
    const lines = sampleLines(response.text, 'method_last_called_timestamp_seconds');
    expect(lines).toHaveLength(1);
    const [, served] = /^method_last_called_timestamp_seconds\{class="Kitchen",method="cook"\} (\S+)$/.exec(lines[0]) ?? [];
    // The value is recomputed from a monotonic clock at each collection: equal to well under a millisecond.
    expect(Math.abs(Number(served) - latest)).toBeLessThan(0.01);
  });

  test('the aggregated metrics are served in OpenMetrics too', async () => {
    const response = await fetchUrl(exposed.url, { headers: { Accept: PROMETHEUS_ACCEPT } });
    expect(response.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(sampleLines(response.text, 'method_calls_total')).toEqual([
      'method_calls_total{class="Kitchen",method="cook",result="ok"} 7',
      'method_calls_total{class="Kitchen",method="cook",result="error"} 0',
    ]);
    // Created (issue 16): since when the sum counts, the earliest any process reported.
    expect(sampleLines(response.text, 'method_calls_created').map((line) => line.replace(/ [0-9.]+$/, ''))).toEqual([
      'method_calls_created{class="Kitchen",method="cook",result="ok"}',
      'method_calls_created{class="Kitchen",method="cook",result="error"}',
    ]);
    expect(response.text.endsWith('# EOF\n')).toBe(true);
    expect(promtoolParseOpenMetrics(response.text)).toMatchObject({ status: 0 });
  });

  // Worker 1 observed 1, 1, 1; worker 2 observed 3, 3, 3; worker 3 nothing; the primary nothing.
  test('our summaries merge the workers\' digests: each quantile lies between the smallest and largest observation (issue 13 §6)', async () => {
    const response = await fetchUrl(`${exposed.url}?name[]=kitchen_wait_seconds`);
    expect(sampleLines(response.text, 'kitchen_wait_seconds')).toEqual([
      'kitchen_wait_seconds{quantile="0.5"} 2', // the sum of the workers' medians was 4
      'kitchen_wait_seconds{quantile="0.9"} 3',
      'kitchen_wait_seconds_sum 12',
      'kitchen_wait_seconds_count 6',
    ]);
  });

  test('native histograms are summed bucket by bucket at the lowest schema of the workers; created is the earliest', async () => {
    const response = await fetchUrl(`${exposed.url}?name[]=kitchen_serve_seconds`, { headers: { Accept: PROMETHEUS_PROTOBUF_ACCEPT } });
    expect(response.headers['content-type']).toBe(PROTOBUF_CONTENT_TYPE);
    const [family] = decodeFamilies(response.raw);
    const { createdTimestamp, ...histogram } = (family.metric as { histogram: { createdTimestamp: { seconds: number } } }[])[0].histogram;
    // worker 1: 1 and 1.1 at schema 3 (buckets 0 and 2, at schema -1 buckets 0 and 1); worker 2: 1, 2 and 4 at schema -1 (buckets 0, 1, 1)
    expect(histogram).toEqual({
      sampleCount: 5,
      sampleSum: 9.1,
      schema: -1,
      zeroThreshold: DEFAULT_ZERO_THRESHOLD,
      zeroCount: 0,
      positiveSpan: [{ offset: 0, length: 2 }],
      positiveDelta: [2, 1],
    });
    expect(Math.abs(createdTimestamp.seconds - Date.now() / 1000)).toBeLessThan(120);
    const openMetrics = await fetchUrl(`${exposed.url}?name[]=kitchen_serve_seconds`, { headers: { Accept: PROMETHEUS_ACCEPT } });
    expect(sampleLines(openMetrics.text, 'kitchen_serve_seconds')).toEqual([
      'kitchen_serve_seconds_bucket{le="+Inf"} 5',
      'kitchen_serve_seconds_sum 9.1',
      'kitchen_serve_seconds_count 5',
      `kitchen_serve_seconds_created ${createdTimestamp.seconds + ((createdTimestamp as { nanos?: number }).nanos ?? 0) / 1e9}`,
    ]);
  });

  test('a plain client Summary cannot be merged: its quantiles stay per worker, _sum and _count are summed (issue 13 §6)', async () => {
    const response = await fetchUrl(`${exposed.url}?name[]=plate_weight_grams`);
    expect(sampleLines(response.text, 'plate_weight_grams')).toEqual([
      'plate_weight_grams{quantile="0.5",worker="1"} 1',
      'plate_weight_grams{quantile="0.5",worker="2"} 3',
      'plate_weight_grams{quantile="0.5",worker="3"} 2',
      'plate_weight_grams_sum 14',
      'plate_weight_grams_count 7',
    ]);
  });

  test('a summary observed in no worker serves NaN quantiles, 0 for _sum and _count (issue 13 §8)', async () => {
    const response = await fetchUrl(`${exposed.url}?name[]=kitchen_idle_seconds`);
    expect(sampleLines(response.text, 'kitchen_idle_seconds')).toEqual([
      'kitchen_idle_seconds{quantile="0.5"} NaN',
      'kitchen_idle_seconds{quantile="0.9"} NaN',
      'kitchen_idle_seconds_sum 0',
      'kitchen_idle_seconds_count 0',
    ]);
  });

  test('an Enum is one stateset per worker; an Info the workers\' label sets, once each; nothing of the primary\'s own copy (issue 13 §7)', async () => {
    const response = await fetchUrl(`${exposed.url}?name[]=kitchen_state&name[]=kitchen_build_info`);
    expect(sampleLines(response.text, 'kitchen_')).toEqual([
      'kitchen_state{kitchen_state="starting",worker="1"} 0',
      'kitchen_state{kitchen_state="cooking",worker="1"} 1',
      'kitchen_state{kitchen_state="closed",worker="1"} 0',
      'kitchen_state{kitchen_state="starting",worker="2"} 0',
      'kitchen_state{kitchen_state="cooking",worker="2"} 1',
      'kitchen_state{kitchen_state="closed",worker="2"} 0',
      'kitchen_state{kitchen_state="starting",worker="3"} 0',
      'kitchen_state{kitchen_state="cooking",worker="3"} 0',
      'kitchen_state{kitchen_state="closed",worker="3"} 1',
      'kitchen_build_info{version="1.0.0"} 1',
      'kitchen_build_info{version="2.0.0"} 1',
    ]);
  });

  test('the Python client\'s strict OpenMetrics parser reads the primary\'s summaries, stateset and info as served (issue 13 §6-8)', async () => {
    const response = await fetchUrl(exposed.url, { headers: { Accept: PROMETHEUS_ACCEPT } });
    const parsed = parseWithPython(response.text, 'openmetrics');
    if (!parsed.ok) throw new Error(parsed.error);
    const family = (name: string): Pick<ParsedFamily, 'type' | 'samples'> | undefined => {
      const found = parsed.families.find((candidate) => candidate.name === name);
      return found && { type: found.type, samples: found.samples };
    };
    expect(family('kitchen_wait_seconds')).toEqual({
      type: 'summary',
      samples: [
        { name: 'kitchen_wait_seconds', labels: { quantile: '0.5' }, value: 2, exemplar: null },
        { name: 'kitchen_wait_seconds', labels: { quantile: '0.9' }, value: 3, exemplar: null },
        { name: 'kitchen_wait_seconds_sum', labels: {}, value: 12, exemplar: null },
        { name: 'kitchen_wait_seconds_count', labels: {}, value: 6, exemplar: null },
        { name: 'kitchen_wait_seconds_created', labels: {}, value: expect.any(Number), exemplar: null },
      ],
    });
    expect(family('kitchen_idle_seconds')?.samples.map((sample) => sample.value)).toEqual(['nan', 'nan', 0, 0, expect.any(Number)]);
    expect(family('plate_weight_grams')?.samples.map((sample) => [sample.name, sample.labels, sample.value])).toEqual([
      ['plate_weight_grams', { quantile: '0.5', worker: '1' }, 1],
      ['plate_weight_grams', { quantile: '0.5', worker: '2' }, 3],
      ['plate_weight_grams', { quantile: '0.5', worker: '3' }, 2],
      ['plate_weight_grams_sum', {}, 14],
      ['plate_weight_grams_count', {}, 7],
    ]);
    const states = family('kitchen_state');
    expect(states?.type).toBe('stateset');
    expect(states?.samples.filter((sample) => sample.value === 1).map((sample) => sample.labels)).toEqual([
      { kitchen_state: 'cooking', worker: '1' },
      { kitchen_state: 'cooking', worker: '2' },
      { kitchen_state: 'closed', worker: '3' },
    ]);
    expect(family('kitchen_build')).toEqual({
      type: 'info',
      samples: [
        { name: 'kitchen_build_info', labels: { version: '1.0.0' }, value: 1, exemplar: null },
        { name: 'kitchen_build_info', labels: { version: '2.0.0' }, value: 1, exemplar: null },
      ],
    });
  });

  test('a worker that does not answer in time is left out and counted; the scrape still succeeds', async () => {
    const stuck = await forkWorker({ WORKER_CALLS: '100', WORKER_MODE: 'hang' });
    try {
      const response = await fetchUrl(exposed.url);
      expect(response.status).toBe(200);
      expect(sampleLines(response.text, 'method_calls_total')).toEqual([
        'method_calls_total{class="Kitchen",method="cook",result="ok"} 7',
        'method_calls_total{class="Kitchen",method="cook",result="error"} 0',
      ]);
      const after = await fetchUrl(`${exposed.url}?name[]=prom_decorators_cluster_worker_failures_total`);
      expect(sampleLines(after.text, 'prom_decorators_cluster_worker_failures_total')).toEqual([
        'prom_decorators_cluster_worker_failures_total{reason="timeout"} 1',
      ]);
    } finally {
      await stopWorker(stuck.worker);
    }
  }, 30_000);

  test('a worker that dies during a scrape is left out and counted as disconnected', async () => {
    const doomed = await forkWorker({ WORKER_CALLS: '100', WORKER_MODE: 'hang' });
    const collecting = new Promise<void>((resolve) => {
      doomed.worker.on('message', (message: { type?: string }) => {
        if (message.type === 'test-collect-started') resolve();
      });
    });
    const scrape = fetchUrl(exposed.url);
    await collecting; // the worker holds the scrape now
    await stopWorker(doomed.worker);
    const response = await scrape;
    expect(response.status).toBe(200);
    expect(sampleLines(response.text, 'method_calls_total')).toEqual([
      'method_calls_total{class="Kitchen",method="cook",result="ok"} 7',
      'method_calls_total{class="Kitchen",method="cook",result="error"} 0',
    ]);
    const after = await fetchUrl(`${exposed.url}?name[]=prom_decorators_cluster_worker_failures_total`);
    expect(sampleLines(after.text, 'prom_decorators_cluster_worker_failures_total')).toEqual([
      'prom_decorators_cluster_worker_failures_total{reason="timeout"} 1',
      'prom_decorators_cluster_worker_failures_total{reason="disconnected"} 1',
    ]);
  }, 30_000);

  test("a collector that throws in a worker is a collector error like any other (500, logged, counted)", async () => {
    const broken = await forkWorker({ WORKER_CALLS: '100', WORKER_MODE: 'broken' });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const response = await fetchUrl(exposed.url);
      expect([response.status, response.text]).toEqual([500, 'Collecting metric "broken_gauge" failed\n']);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String((warn.mock.calls[0][1] as Error).message)).toMatch(/^in worker \d+: sensor unplugged$/);
      const errors = await fetchUrl(`${exposed.url}?name[]=prom_decorators_collect_errors_total`);
      expect(sampleLines(errors.text, 'prom_decorators_collect_errors_total')).toEqual(['prom_decorators_collect_errors_total 1']);
    } finally {
      warn.mockRestore();
      await stopWorker(broken.worker);
    }
  }, 30_000);

  test('clusterWorkerMetrics() outside a worker says where it belongs', () => {
    expect(() => clusterWorkerMetrics()).toThrow(
      'clusterWorkerMetrics(): this process is not a node:cluster worker. Call it in workers only (if (cluster.isWorker) clusterWorkerMetrics()); the primary serves with exposeMetrics(port, { cluster: true }).',
    );
  });
});

describe('hostile cluster workers and late answers (issue 12 §2, §6, §10)', () => {
  const HOSTILE_SCRIPT = join(__dirname, 'fixtures/cluster-hostile-worker.ts');
  const forked: Worker[] = [];

  beforeAll(() => cluster.setupPrimary({ exec: HOSTILE_SCRIPT, execArgv: ['-r', LOADER], silent: false }));

  afterEach(async () => {
    await Promise.all(forked.splice(0).map(stopWorker));
  });

  async function fork(environment: Record<string, string>): Promise<Worker> {
    const { worker } = await forkWorker(environment);
    forked.push(worker);
    return worker;
  }

  /** Sends a test message and waits for the worker's pong: it is alive and has handled it. */
  function tell(worker: Worker, type: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${worker.id} did not answer ${type}`)), 5_000);
      const onMessage = (message: { type?: string }) => {
        if (message.type !== 'test-pong') return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.send({ type });
    });
  }

  /** A primary of its own per test: its own registry, so its self-metrics and memory of workers start empty. */
  async function primary(): Promise<ExposedMetrics> {
    return exposeMetrics(0, { host: '127.0.0.1', registry: new Registry(), defaultMetrics: false, onError: 'continue', cluster: { workerTimeoutSeconds: 1 } });
  }

  async function scrape(exposed: ExposedMetrics, ...prefixes: string[]): Promise<string[]> {
    const response = await fetchUrl(exposed.url);
    expect(response.status).toBe(200);
    return prefixes.flatMap((prefix) => sampleLines(response.text, prefix));
  }

  test.each([
    ['bigint', 'a BigInt label value JSON cannot carry'],
    ['null-rejection', 'a collector rejecting with Object.create(null)'],
    ['throwing-message', 'a collector rejecting with an error whose message getter throws'],
  ])('a scrape never kills a worker (%s: %s): it answers, keeps running, and its other metrics are served (§2)', async (mode) => {
    const exposed = await primary();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const worker = await fork({ WORKER_CALLS: '2', WORKER_MODE: mode });
      const exits: (number | null)[] = [];
      worker.on('exit', (code) => exits.push(code));
      expect(await scrape(exposed, 'orders_total', 'oven_temperature')).toEqual(['orders_total 2', 'oven_temperature 2']);
      await tell(worker, 'test-ping'); // still alive after answering
      const failures = await scrape(exposed, 'prom_decorators_cluster_worker_failures_total', 'prom_decorators_collect_errors_total', 'big_label', 'hostile_gauge');
      if (mode === 'bigint') {
        // the family IPC cannot carry is left out and counted as a worker failure; the rest is served
        expect(failures).toEqual(['prom_decorators_cluster_worker_failures_total{reason="error"} 1', 'prom_decorators_collect_errors_total 0']);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(/cluster worker \d+ left metrics out of its answer: could not send "big_label" \(.*BigInt.*\)/);
      } else {
        // a collector error like any other, with the thrown value described as well as it can be
        expect(failures).toEqual(['prom_decorators_collect_errors_total 1']); // counted after the first scrape was answered
        // the scrape-failure warning is logged once per process: the first of these tests sees it
        if (mode === 'null-rejection') expect(String((warn.mock.calls[0]?.[1] as Error).message)).toMatch(/^in worker \d+: a thrown \[object Object\] that cannot be described$/);
      }
      expect([exits, worker.isDead()]).toEqual([[], false]);
    } finally {
      warn.mockRestore();
      await exposed.close();
    }
  }, 30_000);

  test('a worker that answers late is served from its last answer: counters, histograms and summaries never fall (§10)', async () => {
    const exposed = await primary();
    const totals = ['orders_total', 'order_size_count', 'order_wait_seconds_count', 'oven_temperature'];
    try {
      const [slow] = await Promise.all([fork({ WORKER_CALLS: '100', WORKER_MODE: 'stall', STALL_MS: '1500' }), fork({ WORKER_CALLS: '200' })]);
      const served = [await scrape(exposed, ...totals)];
      await tell(slow, 'test-stall-next');
      served.push(await scrape(exposed, ...totals)); // slow misses the 1 s timeout
      // slow answers again; the self-metrics say what the scrape before found
      served.push(await scrape(exposed, ...totals, 'prom_decorators_cluster_worker_failures_total', 'prom_decorators_cluster_stale_workers'));
      served.push(await scrape(exposed, 'prom_decorators_cluster_stale_workers'));
      expect(served).toEqual([
        ['orders_total 300', 'order_size_count 300', 'order_wait_seconds_count 300', 'oven_temperature 300'],
        // before issue 12 §10: 200, which Prometheus reads as a counter reset
        ['orders_total 300', 'order_size_count 300', 'order_wait_seconds_count 300', 'oven_temperature 300'],
        [
          'orders_total 300',
          'order_size_count 300',
          'order_wait_seconds_count 300',
          'oven_temperature 300',
          'prom_decorators_cluster_worker_failures_total{reason="timeout"} 1',
          'prom_decorators_cluster_stale_workers 1',
        ],
        ['prom_decorators_cluster_stale_workers 0'],
      ]);
    } finally {
      await exposed.close();
    }
  }, 30_000);

  test('a worker gone leaves its totals in the sums while the primary lives; its gauges and quantiles go with it (§10)', async () => {
    const exposed = await primary();
    const series = ['orders_total', 'order_size_bucket{le="1"}', 'order_size_count', 'order_wait_seconds', 'oven_temperature'];
    try {
      const [doomed, steady] = await Promise.all([fork({ WORKER_CALLS: '100' }), fork({ WORKER_CALLS: '200' })]);
      await scrape(exposed, 'orders_total');
      await tell(doomed, 'test-order');
      await stopWorker(doomed); // its last order was never scraped: counted from its last answer, 100
      const replacement = await fork({ WORKER_CALLS: '5' });
      expect(await scrape(exposed, ...series)).toEqual([
        'orders_total 305',
        'order_size_bucket{le="1"} 0',
        'order_size_count 305',
        `order_wait_seconds{quantile="0.5",worker="${steady.id}"} 1`,
        `order_wait_seconds{quantile="0.5",worker="${replacement.id}"} 1`,
        'order_wait_seconds_sum 305',
        'order_wait_seconds_count 305',
        'oven_temperature 205',
      ]);
    } finally {
      await exposed.close();
    }
  }, 30_000);

  test('cluster.workerTimeoutSeconds beyond the longest timer Node keeps is refused, not fired after 1 ms (§6)', () => {
    expect(() => metricsHandler({ registry: new Registry(), cluster: { workerTimeoutSeconds: 2147482 } })).not.toThrow();
    for (const seconds of [2147483, Infinity]) {
      expect(() => metricsHandler({ registry: new Registry(), cluster: { workerTimeoutSeconds: seconds } })).toThrow(
        `metricsHandler(): cluster.workerTimeoutSeconds ${seconds} must be at most 2147482 (about 24.8 days, the longest timer Node keeps). Pass { cluster: { workerTimeoutSeconds: 3 } }.`,
      );
    }
  });
});

describe('exemplars across cluster workers (issue 16, item 3)', () => {
  const TRACED_SCRIPT = join(__dirname, 'fixtures/cluster-traced-worker.ts');
  const forked: Worker[] = [];
  let exposed: ExposedMetrics;

  beforeAll(async () => {
    cluster.setupPrimary({ exec: TRACED_SCRIPT, execArgv: ['-r', LOADER], silent: false });
    forked.push(...(await Promise.all(['a', 'b'].map((digit) => forkWorker({ WORKER_TRACE: digit })))).map((ready) => ready.worker));
    exposed = await exposeMetrics(0, { host: '127.0.0.1', registry: new Registry(), defaultMetrics: false, cluster: { workerTimeoutSeconds: 2 } });
  }, 90_000);

  afterAll(async () => {
    await exposed?.close();
    await Promise.all(forked.map(stopWorker));
  });

  function tracedCall(worker: Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${worker.id} did not make its traced call`)), 10_000);
      const onMessage = (message: { type?: string }) => {
        if (message.type !== 'test-traced-called') return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.send({ type: 'test-traced-call' });
    });
  }

  const exemplarOf = async (): Promise<string | undefined> => {
    const response = await fetchUrl(exposed.url, { headers: { Accept: PROMETHEUS_ACCEPT } });
    const line = sampleLines(response.text, 'method_calls_total').find((sample) => sample.includes('result="ok"'));
    return /# \{([^}]*)\}/.exec(line ?? '')?.[1];
  };

  test('the primary serves the newest exemplar any worker took, and it moves to the next worker that calls later', async () => {
    await tracedCall(forked[0]);
    expect(await exemplarOf()).toBe(`trace_id="${'a'.repeat(32)}",span_id="${'a'.repeat(16)}"`);
    // Later than worker a's by a good margin: its exemplar's time (its tick's start) is later too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await tracedCall(forked[1]);
    expect(await exemplarOf()).toBe(`trace_id="${'b'.repeat(32)}",span_id="${'b'.repeat(16)}"`);
  });

  test('the text format writes the summed counter without its exemplar', async () => {
    const text = await fetchUrl(exposed.url);
    expect(sampleLines(text.text, 'method_calls_total')).toEqual([
      'method_calls_total{class="Pantry",method="fetch",result="ok"} 2',
      'method_calls_total{class="Pantry",method="fetch",result="error"} 0',
    ]);
  });
});
