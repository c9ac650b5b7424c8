/**
 * End to end (issue 16, "Done when"), with the real decorators: the real Prometheus 2.42
 * (Debian), started with --enable-feature=native-histograms,exemplar-storage on loopback,
 * scrapes an app over protobuf whose methods carry `@Timed({ nativeHistogram: { mode: 'both' } })`
 * and `@Counted`, called inside spans the test creates with the real OpenTelemetry SDK
 * (@opentelemetry/sdk-trace's TracerProvider, the AsyncLocalStorage context manager). A second
 * job scrapes the same registry over OpenMetrics, where 2.42 reads the classic buckets of a
 * 'both' histogram and `_created` (it ingests a protobuf histogram with native buckets as native
 * only, and its metrics.proto predates the created timestamp).
 *
 * The durations are exact: performance.now(), the one clock @Timed reads, is moved by the
 * decorated method itself. Exemplars are sampled (at most one per series and bucket per
 * interval), so each traced call waits for the next tick, and for Prometheus to have stored it.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from '../support/prometheus-client.js';
import { configureExemplars, Counted, Timed } from '../../lib';
import type { MetricsRegistry } from '../../lib/client/registry';
import { metricIn } from '../../lib/client/bridge';
import { exemplarTicks } from '../../lib/exemplars/sampling-clock';
import { OPENMETRICS_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import type { CounterFamily } from '../../lib/metrics/counter-family';
import { bucketIndex, bucketUpperBound } from '../../lib/metrics/native-histogram';
import { parseWithPython, promtoolCheck } from '../support/consumers';
import { fetchUrl, PROMETHEUS_ACCEPT, PROMETHEUS_PROTOBUF_ACCEPT, promtoolParseOpenMetrics } from './http-client';
import { startNativePrometheus, type NativePrometheus } from './native-prometheus';
import { decodeFamilies } from './protobuf-decode';

jest.setTimeout(150_000);

/** 90 fast calls and 10 slow ones outside any span, then TRACED slow ones, each in a span of its own. */
const FAST_SECONDS = 0.05;
const SLOW_SECONDS = 0.3;
const FAST_CALLS = 90;
const SLOW_CALLS = 10;
const TRACED_CALLS = 3;
const SCHEMA = 3;
const CALLS = FAST_CALLS + SLOW_CALLS + TRACED_CALLS;

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

let lab: NativePrometheus | undefined;
/** The spans the traced calls ran in: their trace and span IDs. */
const spans: { trace_id: string; span_id: string }[] = [];
let callsCreatedMs: number;
const startedAtSeconds = Date.now() / 1000 - 60;
const contextManager = new AsyncLocalStorageContextManager();

const query = (expr: string) => lab!.query(expr);
const values = (expr: string) => lab!.values(expr);
const waitFor = <T>(what: string, limitMs: number, probe: () => Promise<T | undefined> | T | undefined) => lab!.waitFor(what, limitMs, probe);

async function exemplars(expr: string): Promise<ExemplarSeries[]> {
  const range = `start=${startedAtSeconds}&end=${Date.now() / 1000 + 60}`;
  const response = await fetchUrl(`${lab!.prometheusUrl}/api/v1/query_exemplars?query=${encodeURIComponent(expr)}&${range}`);
  const answer = JSON.parse(response.text) as { status: string; error?: string; data: ExemplarSeries[] };
  if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
  return answer.data;
}

