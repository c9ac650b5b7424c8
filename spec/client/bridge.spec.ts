import type * as Client from 'prom-client';
import { Counted } from '../../lib/decorators/counted.js';
import {
  CLIENT_PACKAGES,
  bindClient,
  chooseClient,
  defaultLabelsOf,
  isRegistry,
  metricIn,
  mergeDigests,
  metricsOf,
  readDigest,
  readMetric,
  registerIn,
  unregisterFrom,
  type ClientPackage,
} from '../../lib/client/bridge.js';
import type { PrometheusClient } from '../../lib/client/registry.js';

/**
 * The contract between the library and a Prometheus client: everything lib/client/bridge.ts
 * relies on, run against each client package installed here. A client release that changes
 * one of these (a private field, a renamed class) fails here, by name, and nowhere else.
 */
const installedOnly = (...names: ClientPackage[]) => (name: ClientPackage) => names.includes(name);

describe('choosing the client', () => {
  test('the one installed, whichever it is, without a word', () => {
    expect(chooseClient(undefined, installedOnly('@prometheus-io/client'))).toEqual({ name: '@prometheus-io/client' });
    expect(chooseClient(undefined, installedOnly('prom-client'))).toEqual({ name: 'prom-client' });
    expect(chooseClient('', installedOnly('prom-client'))).toEqual({ name: 'prom-client' });
  });

  test('both installed: @prometheus-io/client, with a warning that says where the metrics go and how to choose', () => {
    expect(chooseClient(undefined, installedOnly(...CLIENT_PACKAGES))).toEqual({
      name: '@prometheus-io/client',
      warning:
        'both @prometheus-io/client and prom-client are installed; they keep separate registries. ' +
        "The decorators' metrics go to @prometheus-io/client's register: serve that one, pass { registry } explicitly, " +
        "or set PROM_DECORATORS_CLIENT=prom-client to write to prom-client's register instead.",
    });
  });

  test('PROM_DECORATORS_CLIENT picks one of two, silently', () => {
    expect(chooseClient('prom-client', installedOnly(...CLIENT_PACKAGES))).toEqual({ name: 'prom-client' });
    expect(chooseClient('@prometheus-io/client', installedOnly(...CLIENT_PACKAGES))).toEqual({ name: '@prometheus-io/client' });
  });

  test('none installed, or the one asked for missing, or an unknown name: an error that says what to run', () => {
    expect(() => chooseClient(undefined, installedOnly())).toThrow(
      new Error(
        'prom-decorators needs a Prometheus client and found none. Install one next to it: `npm install @prometheus-io/client` (Node 22 or later) or `npm install prom-client@15`.',
      ),
    );
    expect(() => chooseClient('prom-client', installedOnly('@prometheus-io/client'))).toThrow(
      new Error('prom-decorators: PROM_DECORATORS_CLIENT asks for prom-client, which is not installed. Run `npm install prom-client@15`, or unset PROM_DECORATORS_CLIENT.'),
    );
    expect(() => chooseClient('prometheus', installedOnly(...CLIENT_PACKAGES))).toThrow(
      new Error('prom-decorators: PROM_DECORATORS_CLIENT="prometheus" names no Prometheus client. Set it to "@prometheus-io/client" or "prom-client", or unset it.'),
    );
  });
});

