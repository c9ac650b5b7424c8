import { Counter, Gauge, Histogram, openMetricsContentType, Registry, Summary, type OpenMetricsContentType, type RegistryContentType } from '../support/prometheus-client.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Enum, Info, metricsHandler, setLogger } from '../../lib';
import { PROTOBUF_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import type { MetricsRegistry } from '../../lib/client/registry';
import { collectRegistry } from '../../lib/exposition/collect';
import { encodeCollection, spansOf } from '../../lib/exposition/protobuf/encode';
import type { SkipReason } from '../../lib/exposition/skips';
import { declareFamily } from '../../lib/metrics/declare';
import { DEFAULT_ZERO_THRESHOLD } from '../../lib/metrics/native-histogram';
import { declareNativeHistogram } from '../../lib/metrics/native-histogram-family';
import { fetchUrl, PROMETHEUS_PROTOBUF_ACCEPT } from './http-client';
import { decodeFamilies } from './protobuf-decode';

const NOW_MS = 1_700_000_000_500;
const shared = (registry: Registry<RegistryContentType>): MetricsRegistry => registry as unknown as MetricsRegistry;

async function encoded(registry: Registry<RegistryContentType>, onSkipped?: (reason: SkipReason) => void): Promise<Record<string, unknown>[]> {
  return decodeFamilies(encodeCollection(await collectRegistry(shared(registry)), onSkipped));
}

let clock: jest.SpyInstance;
beforeEach(() => {
  clock = jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
});
afterEach(() => clock.mockRestore());


/** The created time of every series made in these specs: the clock is held at 1700000000.5 s. */
const CREATED = { seconds: 1_700_000_000, nanos: 500_000_000 };

describe('the protobuf exposition, read back with protobufjs against client_model metrics.proto', () => {
  test('every kind the client and the library expose, with default labels and exemplars', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(openMetricsContentType);
    registry.setDefaultLabels({ service: 'trees' });
    const requests = new Counter<string>({ name: 'requests_total', help: 'Requests', labelNames: ['path'], enableExemplars: true, registers: [registry] });
    requests.inc({ labels: { path: '/a' }, value: 3, exemplarLabels: { trace_id: 'abc' } });
    new Gauge({ name: 'temperature_celsius', help: 'Temperature', registers: [registry] }).set(-1.5);
    const latency = new Histogram<string>({ name: 'latency_seconds', help: 'Latency', buckets: [0.1, 1], labelNames: ['path'], enableExemplars: true, registers: [registry] });
    latency.observe({ labels: { path: '/' }, value: 0.5, exemplarLabels: { trace_id: 'def' } });
    latency.observe({ labels: { path: '/' }, value: 5 });
    new Summary({ name: 'size_bytes', help: 'Sizes', percentiles: [0.5], registers: [registry] }).observe(10);
    new Info({ name: 'app', labels: { version: '1.2.3' }, registry: shared(registry) });
    new Enum({ name: 'app_state', states: ['up', 'down'], initial: 'up', registry: shared(registry) });
    const legacy = { name: 'legacy_value', help: 'Legacy', type: 'untyped', aggregator: 'sum' };
    registry.registerMetric({ ...legacy, get: () => ({ ...legacy, values: [{ labels: {}, value: 7 }] }) } as never);
    const jobs = declareNativeHistogram({ registry: shared(registry), name: 'job_seconds', help: 'Jobs', labelNames: ['job'], mode: 'both', buckets: [1] });
    for (const value of [0, 0.5, 1, 3, -2]) jobs.seriesFor({ job: 'import' }).observe(value);
    const service = { name: 'service', value: 'trees' };
    const at = { seconds: 1_700_000_000, nanos: 500_000_000 };
    expect(await encoded(registry)).toEqual([
      {
        name: 'requests_total',
        help: 'Requests',
        type: 'COUNTER',
        metric: [{ label: [{ name: 'path', value: '/a' }, service], counter: { value: 3, exemplar: { label: [{ name: 'trace_id', value: 'abc' }], value: 3, timestamp: at } } }],
      },
      { name: 'temperature_celsius', help: 'Temperature', type: 'GAUGE', metric: [{ label: [service], gauge: { value: -1.5 } }] },
      {
        name: 'latency_seconds',
        help: 'Latency',
        type: 'HISTOGRAM',
        metric: [
          {
            label: [service, { name: 'path', value: '/' }],
            histogram: {
              sampleCount: 2,
              sampleSum: 5.5,
              // +Inf is implied by sampleCount
              bucket: [
                { cumulativeCount: 0, upperBound: 0.1 },
                { cumulativeCount: 1, upperBound: 1, exemplar: { label: [{ name: 'trace_id', value: 'def' }], value: 0.5, timestamp: at } },
              ],
            },
          },
        ],
      },
      { name: 'size_bytes', help: 'Sizes', type: 'SUMMARY', metric: [{ label: [service], summary: { sampleCount: 1, sampleSum: 10, quantile: [{ quantile: 0.5, value: 10 }] } }] },
      // Info and Enum are gauges, as in the text format
      { name: 'app_info', help: 'Static information about the application.', type: 'GAUGE', metric: [{ label: [{ name: 'version', value: '1.2.3' }, service], gauge: { value: 1 } }] },
      {
        name: 'app_state',
        help: 'Current state of the application.',
        type: 'GAUGE',
        metric: [
          { label: [{ name: 'app_state', value: 'up' }, service], gauge: { value: 1 } },
          { label: [{ name: 'app_state', value: 'down' }, service], gauge: { value: 0 } },
        ],
      },
      { name: 'legacy_value', help: 'Legacy', type: 'UNTYPED', metric: [{ label: [service], untyped: { value: 7 } }] },
      {
        name: 'job_seconds',
        help: 'Jobs',
        type: 'HISTOGRAM',
        metric: [
          {
            label: [service, { name: 'job', value: 'import' }],
            histogram: {
              sampleCount: 5,
              sampleSum: 2.5,
              bucket: [{ cumulativeCount: 4, upperBound: 1 }],
              createdTimestamp: at,
              schema: 3,
              zeroThreshold: DEFAULT_ZERO_THRESHOLD,
              zeroCount: 1,
              // -2 in bucket 8 of the negative side
              negativeSpan: [{ offset: 8, length: 1 }],
              negativeDelta: [1],
              // 0.5, 1 and 3 in buckets -8, 0 and 13
              positiveSpan: [
                { offset: -8, length: 1 },
                { offset: 7, length: 1 },
                { offset: 12, length: 1 },
              ],
              positiveDelta: [1, 0, 0],
            },
          },
        ],
      },
    ]);
  });

  test("a native-only histogram has no classic bucket; with a zero threshold of 0 and nothing observed, one empty span", async () => {
    const registry = new Registry();
    declareNativeHistogram({ registry: shared(registry), name: 'idle_seconds', help: 'Idle', native: { zeroThreshold: 0, schema: -2 } }).seriesFor({});
    expect(await encoded(registry)).toEqual([
      {
        name: 'idle_seconds',
        help: 'Idle',
        type: 'HISTOGRAM',
        metric: [
          {
            histogram: {
              sampleCount: 0,
              sampleSum: 0,
              createdTimestamp: { seconds: 1_700_000_000, nanos: 500_000_000 },
              schema: -2,
              zeroThreshold: 0,
              zeroCount: 0,
              positiveSpan: [{ offset: 0, length: 0 }],
            },
          },
        ],
      },
    ]);
  });

  test('our own counter, histogram and summary families', async () => {
    const registry = new Registry();
    const common = { registry: shared(registry), labelNames: ['class'], declaredAt: 'protobuf-encode.spec.ts' };
    declareFamily({ ...common, kind: 'counter', name: 'calls_total', help: 'Calls' }).seriesFor({ class: 'A' }).value += 2;
    declareFamily({ ...common, kind: 'histogram', name: 'call_seconds', help: 'Call', buckets: [0.5] }).seriesFor({ class: 'A' }).observe(0.25);
    declareFamily({ ...common, kind: 'summary', name: 'call_summary_seconds', help: 'Call', summary: { percentiles: [0.9] } }).seriesFor({ class: 'A' }).observe(0.25);
    const families = await encoded(registry);
    expect(families.map(({ name, metric }) => [name, metric])).toEqual([
      ['calls_total', [{ label: [{ name: 'class', value: 'A' }], counter: { value: 2, createdTimestamp: CREATED } }]],
      ['call_seconds', [{ label: [{ name: 'class', value: 'A' }], histogram: { sampleCount: 1, sampleSum: 0.25, bucket: [{ cumulativeCount: 1, upperBound: 0.5 }], createdTimestamp: CREATED } }]],
      ['call_summary_seconds', [{ label: [{ name: 'class', value: 'A' }], summary: { sampleCount: 1, sampleSum: 0.25, quantile: [{ quantile: 0.9, value: 0.25 }], createdTimestamp: CREATED } }]],
    ]);
  });

  test('long and non-ASCII text, large counts and many series keep their lengths and values', async () => {
    const registry = new Registry();
    const help = `Help ${'é'.repeat(100)} 🌲`;
    const counter = new Counter({ name: 'trees_total', help, labelNames: ['name'], registers: [registry] });
    const names = Array.from({ length: 300 }, (_, index) => `${'tree-'.repeat(index % 40)}${index} ✓`);
    names.forEach((name, index) => counter.inc({ name }, index + 0.5));
    const big = { name: 'big', help: 'Big', type: 'histogram', aggregator: 'sum' };
    const values = [
      { labels: { le: 1 }, value: 2 ** 40, metricName: 'big_bucket' },
      { labels: { le: '+Inf' }, value: 2 ** 52 + 1, metricName: 'big_bucket' },
      { labels: {}, value: 1.5, metricName: 'big_sum' },
      { labels: {}, value: 2 ** 52 + 1, metricName: 'big_count' },
    ];
    registry.registerMetric({ ...big, get: () => ({ ...big, values }) } as never);
    const [trees, bigFamily] = await encoded(registry);
    expect(trees.help).toBe(help);
    expect((trees.metric as { label: { value: string }[]; counter: { value: number } }[]).map((metric) => [metric.label[0].value, metric.counter.value])).toEqual(names.map((name, index) => [name, index + 0.5]));
    expect(bigFamily.metric).toEqual([{ histogram: { sampleCount: 2 ** 52 + 1, sampleSum: 1.5, bucket: [{ cumulativeCount: 2 ** 40, upperBound: 1 }] } }]);
  });

  test('what a consumer would refuse is left out as in the text formats, and reported', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(openMetricsContentType);
    const broken = { name: 'broken', help: 'Broken', type: 'gauge', aggregator: 'sum' };
    registry.registerMetric({ ...broken, get: () => ({ ...broken, values: [{ labels: {}, value: 'x' }, { labels: { ok: 'yes' }, value: 1 }] }) } as never);
    declareFamily({ registry: shared(registry), kind: 'histogram', name: 'grind_seconds', help: 'Grind', labelNames: [], declaredAt: 'spec', buckets: [1] }).seriesFor({});
    new Gauge({ name: 'grind_seconds_count', help: 'Clashes with the histogram count', registers: [registry] }).set(42);
    const sacks = new Counter({ name: 'sacks_total', help: 'Sacks', enableExemplars: true, registers: [registry] });
    try {
      sacks.inc({ value: 3, exemplarLabels: { trace_id: 'x'.repeat(200) } });
    } catch {
      // The client validates the exemplar after counting: `{ labelSet: {}, value: null }` stays behind.
    }
    const reasons: SkipReason[] = [];
    const warnings: string[] = [];
    setLogger({ warn: (message: string) => warnings.push(message) });
    let families: Record<string, unknown>[];
    try {
      families = await encoded(registry, (reason) => reasons.push(reason));
    } finally {
      setLogger(undefined);
    }
    expect(families.map((family) => [family.name, family.metric])).toEqual([
      ['broken', [{ label: [{ name: 'ok', value: 'yes' }], gauge: { value: 1 } }]],
      ['grind_seconds', [{ histogram: { sampleCount: 0, sampleSum: 0, bucket: [{ cumulativeCount: 0, upperBound: 1 }], createdTimestamp: CREATED } }]],
      ['sacks_total', [{ counter: { value: 3 } }]],
    ]);
    expect(reasons.sort()).toEqual(['invalid_exemplar', 'invalid_sample', 'name_clash']);
    expect(warnings).toHaveLength(3);
  });
});