/** The trace IDs among the exemplars Prometheus returns for `expr`, with each one's span ID and value. */
async function storedExemplars(expr: string): Promise<{ trace_id: string; span_id: string; value: number }[]> {
  return (await exemplars(expr)).flatMap((series) => series.exemplars.map(({ labels, value }) => ({ trace_id: labels.trace_id, span_id: labels.span_id, value: Number(value) })));
}

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new TracerProvider({}));
  configureExemplars({ intervalSeconds: 0.2 });
  const registry = new Registry();

  // performance.now() moved by the method itself: each call lasts exactly what it is asked to.
  let nowMs = 1_000_000;
  const clock = jest.spyOn(performance, 'now').mockImplementation(() => nowMs);
  class Checkout {
    @Counted({ registry, name: 'checkout_calls', help: 'Checkout calls.' })
    @Timed({ registry, name: 'checkout_duration_seconds', help: 'Checkout duration.', buckets: [0.1, 0.25, 0.5, 1], nativeHistogram: { mode: 'both', schema: SCHEMA } })
    pay(seconds: number): void {
      nowMs += seconds * 1000;
    }
  }
  const checkout = new Checkout();
  callsCreatedMs = (metricIn(registry as unknown as MetricsRegistry, 'checkout_calls_total') as CounterFamily).seriesFor({}).created.ms;

  lab = await startNativePrometheus(registry, 'prom-decorators-exemplars-');
  try {
    await waitFor('both jobs to be scraped', 30_000, async () => ((await values('up')).join() === '1,1' ? true : undefined));
    // Seen at zero first, so the rate below has a starting point.
    await waitFor('the native histogram at zero', 10_000, async () => ((await values('histogram_count(checkout_duration_seconds{job="protobuf"})')).join() === '0' ? true : undefined));

    // Outside any span: counted and timed, no exemplar.
    for (let call = 0; call < FAST_CALLS; call++) checkout.pay(FAST_SECONDS);
    for (let call = 0; call < SLOW_CALLS; call++) checkout.pay(SLOW_SECONDS);
    const tracer = trace.getTracer('prometheus-native-exemplars.spec');
    for (let call = 0; call < TRACED_CALLS; call++) {
      // The next tick, so this call is due for an exemplar (the calls before took this interval's look).
      const tick = exemplarTicks.now;
      await waitFor('the next sampling tick', 5_000, () => (exemplarTicks.now !== tick ? true : undefined));
      const ids = tracer.startActiveSpan('checkout', (span) => {
        try {
          checkout.pay(SLOW_SECONDS);
        } finally {
          span.end();
        }
        return { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId };
      });
      spans.push(ids);
      // Stored before the next one replaces it in the exposition.
      await waitFor(`the exemplar of trace ${ids.trace_id} in both jobs`, 20_000, async () => {
        const stored = [...(await storedExemplars('checkout_calls_total{job="protobuf"}')), ...(await storedExemplars('checkout_calls_total{job="openmetrics"}'))];
        return stored.filter((exemplar) => exemplar.trace_id === ids.trace_id).length === 2 ? true : undefined;
      });
    }
    await waitFor('every call in both jobs', 20_000, async () => {
      const seen = [...(await values('histogram_count(checkout_duration_seconds{job="protobuf"})')), ...(await values('checkout_duration_seconds_count{job="openmetrics"}'))];
      return seen.join() === `${CALLS},${CALLS}` ? true : undefined;
    });
  } finally {
    clock.mockRestore();
  }
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  configureExemplars({ intervalSeconds: 1 });
  trace.disable();
  context.disable();
});

