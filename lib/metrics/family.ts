import type { PublishedExemplar } from '../exemplars/exemplar-slot.js';
import { warnOnce } from '../log.js';
import { EXPOSE_SERIES, type SeriesVisitor } from './exposed-series.js';
import { METRIC_SHAPE, type MetricShape, type ShapedMetric } from './registration.js';
import type { LabelValues } from './series.js';

/** One sample as prom-client's registry reads it from `get()`. */
export interface PublishedValue {
  labels: Record<string, string | number>;
  /** The series' labels, when published for prom-client's text rendering (see `getForPromString`). */
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
  /** On the sample that ends a series (a counter's value, a histogram's or summary's `_count`): when it started counting, in Unix ms. */
  createdMs?: number;
  /** A counter's or histogram bucket's exemplar from the active trace (OpenMetrics and protobuf write it). */
  exemplar?: PublishedExemplar;
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

/**
 * The longest computed label value kept (in UTF-16 units): a longer one is cut to this length,
 * its last character replaced by `…`, so a label function returning whole documents costs a
 * bounded amount of memory and scrape.
 */
export const MAX_LABEL_VALUE_LENGTH = 256;

/** `value`, or its first MAX_LABEL_VALUE_LENGTH - 1 characters and `…` when it is longer. Allocates only when it cuts. */
export function boundedLabelValue(value: string): string {
  if (value.length <= MAX_LABEL_VALUE_LENGTH) return value;
  let end = MAX_LABEL_VALUE_LENGTH - 1;
  // Never cut a surrogate pair in two: a lone half is not valid UTF-8 on the wire.
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}\u2026`;
}

/** How often a run-time series was written, counted by whoever chose it (a plain increment, no clock). */
export interface WriteMark {
  writes: number;
}

/** A series chosen at run time that is dropped once it goes `ttlMs` without a write. */
interface IdleExpiry {
  key: string;
  /** Every chooser that hands this series out: its write count, and how it forgets the series. */
  marks: WriteMark[];
  forgets: (() => void)[];
  /** The sum of the marks' writes at the last collect. */
  seenWrites: number;
  /** When a collect last saw it written; NaN until the first collect (so no clock is read when it is made). */
  lastWrittenMs: number;
  ttlMs: number;
}

/** The labels of a sample that has only shared labels; frozen, so it can be shared. */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Default cap on the series one metric may hold. */
export const DEFAULT_MAX_SERIES = 1000;

export interface FamilyOptions {
  /** What the family is: its name, help, labels and (for a histogram or summary) their options. */
  shape: MetricShape;
  maxSeries?: number;
  aggregator?: string;
  /**
   * The self-metric series (`prom_decorators_series_overflow_total{metric}`) this family counts
   * its overflowing writes in, resolved on the first overflow. None: overflows are not counted.
   */
  overflowCounter?: () => { value: number };
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
  /** Run-time series with an idle expiry (`seriesTtlSeconds`), checked at collect time. */
  private readonly expiring = new Map<S, IdleExpiry>();
  /** Run-time series some chooser without a TTL also hands out: never dropped, or its writes would be lost. */
  private readonly pinned = new WeakSet<S>();
  private readonly resolveOverflowCounter: (() => { value: number }) | undefined;
  private overflowCounter: { value: number } | undefined;

  constructor(options: FamilyOptions) {
    this[METRIC_SHAPE] = options.shape;
    this.name = options.shape.name;
    this.help = options.shape.help;
    this.labelNames = options.shape.labelNames;
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    this.aggregator = options.aggregator ?? 'sum';
    this.resolveOverflowCounter = options.overflowCounter;
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
      return this.overflowFor(labels, computedLabelNames);
    }
    return this.add(key, labels);
  }

  /**
   * The series a write goes to when a cap refuses `labels` a series of its own (the family's
   * cap, or a call site's or route's): the named labels become `__overflow__`, the others stay.
   * Each such write is counted in the overflow self-metric under this metric's name.
   */
  overflowFor(labels: LabelValues, overflowingLabelNames: readonly string[]): S {
    this.countOverflow();
    const overflowLabels = { ...labels };
    for (const name of overflowingLabelNames) overflowLabels[name] = OVERFLOW_LABEL_VALUE;
    const overflowKey = this.keyOf(overflowLabels);
    const overflow = this.seriesByKey.get(overflowKey);
    if (overflow !== undefined) return overflow;
    const created = this.add(overflowKey, overflowLabels);
    this.overflowSeries.add(created);
    return created;
  }

  /**
   * Drops `series` (chosen at run time by a chooser that counts its writes in `mark`) at the
   * first collect at least `ttlSeconds` after the last collect that saw it written; `forget`
   * then tells the chooser to stop handing it out. A write costs the chooser an increment:
   * no clock is read per call, one per collect.
   */
  expireWhenIdle(series: S, mark: WriteMark, ttlSeconds: number, forget: () => void): void {
    if (this.pinned.has(series) || this.isOverflow(series) || this.seriesByKey.get(this.keyOf(series.labels)) !== series) return;
    const existing = this.expiring.get(series);
    if (existing !== undefined) {
      existing.marks.push(mark);
      existing.forgets.push(forget);
      existing.seenWrites += mark.writes;
      existing.lastWrittenMs = NaN;
      existing.ttlMs = Math.max(existing.ttlMs, ttlSeconds * 1000);
      return;
    }
    this.expiring.set(series, { key: this.keyOf(series.labels), marks: [mark], forgets: [forget], seenWrites: mark.writes, lastWrittenMs: NaN, ttlMs: ttlSeconds * 1000 });
  }

  /** A chooser without an idle expiry hands `series` out: it is never dropped (another site's TTL notwithstanding). */
  keepWhileUsed(series: S): void {
    this.pinned.add(series);
    this.expiring.delete(series);
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
    this.beforeCollect();
    const values: PublishedValue[] = [];
    for (const series of this.seriesByKey.values()) this.publish(series, values, shared);
    this.afterCollect();
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /**
   * The exposition's read (see exposed-series.ts): each series' numbers handed to `visitor`,
   * no sample object made. False for a family that has no `expose` (read with `get()`).
   */
  [EXPOSE_SERIES](visitor: SeriesVisitor): boolean {
    if (this.expose === undefined) return false;
    this.beforeCollect();
    for (const series of this.seriesByKey.values()) this.expose(series, visitor);
    this.afterCollect();
    return true;
  }

  /** Collect time, before any series is read: the idle ones leave. A family that recounts its series at collect time extends it. */
  protected beforeCollect(): void {
    if (this.expiring.size > 0) this.dropIdle();
  }

  /** Collect time, after every series was read. */
  protected afterCollect(): void {}

  /** `registry.resetMetrics()`: every series back to zero; the series themselves stay. */
  reset(): void {
    for (const series of this.seriesByKey.values()) this.zero(series);
  }

  protected abstract createSeries(labels: LabelValues): S;
  protected abstract publish(series: S, into: PublishedValue[], shared: boolean): void;
  /** One series to the exposition's visitor; a family without it is read through `get()` (a summary's quantiles). */
  protected expose?(series: S, visitor: SeriesVisitor): void;

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
  /** A series was dropped for being idle: a family that keeps more state per series (a summary's digest) lets it go here. */
  protected dropped(_series: S): void {}

  /** Collect time: the run-time series idle for their TTL leave the family and their choosers. */
  private dropIdle(): void {
    const now = performance.now();
    for (const [series, expiry] of this.expiring) {
      let writes = 0;
      for (const mark of expiry.marks) writes += mark.writes;
      if (writes !== expiry.seenWrites || Number.isNaN(expiry.lastWrittenMs)) {
        expiry.seenWrites = writes;
        expiry.lastWrittenMs = now;
      } else if (now - expiry.lastWrittenMs >= expiry.ttlMs) {
        this.expiring.delete(series);
        if (this.seriesByKey.get(expiry.key) === series) this.seriesByKey.delete(expiry.key);
        this.dropped(series);
        for (const forget of expiry.forgets) forget();
      }
    }
  }

  private countOverflow(): void {
    if (this.overflowCounter === undefined) {
      if (this.resolveOverflowCounter === undefined) return;
      this.overflowCounter = this.resolveOverflowCounter();
    }
    this.overflowCounter.value++;
  }

  private add(key: string, labels: LabelValues): S {
    // Label objects are never mutated once made, so the caller's object is kept, not copied.
    const series = this.createSeries(labels);
    this.seriesByKey.set(key, series);
    return series;
  }

  /**
   * One flat string per label set (a `+=` chain would keep a rope of strings per series key).
   * Each value is prefixed with its length, so no value (a NUL, a separator) can make two
   * label sets share a key.
   */
  protected keyOf(labels: LabelValues): string {
    return this.labelNames
      .map((name) => {
        const value = String(labels[name] ?? '');
        return `${value.length}:${value}`;
      })
      .join('');
  }
}