describe('the protobuf format served by an endpoint', () => {
  test('negotiated from the Accept header of Prometheus 2.42 with native histograms on, gzipped, read back whole', async () => {
    const registry = new Registry();
    declareNativeHistogram({ registry: shared(registry), name: 'wait_seconds', help: 'Waits' }).seriesFor({}).observe(2);
    const server = createServer(metricsHandler({ registry, selfMetrics: false }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      const response = await fetchUrl(url, { headers: { Accept: PROMETHEUS_PROTOBUF_ACCEPT, 'Accept-Encoding': 'gzip' } });
      expect([response.status, response.headers['content-type'], response.headers['content-encoding'], response.headers.vary]).toEqual([
        200,
        PROTOBUF_CONTENT_TYPE,
        'gzip',
        'Accept, Accept-Encoding',
      ]);
      const [family] = decodeFamilies(gunzipSync(response.raw));
      expect(family).toMatchObject({ name: 'wait_seconds', type: 'HISTOGRAM', metric: [{ histogram: { sampleCount: 1, sampleSum: 2, schema: 3, positiveSpan: [{ offset: 8, length: 1 }], positiveDelta: [1] } }] });
      // the same endpoint still answers text to a scraper that asks for nothing
      expect((await fetchUrl(url)).text).toContain('wait_seconds_bucket{le="+Inf"} 1\n');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('spansOf: buckets as spans and deltas', () => {
  test.each([
    [0, [], { spans: [], deltas: [] }],
    [-3, [2, 5, 1], { spans: [-3, 3], deltas: [2, 3, -4] }],
    // gaps of one or two empty buckets are zero deltas in the same span
    [0, [1, 0, 1, 0, 0, 3], { spans: [0, 6], deltas: [1, -1, 1, -1, 0, 3] }],
    // a gap of three starts a new span, its offset counted from the end of the previous one
    [10, [4, 0, 0, 0, 4], { spans: [10, 1, 3, 1], deltas: [4, 0] }],
    // empty buckets at the run's edges are not written
    [5, [0, 0, 7, 0], { spans: [7, 1], deltas: [7] }],
  ])('offset %p, counts %p', (offset, counts, expected) => {
    expect(spansOf(offset, counts)).toEqual(expected);
  });
});
