/**
 * The fast path of the exposition writes exactly the bytes the renderer wrote before it. The
 * golden file holds what the previous renderer (commit 021632b) served for the registries of
 * fixtures/mixed-registry.ts; and a family read as a series snapshot is written byte for byte
 * as the same family read as sample objects, in every format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '../support/prometheus-client.js';
import { setLogger } from '../../lib';
import { resetWarnings } from '../../lib/log';
import type { MetricsRegistry } from '../../lib/client/registry';
import { collectRegistry, type CollectedSample } from '../../lib/exposition/collect';
import { EXPOSE_SERIES, type ExposedExemplar, type SeriesVisitor } from '../../lib/metrics/exposed-series';
import { encodeCollection } from '../../lib/exposition/protobuf/encode';
import { renderCollection } from '../../lib/exposition/render';
import { createScrapeResponder } from '../../lib/exposition/scrape';
import type { SkipReason } from '../../lib/exposition/skips';
import { clientOnlyRegistry, mixedRegistry, MIXED_VARIANTS } from './fixtures/mixed-registry';

interface Golden {
  mixed: Record<string, { text: string }>;
  clientOnly: Record<string, { text: string; openmetrics: string; protobuf: string }>;
}

const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'mixed-registry.golden.json'), 'utf8')) as Golden;

const ACCEPT: Record<'text' | 'openmetrics' | 'protobuf', string> = {
  text: 'text/plain;version=0.0.4',
  openmetrics: 'application/openmetrics-text;version=1.0.0',
  protobuf: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
};

let warnings: string[];
beforeEach(() => {
  warnings = [];
  resetWarnings();
  setLogger({ warn: (message) => warnings.push(message) });
});
afterEach(() => setLogger(undefined));

/** What the endpoint serves for one format, as text (protobuf in base64). */
async function scrape(registry: Registry, format: keyof typeof ACCEPT): Promise<string> {
  const responder = createScrapeResponder({ registry: registry as unknown as MetricsRegistry, selfMetrics: false }, 'the golden spec');
  const response = await responder({ method: 'GET', url: '/metrics', header: (name) => (name === 'accept' ? ACCEPT[format] : undefined) });
  expect(response?.status).toBe(200);
  return format === 'protobuf' ? response!.body.toString('base64') : response!.body.toString('utf8');
}

/** Every format of one collection of the registry, and what each left out. */
async function everyFormat(registry: Registry, snapshots: boolean): Promise<Record<string, string | SkipReason[]>> {
  const collection = await collectRegistry(registry as unknown as MetricsRegistry, undefined, undefined, { snapshots });
  const skips: SkipReason[] = [];
  const onSkipped = (reason: SkipReason): void => void skips.push(reason);
  return {
    text: renderCollection(collection, 'text', onSkipped),
    openmetrics: renderCollection(collection, 'openmetrics', onSkipped),
    protobuf: encodeCollection(collection, onSkipped).toString('base64'),
    skips,
  };
}

describe.each(Object.entries(MIXED_VARIANTS))('the exposition of the mixed registry (%s)', (variant, defaultLabels) => {
  test('text: byte for byte what the previous renderer served', async () => {
    expect(await scrape(mixedRegistry(defaultLabels), 'text')).toBe(golden.mixed[variant].text);
  });

  test.each(['text', 'openmetrics', 'protobuf'] as const)('client metrics only, %s: byte for byte what the previous renderer served', async (format) => {
    expect(await scrape(clientOnlyRegistry(defaultLabels), format)).toBe(golden.clientOnly[variant][format]);
  });

  test('every format: our families read as series snapshots give the bytes (and the skips) of the same families read as samples', async () => {
    const registry = mixedRegistry(defaultLabels);
    const fromSnapshots = await everyFormat(registry, true);
    expect(fromSnapshots).toEqual(await everyFormat(registry, false));
    // Two clashes and a broken sample in every format; two broken exemplars in OpenMetrics and protobuf.
    const everywhere = ['name_clash', 'name_clash', 'invalid_sample'];
    expect(fromSnapshots.skips).toEqual([...everywhere, ...everywhere, 'invalid_exemplar', 'invalid_exemplar', ...everywhere, 'invalid_exemplar', 'invalid_exemplar']);
  });
});

const NO_LABELS = Object.freeze({});

interface HandSeries {
  labels: Record<string, string>;
  value?: number;
  counts?: number[];
  sum?: number;
  count?: number;
  createdMs?: number;
  exemplar?: ExposedExemplar;
  bucketExemplars?: { exemplar?: ExposedExemplar }[];
  bounds?: number[];
}

/**
 * A metric that exposes its series (the protocol our families implement), and gives the same
 * series as sample objects from `getForPromString()`, the way our families publish them.
 */
class ExposingMetric {
  reads = 0;

  constructor(
    readonly name: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    readonly series: HandSeries[],
    readonly bounds: number[] = [],
    private readonly exposes = true,
  ) {}

  readonly help = 'Hand-made';

