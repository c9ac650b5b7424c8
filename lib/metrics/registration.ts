import { metricIn, metricsOf, registerIn, unregisterFrom } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { warnOnce } from '../log.js';

/**
 * Every metric the library puts in a registry goes through `registerMetric`: decorator
 * families, the HTTP families and in-flight gauge, Info, Enum, the endpoint's self-metrics,
 * and apps' own client metrics through `getOrCreateMetric`. One rule tells what is there
 * (the shape our metrics carry under METRIC_SHAPE, compared by kind: never `instanceof`,
 * so a second copy of the library or a jest module reset reuses what the first registered),
 * one check tells a second declaration from a conflict, and a conflict is one neutral error
 * that each caller words for its user.
 */

/** Where our metrics keep their shape; a global symbol, so every copy of the library reads it. */
export const METRIC_SHAPE = Symbol.for('prom-decorators.metric-shape.v1');

/** What kind of numbers a metric keeps; two declarations of one name must agree on it. */
export type MetricKind =
  | 'counter'
  | 'gauge'
  | 'timestamp'
  | 'histogram'
  /** A Prometheus native histogram, with or without classic buckets alongside. */
  | 'native-histogram'
  | 'summary'
  | 'in-flight'
  | 'info'
  | 'enum'
  /** The client's own metric objects: the endpoint's self-metrics, and apps' through getOrCreateMetric. */
  | 'client-counter'
  | 'client-gauge'
  | 'client-histogram'
  | 'client-summary';

/** A summary's quantile options, compared between two declarations of one name. */
export interface SummaryShape {
  percentiles: readonly number[];
  maxAgeSeconds?: number;
  ageBuckets?: number;
}

/** A native histogram's options, compared between two declarations of one name. */
export interface NativeHistogramShape {
  /** 'native': native buckets only; 'both': classic buckets (`buckets`) alongside, for text and OpenMetrics scrapers. */
  mode: 'native' | 'both';
  schema: number;
  zeroThreshold: number;
  maxBuckets: number;
}

/** What a metric is, as far as a second declaration of its name must agree. */
export interface MetricShape {
  readonly kind: MetricKind;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** A histogram's finite upper bounds. */
  readonly buckets?: readonly number[];
  readonly summary?: SummaryShape;
  readonly native?: NativeHistogramShape;
  /** Who declared it, for messages: "@Counted on TreeService.countTrees", "httpMetrics()", "Info". */
  readonly declaredAt: string;
}

/** A metric this library registers: it carries its shape. */
export interface ShapedMetric {
  readonly [METRIC_SHAPE]: MetricShape;
}

/**
 * A name that is taken by something else. Never shown as is: the decorators turn it into a
 * DecoratorMisuseError, the HTTP adapters into an HttpMetricsOptionsError, Info and Enum into
 * a MetricOptionsError, each with the fix that applies there.
 */
export class MetricConflictError extends Error {
  constructor(
    readonly metricName: string,
    /** What clashes, as a sentence fragment naming both declarations. */
    readonly problem: string,
    /** Whether the other side is a metric registered by code outside prom-decorators. */
    readonly foreign: boolean,
  ) {
    super(problem);
    this.name = 'MetricConflictError';
  }
}

export interface MetricRegistration<M extends ShapedMetric> {
  registry: MetricsRegistry;
  shape: MetricShape;
  /** Makes the metric when the name is free (or when `onSame` is 'replace'). */
  create(): M;
  /**
   * What a metric of the same shape already there means: 'reuse' it (families, whose series
   * live on across re-imports), or 'replace' it (Info and Enum, where the newest holds the values).
   */
  onSame: 'reuse' | 'replace';
}

/**
 * Get-or-create: the same name and shape give back what the registry holds (re-imports, jest
 * module resets and hot reload never throw); a different help is kept as first declared and
 * warned about once; anything else is a MetricConflictError.
 */
export function registerMetric<M extends ShapedMetric>({ registry, shape, create, onSame }: MetricRegistration<M>): M {
  const existing = metricIn(registry, shape.name);
  if (existing !== undefined) {
    const theirs = shapeOf(existing);
    if (theirs === undefined) {
      throw new MetricConflictError(shape.name, `metric "${shape.name}" is already registered in this registry by code outside prom-decorators`, true);
    }
    const difference = differenceBetween(theirs, shape);
    if (difference !== undefined) {
      throw new MetricConflictError(
        shape.name,
        `metric "${shape.name}" is declared here as ${describe(shape)}, but ${theirs.declaredAt} already declared it as ${describe(theirs)} (${difference})`,
        false,
      );
    }
    if (onSame === 'reuse') {
      if (theirs.help !== shape.help) {
        warnOnce(
          `help:${shape.name}:${shape.help}`,
          `metric "${shape.name}" is declared by ${shape.declaredAt} with help ${JSON.stringify(shape.help)}, but ${theirs.declaredAt} declared it with help ${JSON.stringify(theirs.help)}; the first help is kept (give both the same help)`,
        );
      }
      return existing as M;
    }
    unregisterFrom(registry, shape.name);
  } else {
    checkReservedNames(registry, shape);
  }
  const metric = create();
  registerIn(registry, metric);
  return metric;
}

/**
 * Registers a metric object of the Prometheus client (a Counter, Gauge, Histogram or Summary
 * made with `registers: []`) through the same check, its shape attached to it, or gives back
 * the one of the same shape already there.
 */
