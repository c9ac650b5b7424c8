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
  }

  protected createSeries(labels: LabelValues): HistogramSeries {
    return { labels, counts: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
  }

  protected publish(series: HistogramSeries, into: PublishedValue[]): void {
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    for (let slot = 0; slot < this.upperBounds.length; slot++) {
      cumulative += series.counts[slot];
      into.push({ labels: { ...series.labels, le: this.upperBounds[slot] }, value: cumulative, metricName: bucketName });
    }
    into.push({ labels: { ...series.labels, le: '+Inf' }, value: series.count, metricName: bucketName });
    into.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
    into.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
  }

  protected zero(series: HistogramSeries): void {
    series.counts.fill(0);
    series.sum = 0;
    series.count = 0;
  }
}
