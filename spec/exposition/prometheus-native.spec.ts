/**
 * End to end (issue 16): the real Prometheus 2.42 (Debian), started with
 * --enable-feature=native-histograms,exemplar-storage on loopback, scrapes an app over
 * protobuf; a known latency distribution goes in, and histogram_quantile over the native
 * histogram must land in the native bucket of the injected value. A second job scrapes the
 * same registry over OpenMetrics (as a Prometheus without native histograms does): the
 * classic buckets of the 'both' histogram and the `_created` lines reach Prometheus there.
 * Prometheus 2.42 reads no created timestamp from protobuf (its metrics.proto predates the
 * field) and ingests a protobuf histogram with native buckets as native only, so both are
 * read back through that second job.
 */
import { Registry } from '../support/prometheus-client.js';
import type { MetricsRegistry } from '../../lib/client/registry';
import { OPENMETRICS_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import { bucketIndex, bucketUpperBound } from '../../lib/metrics/native-histogram';
import { declareNativeHistogram } from '../../lib/metrics/native-histogram-family';
import { parseWithPython, promtoolCheck } from '../support/consumers';
import { fetchUrl, PROMETHEUS_ACCEPT, PROMETHEUS_PROTOBUF_ACCEPT, promtoolParseOpenMetrics } from './http-client';
import { startNativePrometheus, type NativePrometheus } from './native-prometheus';
import { decodeFamilies } from './protobuf-decode';

jest.setTimeout(120_000);

/** 90 fast calls and 10 slow ones: the 95th percentile is a slow one. */
const FAST_SECONDS = 0.05;
const SLOW_SECONDS = 0.3;
const FAST_CALLS = 90;
const SLOW_CALLS = 10;
const SCHEMA = 3;
/** When the hand-made counter below started counting (our own families stamp their series themselves: see prometheus-native-exemplars.spec.ts). */
const ORDERS_CREATED_MS = 1_700_000_000_250;

let lab: NativePrometheus | undefined;
let latencyCreatedMs: number;
const query = (expr: string) => lab!.query(expr);
const values = (expr: string) => lab!.values(expr);
const waitFor = <T>(what: string, limitMs: number, probe: () => Promise<T | undefined>) => lab!.waitFor(what, limitMs, probe);

beforeAll(async () => {
  const registry = new Registry();
  const shared = registry as unknown as MetricsRegistry;
  const latency = declareNativeHistogram({
    registry: shared,
    name: 'checkout_duration_seconds',
    help: 'Checkout duration.',
    labelNames: ['route'],
    mode: 'both',
    buckets: [0.1, 0.25, 0.5, 1],
    native: { schema: SCHEMA },
  });
  const checkout = latency.seriesFor({ route: '/checkout' });
  latencyCreatedMs = checkout.createdMs;
  // A counter whose series carries its created time, as the exposition reads it from any family.
  let orders = 0;
  const ordersMetric = { name: 'orders_total', help: 'Orders.', type: 'counter', aggregator: 'sum' };
  registry.registerMetric({ ...ordersMetric, get: () => ({ ...ordersMetric, values: [{ labels: {}, value: orders, createdMs: ORDERS_CREATED_MS }] }) } as never);

  lab = await startNativePrometheus(registry, 'prom-decorators-native-');
  // Both jobs up, and the histogram seen at zero, so the rate below has a starting point.
  await waitFor('both jobs to be scraped', 30_000, async () => ((await values('up')).join() === '1,1' ? true : undefined));
  await waitFor('the native histogram at zero', 10_000, async () => ((await values('histogram_count(checkout_duration_seconds{job="protobuf"})')).join() === '0' ? true : undefined));

  for (let call = 0; call < FAST_CALLS; call++) checkout.observe(FAST_SECONDS);
  for (let call = 0; call < SLOW_CALLS; call++) checkout.observe(SLOW_SECONDS);
  orders = 7;
  await waitFor('the injected calls in both jobs', 20_000, async () => {
    const seen = [
      ...(await values('histogram_count(checkout_duration_seconds{job="protobuf"})')),
      ...(await values('checkout_duration_seconds_count{job="openmetrics"}')),
    ];
    return seen.join() === '100,100' ? true : undefined;
  });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('native histograms scraped by the real Prometheus 2.42 over protobuf', () => {
  test('Prometheus asks for protobuf first, with the exact Accept header of 2.42, and gets it; every scrape succeeds', async () => {
    expect(lab!.protobufScrapes.length).toBeGreaterThanOrEqual(2);
    for (const scrape of lab!.protobufScrapes) expect(scrape).toEqual({ accept: PROMETHEUS_PROTOBUF_ACCEPT, contentType: PROTOBUF_CONTENT_TYPE });
    expect([(await values('up')).sort(), lab!.logs()]).toEqual([[1, 1], '']);
  });

  test('histogram_quantile(0.95, sum(rate(...[1m]))) over the native histogram lands in the bucket of the injected 0.3 s', async () => {
    const index = bucketIndex(SLOW_SECONDS, SCHEMA);
    const [lower, upper] = [bucketUpperBound(index - 1, SCHEMA), bucketUpperBound(index, SCHEMA)];
    const [quantile] = await values('histogram_quantile(0.95, sum(rate(checkout_duration_seconds{job="protobuf"}[1m])))');
    expect(quantile).toBeGreaterThan(lower);
    expect(quantile).toBeLessThanOrEqual(upper);
    // Within one bucket of schema 3: about 9% wide.
    expect(upper / lower).toBeCloseTo(2 ** (1 / 8), 12);
    const [median] = await values('histogram_quantile(0.5, sum(rate(checkout_duration_seconds{job="protobuf"}[1m])))');
    const fast = bucketIndex(FAST_SECONDS, SCHEMA);
    expect([median > bucketUpperBound(fast - 1, SCHEMA), median <= bucketUpperBound(fast, SCHEMA)]).toEqual([true, true]);
    expect(await values('histogram_count(checkout_duration_seconds{job="protobuf"})')).toEqual([100]);
    const [sum] = await values('histogram_sum(checkout_duration_seconds{job="protobuf"})');
    expect(sum).toBeCloseTo(FAST_CALLS * FAST_SECONDS + SLOW_CALLS * SLOW_SECONDS, 9);
  });

  test("the classic buckets of the same 'both' histogram are there for an OpenMetrics scrape", async () => {
    const buckets = await query('checkout_duration_seconds_bucket{job="openmetrics",route="/checkout"}');
    const byBound = Object.fromEntries(buckets.map((sample) => [sample.metric.le, Number(sample.value[1])]));
    expect(byBound).toEqual({ '0.1': 90, '0.25': 90, '0.5': 100, '1.0': 100, '+Inf': 100 });
    // What the classic buckets can say of the same calls: somewhere in (0.25, 0.5], interpolated to 0.375.
    const [classic] = await values('histogram_quantile(0.95, sum by (le) (rate(checkout_duration_seconds_bucket{job="openmetrics"}[1m])))');
    expect(classic).toBeCloseTo(0.375, 12);
  });

  test('_created of a counter and of the histogram, read back from Prometheus (OpenMetrics) and from the protobuf answer', async () => {
    expect(await values('orders_created{job="openmetrics"}')).toEqual([ORDERS_CREATED_MS / 1000]);
    expect(await values('orders_total{job="openmetrics"}')).toEqual([7]);
    expect(await values('checkout_duration_seconds_created{job="openmetrics",route="/checkout"}')).toEqual([latencyCreatedMs / 1000]);
    const answer = await fetchUrl(lab!.appUrl, { headers: { Accept: PROMETHEUS_PROTOBUF_ACCEPT } });
    const families = decodeFamilies(answer.raw);
    const timestampOf = (ms: number) => ({ seconds: Math.floor(ms / 1000), ...(ms % 1000 !== 0 && { nanos: (ms % 1000) * 1e6 }) });
    const orders = families.find((family) => family.name === 'orders_total') as { metric: { counter: { createdTimestamp: unknown } }[] };
    expect(orders.metric[0].counter.createdTimestamp).toEqual(timestampOf(ORDERS_CREATED_MS));
    const latency = families.find((family) => family.name === 'checkout_duration_seconds') as { metric: { histogram: { createdTimestamp: unknown; schema: number } }[] };
    expect(latency.metric[0].histogram).toMatchObject({ createdTimestamp: timestampOf(latencyCreatedMs), schema: SCHEMA });
  });

  test('the text and OpenMetrics answers of the same app pass promtool and the Python parsers', async () => {
    const text = await fetchUrl(lab!.appUrl, { headers: { Accept: 'text/plain;version=0.0.4' } });
    const openMetrics = await fetchUrl(lab!.appUrl, { headers: { Accept: PROMETHEUS_ACCEPT } });
    expect(String(openMetrics.headers['content-type'])).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(text.text).not.toContain('_created');
    expect(openMetrics.text).toContain(`\norders_created ${ORDERS_CREATED_MS / 1000}\n`);
    expect(promtoolCheck(text.text)).toEqual({ status: 0, output: '' });
    // promtool check metrics lints the text format: OpenMetrics parses (no exit 1), but the linter takes the
    // samples `x_total` and `x_created` of an OpenMetrics family `x` for families without help (exit 3), as for every counter.
    expect(promtoolCheck(openMetrics.text)).toEqual({
      status: 3,
      output: [
        'checkout_duration_seconds_created no help text',
        'orders_created no help text',
        'orders_total no help text',
        'prom_decorators_collect_errors_total no help text',
        'prom_decorators_collect_timeouts_total no help text',
        'prom_decorators_scrapes_total no help text',
      ].join('\n'),
    });
    const strict = promtoolParseOpenMetrics(openMetrics.text);
    expect([strict.status, strict.output]).toEqual([0, expect.not.stringContaining('error')]);
    const python = parseWithPython(openMetrics.text, 'openmetrics');
    if (!python.ok) throw new Error(python.error);
    const samples = python.families.flatMap((family) => family.samples.filter((sample) => sample.name.endsWith('_created')).map((sample) => [sample.name, sample.labels, sample.value]));
    expect(samples).toEqual([
      ['checkout_duration_seconds_created', { route: '/checkout' }, latencyCreatedMs / 1000],
      ['orders_created', {}, ORDERS_CREATED_MS / 1000],
    ]);
    expect(parseWithPython(text.text, 'text').ok).toBe(true);
  });
});