describe('decorated methods scraped by the real Prometheus 2.42, native histograms and exemplars on', () => {
  test('Prometheus asks for protobuf first and gets it; every scrape succeeds and Prometheus logs nothing', async () => {
    expect(lab!.protobufScrapes.length).toBeGreaterThanOrEqual(2);
    for (const scrape of lab!.protobufScrapes) expect(scrape).toEqual({ accept: PROMETHEUS_PROTOBUF_ACCEPT, contentType: PROTOBUF_CONTENT_TYPE });
    expect([(await values('up')).sort(), lab!.logs()]).toEqual([[1, 1], '']);
  });

  test('histogram_quantile(0.95, sum(rate(...[1m]))) over the native histogram of @Timed lands in the bucket of the injected 0.3 s', async () => {
    const index = bucketIndex(SLOW_SECONDS, SCHEMA);
    const [lower, upper] = [bucketUpperBound(index - 1, SCHEMA), bucketUpperBound(index, SCHEMA)];
    const [quantile] = await values('histogram_quantile(0.95, sum(rate(checkout_duration_seconds{job="protobuf"}[1m])))');
    expect([quantile > lower, quantile <= upper]).toEqual([true, true]);
    expect(upper / lower).toBeCloseTo(2 ** (1 / 8), 12); // one bucket of schema 3: about 9% wide
    expect(await values('histogram_count(checkout_duration_seconds{job="protobuf"})')).toEqual([CALLS]);
    const [sum] = await values('histogram_sum(checkout_duration_seconds{job="protobuf"})');
    expect(sum).toBeCloseTo(FAST_CALLS * FAST_SECONDS + (SLOW_CALLS + TRACED_CALLS) * SLOW_SECONDS, 9);
  });

  test("the classic buckets of the same 'both' histogram are there for an OpenMetrics scrape", async () => {
    const buckets = await query('checkout_duration_seconds_bucket{job="openmetrics"}');
    const byBound = Object.fromEntries(buckets.map((sample) => [sample.metric.le, Number(sample.value[1])]));
    expect(byBound).toEqual({ '0.1': FAST_CALLS, '0.25': FAST_CALLS, '0.5': CALLS, '1.0': CALLS, '+Inf': CALLS });
  });

  test('/api/v1/query_exemplars returns exactly the trace and span IDs of the spans the test created, on the counter and the histogram, over both formats', async () => {
    const expected = spans.map((ids) => ({ ...ids, value: 1 })).sort((a, b) => a.trace_id.localeCompare(b.trace_id));
    const sorted = (stored: { trace_id: string }[]) => [...stored].sort((a, b) => a.trace_id.localeCompare(b.trace_id));
    expect(new Set(spans.map((ids) => ids.trace_id)).size).toBe(TRACED_CALLS);
    expect(sorted(await storedExemplars('checkout_calls_total{job="protobuf"}'))).toEqual(expected);
    expect(sorted(await storedExemplars('checkout_calls_total{job="openmetrics"}'))).toEqual(expected);
    // The traced calls took 0.3 s: the exemplar is on the classic bucket le="0.5", which 2.42 reads for the native histogram too.
    const timed = expected.map((ids) => ({ ...ids, value: SLOW_SECONDS }));
    const fromHistogram = await waitFor('the histogram exemplars', 10_000, async () => {
      const stored = await storedExemplars('checkout_duration_seconds{job="protobuf"}');
      return stored.length === TRACED_CALLS ? stored : undefined;
    });
    expect(sorted(fromHistogram)).toEqual(timed);
    expect(sorted(await storedExemplars('checkout_duration_seconds_bucket{job="openmetrics",le="0.5"}'))).toEqual(timed);
    expect(await storedExemplars('checkout_duration_seconds_bucket{job="openmetrics",le!="0.5"}')).toEqual([]);
  });

  test('_created of the @Counted counter, read back from Prometheus (OpenMetrics) and from the protobuf answer', async () => {
    expect(await values('checkout_calls_created{job="openmetrics"}')).toEqual([callsCreatedMs / 1000]);
    expect(await values('checkout_calls_total{job="openmetrics"}')).toEqual([CALLS]);
    const families = decodeFamilies((await fetchUrl(lab!.appUrl, { headers: { Accept: PROMETHEUS_PROTOBUF_ACCEPT } })).raw);
    const calls = families.find((family) => family.name === 'checkout_calls_total') as { metric: { counter: { createdTimestamp: unknown } }[] };
    expect(calls.metric[0].counter.createdTimestamp).toEqual({ seconds: Math.floor(callsCreatedMs / 1000), ...(callsCreatedMs % 1000 !== 0 && { nanos: (callsCreatedMs % 1000) * 1e6 }) });
  });

  test('the text answer passes promtool check metrics and carries no exemplar nor _created; the OpenMetrics answer parses strictly with them', async () => {
    const text = await fetchUrl(lab!.appUrl, { headers: { Accept: 'text/plain;version=0.0.4' } });
    const openMetrics = await fetchUrl(lab!.appUrl, { headers: { Accept: PROMETHEUS_ACCEPT } });
    expect(String(openMetrics.headers['content-type'])).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(text.text).not.toContain('_created');
    expect(text.text).not.toMatch(/ # \{/);
    expect(promtoolCheck(text.text)).toEqual({ status: 0, output: '' });
    const last = spans[spans.length - 1];
    expect(openMetrics.text).toContain(`\ncheckout_calls_total ${CALLS} # {trace_id="${last.trace_id}",span_id="${last.span_id}"} 1 `);
    // promtool check metrics (2.42) lints the text format, which has no exemplars: it stops at the first one.
    expect(promtoolCheck(openMetrics.text)).toEqual({ status: 1, output: 'error while linting: text format parsing error in line 5: expected integer as timestamp, got "#"' });
    // Without them it parses, and the linter only takes the samples `x_total` and `x_created` of an OpenMetrics
    // family `x` for families without help (exit 3), as for every counter (see prometheus-native.spec.ts).
    expect(promtoolCheck(openMetrics.text.replace(/ # \{[^}]*\} \S+ \S+/g, ''))).toEqual({
      status: 3,
      output: [
        'checkout_calls_created no help text',
        'checkout_calls_total no help text',
        'checkout_duration_seconds_created no help text',
        'prom_decorators_collect_errors_total no help text',
        'prom_decorators_collect_timeouts_total no help text',
        'prom_decorators_scrapes_total no help text',
      ].join('\n'),
    });
    const strict = promtoolParseOpenMetrics(openMetrics.text);
    expect([strict.status, strict.output]).toEqual([0, expect.not.stringContaining('error')]);
    const python = parseWithPython(openMetrics.text, 'openmetrics');
    if (!python.ok) throw new Error(python.error);
    const calls = python.families.find((family) => family.name === 'checkout_calls')!;
    expect(calls.samples.map((sample) => [sample.name, sample.exemplar == null ? null : sample.exemplar.labels])).toEqual([
      ['checkout_calls_total', last],
      ['checkout_calls_created', null],
    ]);
  });
});
