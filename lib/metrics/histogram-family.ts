import { MetricFamily, type FamilyKind, type FamilyOptions, type LabelValues, type PublishedValue } from './family.js';

/**
 * A histogram series: `counts[i]` counts the observations in bucket i alone (the last slot is
 * +Inf); cumulative counts are computed at collect time, so an observation touches one slot.
 */
export interface HistogramSeries {
  readonly labels: LabelValues;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** Adds one observation. Hot path: plain arithmetic only, no allocation. */
export function observe(series: Pick<HistogramSeries, 'counts' | 'sum' | 'count'>, upperBounds: readonly number[], value: number): void {
  let slot = 0;
  const last = upperBounds.length;
  while (slot < last && value > upperBounds[slot]) slot++;
  series.counts[slot]++;
  series.sum += value;
  series.count++;
}

export class HistogramFamily extends MetricFamily<HistogramSeries> {
  readonly kind: FamilyKind = 'histogram';
  readonly type = 'histogram';

  constructor(
    options: FamilyOptions,
    /** Finite, increasing upper bounds; +Inf is implied. */
    readonly upperBounds: readonly number[],
  ) {
    super(options);
    this.bucketLabels = [...upperBounds.map((le) => Object.freeze({ le })), Object.freeze({ le: '+Inf' })];
  }

  /** Each bucket's `{ le }`, made once and shared by every series and scrape. */
  private readonly bucketLabels: readonly Readonly<{ le: number | string }>[];

  protected createSeries(labels: LabelValues): HistogramSeries {
    return { labels, counts: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
  }

  protected publish(series: HistogramSeries, into: PublishedValue[], shared: boolean): void {
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    for (let slot = 0; slot < this.upperBounds.length; slot++) {
      cumulative += series.counts[slot];
      into.push(this.sample(series, cumulative, shared, bucketName, this.bucketLabels[slot]));
    }
    into.push(this.sample(series, series.count, shared, bucketName, this.bucketLabels[this.upperBounds.length]));
    into.push(this.sample(series, series.sum, shared, `${this.name}_sum`));
    into.push(this.sample(series, series.count, shared, `${this.name}_count`));
  }

  protected zero(series: HistogramSeries): void {
    series.counts.fill(0);
    series.sum = 0;
    series.count = 0;
  }
}