export function registerClientMetric<M extends object>(registry: MetricsRegistry, metric: M, declaredAt: string): M {
  const { name, help, type, labelNames, upperBounds, percentiles, maxAgeSeconds, ageBuckets } = metric as {
    name: string;
    help: string;
    type?: unknown;
    labelNames?: readonly string[];
    upperBounds?: readonly number[];
    percentiles?: readonly number[];
    maxAgeSeconds?: number;
    ageBuckets?: number;
  };
  const kind: MetricKind = type === 'counter' || type === 'gauge' || type === 'histogram' || type === 'summary' ? `client-${type}` : 'client-gauge';
  const shape: MetricShape = {
    kind,
    name,
    help,
    labelNames: [...(labelNames ?? [])],
    buckets: kind === 'client-histogram' ? [...(upperBounds ?? [])] : undefined,
    summary: kind === 'client-summary' ? { percentiles: [...(percentiles ?? [])], maxAgeSeconds, ageBuckets } : undefined,
    declaredAt,
  };
  Object.defineProperty(metric, METRIC_SHAPE, { value: shape });
  return registerMetric({ registry, shape, onSame: 'reuse', create: () => metric as M & ShapedMetric });
}

/** The shape of a metric found in a registry, or undefined for one registered outside the library. */
export function shapeOf(metric: unknown): MetricShape | undefined {
  if (metric === null || typeof metric !== 'object') return undefined;
  const shape = (metric as Partial<ShapedMetric>)[METRIC_SHAPE];
  return shape !== undefined && typeof shape === 'object' ? shape : undefined;
}

/**
 * The sample and family names a metric writes across the text and OpenMetrics formats: each
 * is reserved for it. A counter `c_total` is the OpenMetrics family `c` with `c_total` and
 * `c_created`; a histogram `h` writes `h_bucket`, `h_sum`, `h_count` and `h_created`.
 */
export function namesWrittenBy(type: string | undefined, name: string): string[] {
  switch (type) {
    case 'counter': {
      const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
      return [base, `${base}_total`, `${base}_created`];
    }
    case 'histogram':
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`, `${name}_created`];
    case 'summary':
      return [name, `${name}_sum`, `${name}_count`, `${name}_created`];
    default:
      return [name];
  }
}

/** A new name must not write a sample name another metric of the registry writes, nor the other way round. */
function checkReservedNames(registry: MetricsRegistry, shape: MetricShape): void {
  const ours = namesWrittenBy(exposedType(shape.kind), shape.name);
  for (const other of metricsOf<unknown>(registry)) {
    const theirShape = shapeOf(other);
    const theirType = theirShape === undefined ? (other as { type?: unknown }).type : exposedType(theirShape.kind);
    const theirs = namesWrittenBy(typeof theirType === 'string' ? theirType : undefined, other.name);
    const shared = ours.find((name) => theirs.includes(name));
    if (shared === undefined) continue;
    const who = theirShape === undefined ? 'code outside prom-decorators' : theirShape.declaredAt;
    throw new MetricConflictError(
      shape.name,
      `metric "${shape.name}" (${describe(shape)}) would write "${shared}", which the ${String(theirType ?? 'untyped')} "${other.name}" registered by ${who} already writes`,
      theirShape === undefined,
    );
  }
}

/** The type a metric kind is exposed as. */
function exposedType(kind: MetricKind): string {
  switch (kind) {
    case 'counter':
    case 'client-counter':
      return 'counter';
    case 'histogram':
    case 'native-histogram':
    case 'client-histogram':
      return 'histogram';
    case 'summary':
    case 'client-summary':
      return 'summary';
    default:
      return 'gauge';
  }
}

function differenceBetween(had: MetricShape, wants: MetricShape): string | undefined {
  if (had.kind !== wants.kind) return 'the types differ';
  const hadLabels = [...had.labelNames].sort().join(',');
  const wantsLabels = [...wants.labelNames].sort().join(',');
  if (hadLabels !== wantsLabels) return `labels [${hadLabels}] against [${wantsLabels}]`;
  const hadBuckets = (had.buckets ?? []).join(', ');
  const wantsBuckets = (wants.buckets ?? []).join(', ');
  if (hadBuckets !== wantsBuckets) return `buckets [${hadBuckets}] against [${wantsBuckets}]`;
  if (JSON.stringify(had.summary) !== JSON.stringify(wants.summary)) return `summary options ${JSON.stringify(had.summary)} against ${JSON.stringify(wants.summary)}`;
  if (JSON.stringify(had.native) !== JSON.stringify(wants.native)) return `native histogram options ${JSON.stringify(had.native)} against ${JSON.stringify(wants.native)}`;
  return undefined;
}

const KIND_WORDS: Record<MetricKind, string> = {
  counter: 'a counter',
  gauge: 'a gauge',
  timestamp: 'a timestamp gauge',
  histogram: 'a histogram',
  'native-histogram': 'a native histogram',
  summary: 'a summary',
  'in-flight': 'the HTTP in-flight gauge',
  info: 'an Info metric',
  enum: 'an Enum metric',
  'client-counter': 'a client Counter',
  'client-gauge': 'a client Gauge',
  'client-histogram': 'a client Histogram',
  'client-summary': 'a client Summary',
};

function describe(shape: MetricShape): string {
  const labels = shape.labelNames.length === 0 ? 'no labels' : `labels ${shape.labelNames.join(', ')}`;
  return `${KIND_WORDS[shape.kind]} with ${labels}`;
}
