import { MetricFamily, type FamilyOptions, type PublishedValue } from './family.js';
import type { LabelValues, ObservedSeries } from './series.js';

/**
 * A histogram series: `counts[i]` counts the observations in bucket i alone (the last slot is
 * +Inf); cumulative counts are computed at collect time, so an observation touches one slot.
 * The slots are made by the first observation: most series a method declares up front (its
 * error series, a method never called) are never observed, and hold none.
 */
export class HistogramSeries implements ObservedSeries {
  counts: number[] | undefined = undefined;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: LabelValues,
    /** The family's finite upper bounds, shared by all its series. */
    private readonly upperBounds: readonly number[],
  ) {}

  /** Adds one observation. Hot path: plain arithmetic only, no allocation after the first. */
  observe(value: number): void {
    const upperBounds = this.upperBounds;
    let slot = 0;
    const last = upperBounds.length;
    while (slot < last && value > upperBounds[slot]) slot++;
    (this.counts ?? this.slots())[slot]++;
    this.sum += value;
    this.count++;
  }

  /** One slot per bucket and +Inf, at 0 (small integers: V8 keeps them unboxed in the array). */
  private slots(): number[] {
    const counts = Array.from({ length: this.upperBounds.length + 1 }, () => 0);
    this.counts = counts;
    return counts;
  }
}

export class HistogramFamily extends MetricFamily<HistogramSeries> {
  readonly type = 'histogram';
  /** Finite, increasing upper bounds; +Inf is implied. */
  readonly upperBounds: readonly number[];

  constructor(options: FamilyOptions) {
    super(options);
    const upperBounds = [...(options.shape.buckets ?? [])];
    this.upperBounds = upperBounds;
    this.bucketLabels = [...upperBounds.map((le) => Object.freeze({ le })), Object.freeze({ le: '+Inf' })];
  }

  /** Each bucket's `{ le }`, made once and shared by every series and scrape. */
  private readonly bucketLabels: readonly Readonly<{ le: number | string }>[];

  protected createSeries(labels: LabelValues): HistogramSeries {
    return new HistogramSeries(labels, this.upperBounds);
  }

  protected publish(series: HistogramSeries, into: PublishedValue[], shared: boolean): void {
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    const counts = series.counts;
    for (let slot = 0; slot < this.upperBounds.length; slot++) {
      if (counts !== undefined) cumulative += counts[slot];
      into.push(this.sample(series, cumulative, shared, bucketName, this.bucketLabels[slot]));
    }
    into.push(this.sample(series, series.count, shared, bucketName, this.bucketLabels[this.upperBounds.length]));
    into.push(this.sample(series, series.sum, shared, `${this.name}_sum`));
    into.push(this.sample(series, series.count, shared, `${this.name}_count`));
  }

  protected zero(series: HistogramSeries): void {
    series.counts?.fill(0);
    series.sum = 0;
    series.count = 0;
  }
}