describe.each(CLIENT_PACKAGES)('the contract with %s', (packageName) => {
  // Loaded directly, whatever the library chose for this run: the contract holds for both.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- describe.each's body is synchronous: each client is loaded by name
  const client = require(packageName) as typeof Client;
  const bound = bindClient(client as unknown as PrometheusClient);
  let registry: Client.Registry;

  beforeEach(() => {
    registry = new client.Registry();
  });

  test('its Registry is a registry, a plain object is not', () => {
    expect(isRegistry(registry)).toBe(true);
    expect(isRegistry(client.register)).toBe(true);
    expect(isRegistry({ getSingleMetric() {} })).toBe(false);
  });

  test('our families register in it, render through its metrics(), and are found and removed by name', async () => {
    class Nursery {
      @Counted({ registry })
      plant(): number {
        return 1;
      }
    }
    new Nursery().plant();
    expect(metricIn(registry, 'method_calls_total')).toBeDefined();
    expect((await registry.metrics()).split('\n')).toEqual([
      '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
      '# TYPE method_calls_total counter',
      'method_calls_total{class="Nursery",method="plant",result="ok"} 1',
      'method_calls_total{class="Nursery",method="plant",result="error"} 0',
      '',
    ]);
    unregisterFrom(registry, 'method_calls_total');
    expect(metricIn(registry, 'method_calls_total')).toBeUndefined();
    const own = { name: 'own_gauge', help: 'h', type: 'gauge', aggregator: 'sum', get: () => ({ name: 'own_gauge', help: 'h', type: 'gauge', aggregator: 'sum', values: [{ labels: {}, value: 3 }] }) };
    registerIn(registry, own);
    expect(await registry.metrics()).toBe('# HELP own_gauge h\n# TYPE own_gauge gauge\nown_gauge 3\n');
  });

  test('the collect protocol: metric objects read with get() or getForPromString()', async () => {
    const histogram = new client.Histogram({ name: 'h_seconds', help: 'h', buckets: [1], registers: [registry] });
    histogram.observe(0.5);
    const [metric] = metricsOf<{ name: string; values: { value: number; metricName?: string }[] }>(registry);
    expect(metric.name).toBe('h_seconds');
    const read = await readMetric(metric);
    expect(read.values.map((sample) => [sample.metricName, sample.value])).toEqual([
      ['h_seconds_bucket', 1],
      ['h_seconds_bucket', 1],
      ['h_seconds_sum', 0.5],
      ['h_seconds_count', 1],
    ]);
  });

  test('default labels are read from its private field', () => {
    expect(defaultLabelsOf(registry)).toEqual({});
    registry.setDefaultLabels({ app: 'trees' });
    expect(defaultLabelsOf(registry)).toEqual({ app: 'trees' });
  });

  test('its counters and gauges, registered or detached, and recognised in a registry', async () => {
    const counter = bound.createCounter('c_total', 'c', ['code'], registry);
    counter.inc({ code: '200' });
    counter.inc({ code: '200' }, 2);
    const gauge = bound.createGauge('g', 'g', registry);
    gauge.inc(5);
    gauge.dec();
    bound.createCounter('detached_total', 'd', [], undefined).inc();
    expect(await registry.metrics()).toBe('# HELP c_total c\n# TYPE c_total counter\nc_total{code="200"} 3\n\n# HELP g g\n# TYPE g gauge\ng 4\n');
    // What the registration module reads of a client metric to compare it with a second declaration.
    expect(metricIn(registry, 'c_total')).toMatchObject({ name: 'c_total', help: 'c', type: 'counter', labelNames: ['code'] });
    expect(metricIn(registry, 'g')).toMatchObject({ name: 'g', help: 'g', type: 'gauge', labelNames: [] });
  });

  test('its Summary as a digest: quantiles under the digest name, no series until observed', async () => {
    const digest = bound.createDigest({ help: 'd', labelNames: ['method'], percentiles: [0.5] });
    expect((await digest.get()).values).toEqual([]);
    for (const value of [1, 2, 3]) digest.labels({ method: 'plant' }).observe(value);
    expect((await digest.get()).values).toEqual([
      { labels: { method: 'plant', quantile: 0.5 }, value: 2 },
      { metricName: 'prom_decorators_digest_sum', labels: { method: 'plant' }, value: 6 },
      { metricName: 'prom_decorators_digest_count', labels: { method: 'plant' }, value: 3 },
    ]);
    digest.remove({ method: 'plant' });
    expect((await digest.get()).values).toEqual([]);
  });

  test('its default Node.js and process metrics', () => {
    bound.collectDefaultMetrics(registry);
    expect(metricIn(registry, 'process_cpu_user_seconds_total')).toBeDefined();
    expect(metricIn(registry, 'nodejs_heap_size_used_bytes')).toBeDefined();
  });

  test("its Summary's internals: each series' count, sum, quantiles and centroids, which merge (NaN when there is nothing)", () => {
    const digest = bound.createDigest({ help: 'd', labelNames: ['method'], percentiles: [0.5], maxAgeSeconds: 600, ageBuckets: 5 });
    for (const value of [1, 1, 1]) digest.labels({ method: 'plant' }).observe(value);
    const series = readDigest(digest, [0.5]);
    expect(series.map(({ labels, count, sum, quantiles }) => ({ labels, count, sum, quantiles }))).toEqual([
      { labels: { method: 'plant' }, count: 3, sum: 3, quantiles: [1] },
    ]);
    // The sliding window's ring shares one digest per slot at first: each observation counts once.
    expect(series[0].centroids().reduce((total, centroid) => total + centroid.n, 0)).toBe(3);
    const other = bound.createDigest({ help: 'd', labelNames: [], percentiles: [0.5] });
    for (const value of [3, 3, 3]) (other as unknown as { observe(value: number): void }).observe(value);
    const [merged] = mergeDigests([series[0].centroids(), readDigest(other, [0.5])[0].centroids()], [0.5]);
    expect(merged).toBeGreaterThanOrEqual(1);
    expect(merged).toBeLessThanOrEqual(3);
    expect(mergeDigests([[]], [0.5])).toEqual([NaN]);
  });

  test('its cluster aggregation sums counters and takes the max where asked', async () => {
    const copy = (value: number, aggregator: string) => ({ name: 'x_total', help: 'x', type: 'counter', aggregator, values: [{ labels: { a: '1' }, value }] });
    const [summed] = bound.aggregateAcrossWorkers<{ values: { value: number }[] }>([copy(2, 'sum'), copy(3, 'sum')]);
    expect((await summed.get()).values.map((sample) => sample.value)).toEqual([5]);
    const [latest] = bound.aggregateAcrossWorkers<{ values: { value: number }[] }>([copy(2, 'max'), copy(3, 'max')]);
    expect((await latest.get()).values.map((sample) => sample.value)).toEqual([3]);
  });
});