  [EXPOSE_SERIES](visitor: SeriesVisitor): boolean {
    this.reads++;
    if (!this.exposes) return false;
    for (const series of this.series) {
      if (this.type === 'histogram') {
        visitor.histogram(series.labels, series.bounds ?? this.bounds, series.counts, series.sum ?? 0, series.count ?? 0, series.createdMs, series.bucketExemplars);
      } else visitor.scalar(series.labels, series.value ?? 0, series.createdMs, series.exemplar);
    }
    return true;
  }

  get(): { name: string; help: string; type: string; values: CollectedSample[] } {
    return this.getForPromString();
  }

  getForPromString(): { name: string; help: string; type: string; values: CollectedSample[] } {
    const values: CollectedSample[] = [];
    for (const series of this.series) {
      const shared = (sample: CollectedSample): CollectedSample => ({ ...sample, sharedLabels: series.labels });
      if (this.type !== 'histogram') {
        values.push(shared({ labels: NO_LABELS, value: series.value ?? 0, ...(series.createdMs !== undefined && { createdMs: series.createdMs }), ...(series.exemplar && { exemplar: series.exemplar as never }) }));
        continue;
      }
      const bounds = series.bounds ?? this.bounds;
      let cumulative = 0;
      bounds.forEach((le, slot) => {
        cumulative += series.counts?.[slot] ?? 0;
        const exemplar = series.bucketExemplars?.[slot]?.exemplar;
        values.push(shared({ labels: { le }, value: cumulative, metricName: `${this.name}_bucket`, ...(exemplar && { exemplar: exemplar as never }) }));
      });
      const infinite = series.bucketExemplars?.[bounds.length]?.exemplar;
      values.push(shared({ labels: { le: '+Inf' }, value: series.count ?? 0, metricName: `${this.name}_bucket`, ...(infinite && { exemplar: infinite as never }) }));
      values.push(shared({ labels: NO_LABELS, value: series.sum ?? 0, metricName: `${this.name}_sum` }));
      values.push(shared({ labels: NO_LABELS, value: series.count ?? 0, metricName: `${this.name}_count`, ...(series.createdMs !== undefined && { createdMs: series.createdMs }) }));
    }
    return { name: this.name, help: this.help, type: this.type, values };
  }
}

const trace = (id: string, value: number): ExposedExemplar => ({ labelSet: { trace_id: id, span_id: `s${id}` }, value, timestamp: 1_700_000_000.25 });

function exposingRegistry(defaultLabels?: Record<string, string>): { registry: Registry; metrics: ExposingMetric[] } {
  const registry = new Registry();
  if (defaultLabels !== undefined) registry.setDefaultLabels(defaultLabels);
  const metrics = [
    new ExposingMetric('orders_total', 'counter', [
      { labels: { shop: 'north', zone: 'mine' }, value: 3, createdMs: 1_700_000_000_125, exemplar: trace('a1', 1) },
      { labels: { shop: 'we"ird\\\n' }, value: 0, createdMs: 1_700_000_000_000 },
      { labels: { shop: 'bad' }, value: 1, exemplar: { labelSet: { trace_id: 'x'.repeat(130) }, value: 1 } },
      { labels: {}, value: 2 },
    ]),
    new ExposingMetric('stock', 'gauge', [{ labels: { item: 'pears' }, value: -2.5, exemplar: trace('ignored', 1) }, { labels: { item: 'figs' }, value: NaN }]),
    new ExposingMetric(
      'wait_seconds',
      'histogram',
      [
        { labels: { route: '/a' }, counts: [1, 0, 2], sum: 4.5, count: 4, createdMs: 1_700_000_000_500, bucketExemplars: [{ exemplar: trace('b1', 0.05) }, {}, {}, { exemplar: trace('b9', 9) }] },
        { labels: { route: '/never' }, counts: undefined, sum: 0, count: 0, createdMs: 1_700_000_000_500 },
      ],
      [0.1, 1, 2.5],
    ),
    // A series labelled like the bucket label: written by the general path.
    new ExposingMetric('odd_seconds', 'histogram', [{ labels: { le: 'mine' }, counts: [1], sum: 1, count: 1 }], [1]),
    // Series with different bounds do not fit one snapshot: read with get().
    new ExposingMetric('uneven_seconds', 'histogram', [{ labels: { a: '1' }, counts: [1], sum: 1, count: 1, bounds: [1] }, { labels: { a: '2' }, counts: [1, 1], sum: 3, count: 2, bounds: [1, 2] }]),
    // A family that declines is read with get().
    new ExposingMetric('declined_total', 'counter', [{ labels: { x: 'y' }, value: 5 }], [], false),
  ];
  for (const metric of metrics) registry.registerMetric(metric as never);
  return { registry, metrics };
}

