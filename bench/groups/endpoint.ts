import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Bench } from 'tinybench';
import { openMetricsContentType, prometheusContentType, type Registry } from '../../spec/support/prometheus-client.js';
import { createScrapeResponder, type ScrapeResponder } from '../../lib/exposition/scrape.js';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { clientRegistry, openTelemetrySeries, ourRegistry, seriesOf, SERIES_PER_METHOD } from '../subjects/series.js';
import { runAsGroup, groupOptions, collectGarbage } from '../support/group-main.js';
import { median, spreadOf, type Spread } from '../support/stats.js';

/**
 * The endpoint end to end, for one number of series (one process per size): the path
 * exposeMetrics, metricsHandler and the Koa and Fastify adapters all serve, the shared scrape
 * responder (lib/exposition/scrape.ts: collect, render, gzip), called with a GET as the
 * adapters pass it. No socket: loopback HTTP would add the same cost to every side and
 * noise to all of them. Against, for the same series: the client's own writer,
 * `registry.metrics()` over hand-written metrics (gzipped the same way when gzip is on), and
 * the OpenTelemetry Prometheus exporter's request handler (text only, never compressed).
 */

export interface EndpointOptions {
  /** Series to expose; methods = series / 32. */
  series: number;
  rounds: number;
  timeMs: number;
}

export type EndpointFormat = 'text' | 'openmetrics' | 'protobuf';

export interface EndpointCase {
  format: EndpointFormat;
  gzip: boolean;
  /** ms per scrape. */
  ours: Spread;
  /** Body bytes as sent. */
  oursBytes: number;
  client?: Spread;
  /** The client's writer over our own families (`registry.metrics()` of our registry), text only: tells our collect and render apart from the families. */
  clientOverOurs?: Spread;
  otel?: Spread;
  /** ours / client and ours / OpenTelemetry, one per round. */
  clientRatios: number[];
  otelRatios: number[];
}

export interface EndpointResult {
  series: number;
  methods: number;
  oursLines: number;
  clientLines: number;
  otelLines: number;
  /** Whether our text exposition and the client's name exactly the same series. */
  sameSeries: boolean;
  /** Whether the responder answered a protobuf Accept with protobuf (the format is being added). */
  protobuf: boolean;
  cases: EndpointCase[];
}

const gzipInBackground = promisify(gzip);

/** What Prometheus sends for each format (its scrape_protocols, one at a time). */
const ACCEPT: Record<EndpointFormat, string> = {
  text: 'text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
  openmetrics: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3',
  protobuf: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,text/plain;version=0.0.4;q=0.3',
};

function scrapeOurs(responder: ScrapeResponder, format: EndpointFormat, gzipOn: boolean) {
  const headers: Record<string, string> = { accept: ACCEPT[format] };
  if (gzipOn) headers['accept-encoding'] = 'gzip';
  const request = { method: 'GET', url: '/metrics', header: (name: string) => headers[name.toLowerCase()] };
  return async () => {
    const response = await responder(request);
    if (response === undefined || response.status !== 200) throw new Error(`our endpoint answered ${response?.status ?? 'nothing'}`);
    return response;
  };
}

/** The client's writer, as a hand-written endpoint uses it: `metrics()` in the registry's content type, gzipped when asked. */
function scrapeClient(registry: Registry, format: 'text' | 'openmetrics', gzipOn: boolean) {
  const contentType = format === 'text' ? prometheusContentType : openMetricsContentType;
  return async () => {
    (registry as unknown as { setContentType(type: string): void }).setContentType(contentType);
    const text = await registry.metrics();
    return gzipOn ? gzipInBackground(text) : text;
  };
}

/** The exporter's own request handler, answering into a response that keeps the body. */
function scrapeOpenTelemetry(exporter: PrometheusExporter) {
  return () =>
    new Promise<string>((resolve) => {
      const response = {
        statusCode: 0,
        setHeader() {},
        end(body: string) {
          resolve(body);
        },
      };
      exporter.getMetricsRequestHandler({} as never, response as never);
    });
}

