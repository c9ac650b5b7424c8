import type { MetricsRegistry } from '../client/registry.js';
import { warnOnce } from '../log.js';
import { CounterFamily } from './counter-family.js';
import type { FamilyOptions, MetricFamily } from './family.js';
import { GaugeFamily, TimestampFamily } from './gauge-family.js';
import { HistogramFamily } from './histogram-family.js';
import { NativeHistogramFamily } from './native-histogram-family.js';
import { registerMetric, type MetricShape, type NativeHistogramShape, type SummaryShape } from './registration.js';
import type { LabelValues } from './series.js';
import { SummaryFamily } from './summary-family.js';

/** The self-metric every capped family counts its overflowing writes in, by metric name. */
export const SERIES_OVERFLOW_METRIC = 'prom_decorators_series_overflow_total';

/** The plain-number families a caller can ask for. */
export type FamilyKind = 'counter' | 'gauge' | 'timestamp' | 'histogram' | 'native-histogram' | 'summary';

/** A family to get from the registry, or to create when the name is free. */
export interface FamilyRequest {
  registry: MetricsRegistry;
  kind: FamilyKind;
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Who declares it, for messages: "@Counted on TreeService.countTrees", "httpMetrics()". */
  declaredAt: string;
  /** A histogram's upper bounds; a native histogram's classic ones, kept with mode 'both'. */
  buckets?: readonly number[];
  summary?: SummaryShape;
  /** A native histogram's options, every default applied (see nativeShapeOf). */
  native?: NativeHistogramShape;
  maxSeries?: number;
}

type FamilyFor<K extends FamilyKind> = K extends 'counter'
  ? CounterFamily
  : K extends 'gauge'
    ? GaugeFamily
    : K extends 'timestamp'
      ? TimestampFamily
      : K extends 'histogram'
        ? HistogramFamily
        : K extends 'native-histogram'
          ? NativeHistogramFamily
          : SummaryFamily;

/**
 * Get-or-create of a plain-number family, through the one registration module: the same
 * name and shape give back the family already registered; a conflict throws a
 * MetricConflictError for the caller to word.
 */
export function declareFamily<K extends FamilyKind>(request: FamilyRequest & { kind: K }): FamilyFor<K> {
  const shape = shapeOfRequest(request);
  const options = { shape, maxSeries: request.maxSeries, overflowCounter: request.name === SERIES_OVERFLOW_METRIC ? undefined : overflowCounterIn(request.registry, request.name) };
  return registerMetric({ registry: request.registry, shape, onSame: 'reuse', create: () => createFamily(request.kind, options) }) as unknown as FamilyFor<K>;
}

/**
 * How a family learns where to count its overflows: the registry it is declared in. The
 * self-metric is declared there on the first overflow, so a registry whose caps never
 * overflowed shows none; a name taken by something else leaves overflows uncounted, warned once.
 */
function overflowCounterIn(registry: MetricsRegistry, metricName: string): () => { value: number } {
  return () => {
    try {
      return declareFamily({
        registry,
        kind: 'counter',
        name: SERIES_OVERFLOW_METRIC,
        help: 'Writes that a series cap (of a metric, a call site or a route) sent to an __overflow__ series, by metric.',
        labelNames: ['metric'],
        declaredAt: 'prom-decorators series caps',
      }).seriesFor({ metric: metricName });
    } catch (failure) {
      warnOnce(`overflow-metric:${metricName}`, `could not register ${SERIES_OVERFLOW_METRIC}; overflows of "${metricName}" are not counted`, failure);
      return { value: 0 };
    }
  };
}

function shapeOfRequest(request: Omit<FamilyRequest, 'registry'>): MetricShape {
  const native = request.kind === 'native-histogram' ? request.native : undefined;
  if (request.kind === 'native-histogram' && native === undefined) throw new TypeError(`the native histogram "${request.name}" was declared without native options`);
  // A native histogram keeps classic buckets only in mode 'both' (the shape compared says so).
  const classic = request.kind === 'histogram' || native?.mode === 'both';
  return {
    kind: request.kind,
    name: request.name,
    help: request.help,
    labelNames: [...request.labelNames],
    buckets: classic ? [...(request.buckets ?? [])] : undefined,
    summary: request.kind === 'summary' ? (request.summary ?? { percentiles: [] }) : undefined,
    ...(native !== undefined && { native }),
    declaredAt: request.declaredAt,
  };
}

function createFamily(kind: FamilyKind, options: FamilyOptions): MetricFamily<{ labels: LabelValues }> {
  switch (kind) {
    case 'counter':
      return new CounterFamily(options);
    case 'gauge':
      return new GaugeFamily(options);
    case 'timestamp':
      return new TimestampFamily(options);
    case 'histogram':
      return new HistogramFamily(options);
    case 'native-histogram':
      return new NativeHistogramFamily(options);
    case 'summary':
      return new SummaryFamily(options);
  }
}