describe('a metric that exposes its series', () => {
  test.each(Object.entries(MIXED_VARIANTS))('every format gives the bytes and skips of its samples (%s)', async (_variant, defaultLabels) => {
    const { registry } = exposingRegistry(defaultLabels);
    const fromSnapshots = await everyFormat(registry, true);
    expect(fromSnapshots).toEqual(await everyFormat(registry, false));
    // The over-long exemplar, once in OpenMetrics and once in protobuf.
    expect(fromSnapshots.skips).toEqual(['invalid_exemplar', 'invalid_exemplar']);
  });

  test('is read as a snapshot, without get(), when the collection asks for snapshots', async () => {
    const { registry, metrics } = exposingRegistry();
    for (const metric of metrics) jest.spyOn(metric, 'getForPromString');
    const collection = await collectRegistry(registry as unknown as MetricsRegistry, undefined, undefined, { snapshots: true });
    const read = Object.fromEntries(collection.metrics.map((metric) => [metric.name, metric.series === undefined ? 'samples' : 'snapshot']));
    expect(read).toEqual({ orders_total: 'snapshot', stock: 'snapshot', wait_seconds: 'snapshot', odd_seconds: 'snapshot', uneven_seconds: 'samples', declined_total: 'samples' });
    expect(metrics.map((metric) => (metric.getForPromString as jest.Mock).mock.calls.length)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(collection.metrics.find((metric) => metric.name === 'wait_seconds')!.series).toEqual({
      labels: [{ route: '/a' }, { route: '/never' }],
      numbers: [1, 1, 3, 4.5, 4, 0, 0, 0, 0, 0],
      upperBounds: [0.1, 1, 2.5],
      createdMs: [1_700_000_000_500, 1_700_000_000_500],
      exemplars: [trace('b1', 0.05), undefined, undefined, trace('b9', 9)],
      native: undefined,
    });
  });

  test('OpenMetrics: exemplars on counters and buckets (+Inf too), never on gauges; _created after each series', async () => {
    const { registry } = exposingRegistry({ service: 'trees', zone: 'eu' });
    const lines = (await everyFormat(registry, true)).openmetrics as string;
    expect(lines.split('\n').filter((line) => /^(orders|stock|wait_seconds)/.test(line))).toEqual([
      'orders_total{service="trees",shop="north",zone="mine"} 3 # {trace_id="a1",span_id="sa1"} 1 1700000000.25',
      'orders_created{service="trees",shop="north",zone="mine"} 1700000000.125',
      'orders_total{service="trees",zone="eu",shop="we\\"ird\\\\\\n"} 0',
      'orders_created{service="trees",zone="eu",shop="we\\"ird\\\\\\n"} 1700000000',
      'orders_total{service="trees",zone="eu",shop="bad"} 1',
      'orders_total{service="trees",zone="eu"} 2',
      'stock{service="trees",zone="eu",item="pears"} -2.5',
      'stock{service="trees",zone="eu",item="figs"} NaN',
      'wait_seconds_bucket{le="0.1",service="trees",zone="eu",route="/a"} 1 # {trace_id="b1",span_id="sb1"} 0.05 1700000000.25',
      'wait_seconds_bucket{le="1.0",service="trees",zone="eu",route="/a"} 1',
      'wait_seconds_bucket{le="2.5",service="trees",zone="eu",route="/a"} 3',
      'wait_seconds_bucket{le="+Inf",service="trees",zone="eu",route="/a"} 4 # {trace_id="b9",span_id="sb9"} 9 1700000000.25',
      'wait_seconds_sum{service="trees",zone="eu",route="/a"} 4.5',
      'wait_seconds_count{service="trees",zone="eu",route="/a"} 4',
      'wait_seconds_created{service="trees",zone="eu",route="/a"} 1700000000.5',
      'wait_seconds_bucket{le="0.1",service="trees",zone="eu",route="/never"} 0',
      'wait_seconds_bucket{le="1.0",service="trees",zone="eu",route="/never"} 0',
      'wait_seconds_bucket{le="2.5",service="trees",zone="eu",route="/never"} 0',
      'wait_seconds_bucket{le="+Inf",service="trees",zone="eu",route="/never"} 0',
      'wait_seconds_sum{service="trees",zone="eu",route="/never"} 0',
      'wait_seconds_count{service="trees",zone="eu",route="/never"} 0',
      'wait_seconds_created{service="trees",zone="eu",route="/never"} 1700000000.5',
    ]);
    expect(warnings).toEqual([
      'prom-decorators: metric "orders_total": an exemplar whose labels are longer than OpenMetrics\' 128 characters is left out of the exposition; its sample is kept (logged once per metric; counted in prom_decorators_exposition_skipped_total)',
    ]);
  });

  test('a metric that throws while exposing is a failed collector, as a throwing get() is', async () => {
    const registry = new Registry();
    const broken = new ExposingMetric('broken_total', 'counter', []);
    broken[EXPOSE_SERIES] = () => {
      throw new Error('boom');
    };
    registry.registerMetric(broken as never);
    const collection = await collectRegistry(registry as unknown as MetricsRegistry, undefined, undefined, { snapshots: true });
    expect(collection.metrics).toEqual([]);
    expect(collection.failures).toEqual([{ name: 'broken_total', error: new Error('boom') }]);
  });
});
