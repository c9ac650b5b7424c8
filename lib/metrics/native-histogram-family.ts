import type { MetricsRegistry } from '../client/registry.js';
import { MetricOptionsError } from '../errors.js';
import { DEFAULT_BUCKETS } from './buckets.js';
import type { SeriesVisitor } from './exposed-series.js';
import { MetricFamily, type FamilyOptions, type PublishedMetric, type PublishedValue } from './family.js';
import { NativeHistogramSeries, nativeShapeOf, type NativeHistogramOptions, type NativeHistogramSettings, type NativeHistogramSnapshot } from './native-histogram.js';
import { registerMetric, type MetricShape } from './registration.js';
import type { LabelValues } from './series.js';
import { bucketsProblem, labelNameProblem, metricNameProblem, nativeHistogramProblem } from './validation.js';

/** What a native histogram family publishes: the classic view every format reads, and each series' native buckets for protobuf. */
export interface PublishedNativeHistogram extends PublishedMetric {
  nativeHistograms: NativeHistogramSnapshot[];
}

/**
 * A family of native histogram series. Text and OpenMetrics (and the client's own rendering)
 * read its classic view: with mode 'both' the classic buckets, with 'native' only the `+Inf`
 * bucket, `_sum` and `_count`, as the Go client writes a native-only histogram in text. The
 * protobuf format reads `nativeHistograms`. The family's shape carries `native` (kind
 * 'native-histogram') and, for 'both', the classic `buckets`.
 */
export class NativeHistogramFamily extends MetricFamily<NativeHistogramSeries> {
  readonly type = 'histogram';
  readonly settings: NativeHistogramSettings;
  /** Each classic bucket's `{ le }` (the last is +Inf), made once and shared by every series and scrape. */
  private readonly bucketLabels: readonly Readonly<{ le: number | string }>[];
  /** Where `publish` puts the snapshots during one collection (collections are synchronous). */
  private snapshots: NativeHistogramSnapshot[] | undefined;

  constructor(options: FamilyOptions) {
    super(options);
    const native = options.shape.native;
    if (native === undefined) throw new TypeError(`the native histogram "${options.shape.name}" was declared without native options`);
    const upperBounds = native.mode === 'both' ? [...(options.shape.buckets ?? [])] : [];
    this.settings = { shape: native, upperBounds };
    this.bucketLabels = [...upperBounds.map((le) => Object.freeze({ le })), Object.freeze({ le: '+Inf' })];
  }

  override get(): PublishedNativeHistogram {
    return this.publishWithSnapshots(false);
  }

  override getForPromString(): PublishedNativeHistogram {
    return this.publishWithSnapshots(true);
  }

  protected createSeries(labels: LabelValues): NativeHistogramSeries {
    return new NativeHistogramSeries(labels, this.settings);
  }

  protected publish(series: NativeHistogramSeries, into: PublishedValue[], shared: boolean): void {
    const bucketName = `${this.name}_bucket`;
    const { upperBounds } = this.settings;
    const exemplars = series.exemplars;
    let cumulative = 0;
    for (let slot = 0; slot <= upperBounds.length; slot++) {
      cumulative = slot < upperBounds.length ? cumulative + series.classicCounts[slot] : series.count;
      const sample = this.sample(series, cumulative, shared, bucketName, this.bucketLabels[slot]);
      const exemplar = exemplars?.[slot].exemplar;
      if (exemplar !== undefined) sample.exemplar = exemplar;
      into.push(sample);
    }
    into.push(this.sample(series, series.sum, shared, `${this.name}_sum`));
    const count = this.sample(series, series.count, shared, `${this.name}_count`);
    count.createdMs = series.createdMs;
    into.push(count);
    this.snapshots?.push(series.snapshot());
  }

  protected expose(series: NativeHistogramSeries, visitor: SeriesVisitor): void {
    visitor.histogram(series.labels, this.settings.upperBounds, series.classicCounts, series.sum, series.count, series.createdMs, series.exemplars, series.snapshot());
  }