async function measure(options: EndpointOptions): Promise<EndpointResult> {
  const methods = Math.max(1, Math.round(options.series / SERIES_PER_METHOD));
  const ours = ourRegistry(methods);
  const client = clientRegistry(methods);
  const otel = openTelemetrySeries(methods);
  const responder = createScrapeResponder({ registry: ours, selfMetrics: false }, 'bench');

  const oursText = (await scrapeOurs(responder, 'text', false)()).body.toString('utf8');
  const clientText = (await scrapeClient(client, 'text', false)()) as string;
  const otelText = await scrapeOpenTelemetry(otel.exporter)();
  const oursSeries = seriesOf(oursText);
  const clientSeries = seriesOf(clientText);
  const sameSeries = oursSeries.length === clientSeries.length && oursSeries.every((series, i) => series === clientSeries[i]);
  const protobufAnswer = await scrapeOurs(responder, 'protobuf', false)();
  const protobuf = String(protobufAnswer.headers['Content-Type']).startsWith('application/vnd.google.protobuf');

  const shapes: { format: EndpointFormat; gzip: boolean }[] = [];
  for (const format of ['text', 'openmetrics', ...(protobuf ? ['protobuf' as const] : [])] as EndpointFormat[]) {
    for (const gzipOn of [false, true]) shapes.push({ format, gzip: gzipOn });
  }
  const key = (shape: { format: EndpointFormat; gzip: boolean }, side: string) => `${side}:${shape.format}:${shape.gzip ? 'gzip' : 'plain'}`;
  const samples = new Map<string, number[][]>();
  const bytes = new Map<string, number>();
  for (const shape of shapes) bytes.set(key(shape, 'ours'), (await scrapeOurs(responder, shape.format, shape.gzip)()).body.length);

  for (let round = 0; round < options.rounds; round++) {
    collectGarbage();
    const bench = new Bench({ time: options.timeMs, warmupTime: options.timeMs / 4, iterations: 3, warmupIterations: 1, retainSamples: true, throws: true });
    const tasks: [string, () => Promise<unknown>][] = [];
    for (const shape of shapes) {
      tasks.push([key(shape, 'ours'), scrapeOurs(responder, shape.format, shape.gzip)]);
      if (shape.format !== 'protobuf') tasks.push([key(shape, 'client'), scrapeClient(client, shape.format, shape.gzip)]);
      if (shape.format === 'text' && !shape.gzip) {
        tasks.push([key(shape, 'otel'), scrapeOpenTelemetry(otel.exporter)]);
        tasks.push([key(shape, 'client-over-ours'), scrapeClient(ours, 'text', false)]);
      }
    }
    // Alternate the order, so no side always scrapes on a freshly collected heap.
    if (round % 2 === 1) tasks.reverse();
    for (const [name, run] of tasks) bench.add(name, run, { async: true });
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`task ${task.name} ended ${task.result.state}`);
      if (!samples.has(task.name)) samples.set(task.name, []);
      samples.get(task.name)!.push([...(task.result.latency.samples ?? [])]);
    }
  }
  await otel.provider.shutdown();

  const spread = (name: string) => (samples.has(name) ? spreadOf(samples.get(name)!.flat()) : undefined);
  const ratios = (name: string, other: string) => {
    const mine = samples.get(name);
    const theirs = samples.get(other);
    return mine === undefined || theirs === undefined ? [] : mine.map((round, i) => median(round) / median(theirs[i]));
  };
  const otelPlain = key({ format: 'text', gzip: false }, 'otel');
  return {
    series: options.series,
    methods,
    oursLines: oursSeries.length,
    clientLines: clientSeries.length,
    otelLines: seriesOf(otelText).length,
    sameSeries,
    protobuf,
    cases: shapes.map((shape): EndpointCase => ({
      format: shape.format,
      gzip: shape.gzip,
      ours: spread(key(shape, 'ours'))!,
      oursBytes: bytes.get(key(shape, 'ours'))!,
      client: spread(key(shape, 'client')),
      clientOverOurs: spread(key(shape, 'client-over-ours')),
      otel: spread(key(shape, 'otel')),
      clientRatios: ratios(key(shape, 'ours'), key(shape, 'client')),
      otelRatios: shape.format === 'text' && !shape.gzip ? ratios(key(shape, 'ours'), otelPlain) : [],
    })),
  };
}

if (require.main === module) runAsGroup(() => measure(groupOptions<EndpointOptions>()));
