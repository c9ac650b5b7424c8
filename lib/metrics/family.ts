import { warnOnce } from '../log.js';
import { METRIC_SHAPE, type MetricShape, type ShapedMetric } from './registration.js';
import type { LabelValues } from './series.js';

/** One sample as prom-client's registry reads it from `get()`. */
export interface PublishedValue {
  labels: Record<string, string | number>;
  /** The series' labels, when published for prom-client's text rendering (see `getForPromString`). */
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
}

/** The shape prom-client's Registry, cluster aggregator and Pushgateway read from a metric. */
export interface PublishedMetric {
  name: string;
  help: string;
  type: string;
  values: PublishedValue[];
  aggregator: string;
  /**
   * The OpenMetrics type, when it differs from `type` (which the client and the text format read):
   * Info is an OpenMetrics `info`, Enum a `stateset`; both stay gauges in the text format.
   */
  openMetricsType?: 'info' | 'stateset';
}

/** The value every computed label takes once a family has reached its series cap. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

/** The labels of a sample that has only shared labels; frozen, so it can be shared. */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Default cap on the series one metric may hold. */
export const DEFAULT_MAX_SERIES = 1000;

export interface FamilyOptions {
  /** What the family is: its name, help, labels and (for a histogram or summary) their options. */
  shape: MetricShape;
  maxSeries?: number;
  aggregator?: string;
}

/**
 * A metric whose series are plain numbers updated by the probes, published to prom-client
 * only when the registry is collected. It registers itself in a prom-client Registry as
 * a metric object (name, help, type, get, reset), so `register.metrics()`,
 * `getSingleMetricAsString()`, `getMetricsAsJSON()` and the cluster aggregator read it
 * like any prom-client metric.
 */
export abstract class MetricFamily<S extends { labels: LabelValues }> implements ShapedMetric {
  readonly [METRIC_SHAPE]: MetricShape;
  abstract readonly type: string;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly maxSeries: number;
  readonly aggregator: string;
  private readonly seriesByKey = new Map<string, S>();
  /** The series new combinations go to past the cap (one per combination of fixed labels). */
  private readonly overflowSeries = new Set<S>();

  constructor(options: FamilyOptions) {
    this[METRIC_SHAPE] = options.shape;
    this.name = options.shape.name;
    this.help = options.shape.help;
    this.labelNames = options.shape.labelNames;
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    this.aggregator = options.aggregator ?? 'sum';
  }

  /**
   * The series for these label values, created at zero on first use. Series resolved when
   * a class is defined pass no `computedLabelNames` and are never capped. Series chosen at
   * run time name their computed labels: past `maxSeries`, a new combination is recorded
   * under one series whose computed labels are all `__overflow__`, so memory stays bounded.
   */
  seriesFor(labels: LabelValues, computedLabelNames?: readonly string[]): S {
    const key = this.keyOf(labels);
    const existing = this.seriesByKey.get(key);
    if (existing !== undefined) return existing;
    if (computedLabelNames !== undefined && computedLabelNames.length > 0 && this.seriesByKey.size >= this.maxSeries) {
      warnOnce(
        `overflow:${this.name}`,
        `metric "${this.name}" reached its cap of ${this.maxSeries} series; new label combinations are recorded with ${OVERFLOW_LABEL_VALUE} (raise it with the maxSeries option, or compute labels with fewer distinct values)`,
      );
      const overflowLabels = { ...labels };
      for (const name of computedLabelNames) overflowLabels[name] = OVERFLOW_LABEL_VALUE;
      const overflowKey = this.keyOf(overflowLabels);
      const overflow = this.seriesByKey.get(overflowKey);
      if (overflow !== undefined) return overflow;
      const created = this.add(overflowKey, overflowLabels);
      this.overflowSeries.add(created);
      return created;
    }
    return this.add(key, labels);
  }

  /** Whether `series` is where combinations past the cap are recorded (never worth remembering by its labels). */
  isOverflow(series: S): boolean {
    return this.overflowSeries.size > 0 && this.overflowSeries.has(series);
  }

  /** How many series the family holds. */
  get size(): number {
    return this.seriesByKey.size;
  }

  /** Called by prom-client's registry on every collection. */
  get(): PublishedMetric | Promise<PublishedMetric> {
    return this.publishAll();
  }

  /**
   * What prom-client's registry renders (`registry.metrics()`) when a metric has it: every
   * sample carries its series' long-lived label object as `sharedLabels`, which the registry
   * formats once per series and caches across scrapes, as it does for its own histograms.
   */
  getForPromString(): PublishedMetric | Promise<PublishedMetric> {
    return this.publishAll(true);
  }

  /**
   * Every series' samples, as prom-client's `get()` returns them, or with `shared` as its
   * `getForPromString()` does.
   */
  protected publishAll(shared = false): PublishedMetric {
    const values: PublishedValue[] = [];
    for (const series of this.seriesByKey.values()) this.publish(series, values, shared);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** `registry.resetMetrics()`: every series back to zero; the series themselves stay. */
  reset(): void {
    for (const series of this.seriesByKey.values()) this.zero(series);
  }

  protected abstract createSeries(labels: LabelValues): S;
  protected abstract publish(series: S, into: PublishedValue[], shared: boolean): void;

  /**
   * One sample of a series. With `shared`, the series' labels go in `sharedLabels` and only
   * `own` labels (a bucket's frozen `{ le }`) in `labels`; otherwise they are merged.
   */
  protected sample(series: S, value: number, shared: boolean, metricName?: string, own?: Readonly<Record<string, string | number>>): PublishedValue {
    const sample: PublishedValue = shared
      ? { labels: own ?? NO_LABELS, sharedLabels: series.labels, value }
      : { labels: own === undefined ? series.labels : { ...series.labels, ...own }, value };
    if (metricName !== undefined) sample.metricName = metricName;
    return sample;
  }
  protected abstract zero(series: S): void;

  private add(key: string, labels: LabelValues): S {
    // Label objects are never mutated once made, so the caller's object is kept, not copied.
    const series = this.createSeries(labels);
    this.seriesByKey.set(key, series);
    return series;
  }

  /** One flat string per label set (a `+=` chain would keep a rope of strings per series key). */
  private keyOf(labels: LabelValues): string {
    return this.labelNames.map((name) => labels[name]).join('\u0000');
  }
}