  protected zero(series: NativeHistogramSeries): void {
    series.reset(this.settings.shape.schema);
  }

  private publishWithSnapshots(shared: boolean): PublishedNativeHistogram {
    const snapshots: NativeHistogramSnapshot[] = [];
    this.snapshots = snapshots;
    try {
      return { ...this.publishAll(shared), nativeHistograms: snapshots };
    } finally {
      this.snapshots = undefined;
    }
  }
}

/** A native histogram to get from the registry, or to create when the name is free. */
export interface NativeHistogramRequest {
  registry: MetricsRegistry;
  name: string;
  help: string;
  labelNames?: readonly string[];
  /** 'native' (default): native buckets only; 'both': classic `buckets` alongside. */
  mode?: 'native' | 'both';
  /** The classic bounds for mode 'both'. Default DEFAULT_BUCKETS. */
  buckets?: readonly number[];
  native?: NativeHistogramOptions;
  maxSeries?: number;
  /** Who declares it, for messages. Default `NativeHistogram "<name>"`. */
  declaredAt?: string;
}

/**
 * The shape of a native histogram, every default applied; throws a MetricOptionsError naming
 * what is wrong. What a decorator or the HTTP metrics pass to the registration once they
 * record native histograms.
 */
export function nativeHistogramShape(request: Omit<NativeHistogramRequest, 'registry'>): MetricShape {
  const where = 'NativeHistogram';
  const nameProblem = metricNameProblem(request.name);
  if (nameProblem !== undefined) throw new MetricOptionsError(where, undefined, nameProblem, 'Pass a name such as "job_duration_seconds".');
  const labelNames = [...(request.labelNames ?? [])];
  for (const label of labelNames) {
    const problem = labelNameProblem(label);
    if (problem !== undefined) throw new MetricOptionsError(where, request.name, problem, 'Rename the label, e.g. "operation".');
  }
  const mode = request.mode ?? 'native';
  if (mode !== 'native' && mode !== 'both') {
    throw new MetricOptionsError(where, request.name, `mode ${JSON.stringify(mode)} is not 'native' or 'both'`, "Pass { mode: 'both' } to keep classic buckets alongside.");
  }
  const problem = nativeHistogramProblem(request.native);
  if (problem !== undefined) throw new MetricOptionsError(where, request.name, problem, 'Pass { schema: 3, maxBuckets: 160 } or leave the options out for those defaults.');
  let buckets: number[] | undefined;
  if (mode === 'both') {
    buckets = [...(request.buckets ?? DEFAULT_BUCKETS)];
    const bucketProblem = bucketsProblem(buckets);
    if (bucketProblem !== undefined) throw new MetricOptionsError(where, request.name, bucketProblem, 'Pass increasing upper bounds, e.g. [0.01, 0.1, 1].');
    if (buckets[buckets.length - 1] === Infinity) buckets.pop(); // +Inf is always there
  }
  return {
    kind: 'native-histogram',
    name: request.name,
    help: request.help,
    labelNames,
    buckets,
    native: nativeShapeOf(request.native, mode),
    declaredAt: request.declaredAt ?? `${where} "${request.name}"`,
  };
}

/**
 * Get-or-create of a native histogram family through the one registration module: the same
 * name and shape give back the family already there; a conflict throws a MetricConflictError.
 *
 * @example
 * const latency = declareNativeHistogram({ registry, name: 'job_duration_seconds', help: 'Job duration', labelNames: ['job'], mode: 'both' });
 * latency.seriesFor({ job: 'import' }).observe(0.42);
 */
export function declareNativeHistogram(request: NativeHistogramRequest): NativeHistogramFamily {
  const shape = nativeHistogramShape(request);
  return registerMetric({ registry: request.registry, shape, onSame: 'reuse', create: () => new NativeHistogramFamily({ shape, maxSeries: request.maxSeries }) });
}
