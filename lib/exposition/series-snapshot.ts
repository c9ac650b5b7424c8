import type { NativeHistogramSnapshot } from '../metrics/native-histogram.js';
import type { LabelValues } from '../metrics/series.js';
import { EXPOSE_SERIES, type ExposedExemplar, type ExposedExemplarSlot, type SeriesExposingMetric, type SeriesVisitor } from '../metrics/exposed-series.js';

/**
 * A family's series as one collection read them through EXPOSE_SERIES: a few flat arrays, what
 * every format writes without a sample object per line. Read once, so two scrapes that share a
 * collection write the same numbers (and exemplars) in different formats.
 */
export interface SeriesSnapshot {
  /** One label object per series, in the family's order. */
  labels: LabelValues[];
  /**
   * Counters and gauges: one value per series. Histograms: per series, the cumulative count at
   * each finite bound, then the sum, then the count (`upperBounds.length + 2` numbers).
   */
  numbers: number[];
  /** Histograms: the finite upper bounds every series shares. */
  upperBounds: readonly number[];
  /** Per series, the created timestamp in Unix ms (NaN: none); undefined when no series has one. */
  createdMs: number[] | undefined;
  /**
   * Exemplars; undefined when no series has one. Counters: one per series. Histograms: per
   * series, one per bucket, the finite bounds' then `+Inf`'s (`upperBounds.length + 1`).
   */
  exemplars: (SnapshotExemplar | undefined)[] | undefined;
  /** Native histograms: per series, the native buckets. */
  native: (NativeHistogramSnapshot | undefined)[] | undefined;
}

/** An exemplar as the exposition's writers read it (a sample's `exemplar`). */
export interface SnapshotExemplar {
  labelSet: Record<string, string | number>;
  value: number;
  timestamp?: number;
}

const NO_BOUNDS: readonly number[] = [];

/**
 * The metric's series, or undefined when it must be read with `get()` instead: it declined, or
 * its series do not fit one snapshot (a histogram whose series have different bounds, a call
 * that does not match its type). Throws what the metric throws.
 */
export function snapshotSeries(metric: SeriesExposingMetric): SeriesSnapshot | undefined {
  const builder = new SnapshotBuilder(metric.type === 'histogram');
  if (metric[EXPOSE_SERIES](builder) !== true || builder.unfit) return undefined;
  return builder.snapshot;
}

class SnapshotBuilder implements SeriesVisitor {
  readonly snapshot: SeriesSnapshot = { labels: [], numbers: [], upperBounds: NO_BOUNDS, createdMs: undefined, exemplars: undefined, native: undefined };
  unfit = false;

  constructor(private readonly histograms: boolean) {}

  scalar(labels: LabelValues, value: number, createdMs?: number, exemplar?: ExposedExemplar): void {
    const snapshot = this.snapshot;
    if (this.histograms) this.unfit = true;
    const series = snapshot.labels.length;
    snapshot.labels.push(labels);
    snapshot.numbers.push(value);
    this.created(series, createdMs);
    if (exemplar != null) (snapshot.exemplars ??= [])[series] = exemplar as SnapshotExemplar;
  }

  histogram(
    labels: LabelValues,
    upperBounds: readonly number[],
    bucketCounts: ArrayLike<number> | undefined,
    sum: number,
    count: number,
    createdMs?: number,
    bucketExemplars?: ArrayLike<ExposedExemplarSlot>,
    native?: NativeHistogramSnapshot,
  ): void {
    const snapshot = this.snapshot;
    if (!this.histograms) this.unfit = true;
    const series = snapshot.labels.length;
    if (series === 0) snapshot.upperBounds = upperBounds;
    else if (upperBounds !== snapshot.upperBounds && !sameBounds(upperBounds, snapshot.upperBounds)) this.unfit = true;
    snapshot.labels.push(labels);
    const numbers = snapshot.numbers;
    let cumulative = 0;
    for (let slot = 0; slot < upperBounds.length; slot++) {
      if (bucketCounts !== undefined) cumulative += bucketCounts[slot];
      numbers.push(cumulative);
    }
    numbers.push(sum, count);
    this.created(series, createdMs);
    if (bucketExemplars !== undefined) {
      // Copied now: a slot's exemplar is replaced as calls go on, and both formats of one collection must agree.
      const buckets = upperBounds.length + 1;
      for (let bucket = 0; bucket < buckets && bucket < bucketExemplars.length; bucket++) {
        const exemplar = bucketExemplars[bucket]?.exemplar;
        if (exemplar != null) (snapshot.exemplars ??= [])[series * buckets + bucket] = exemplar as SnapshotExemplar;
      }
    }
    if (native !== undefined) (snapshot.native ??= [])[series] = native;
  }

  private created(series: number, createdMs: number | undefined): void {
    const snapshot = this.snapshot;
    if (createdMs === undefined) {
      if (snapshot.createdMs !== undefined) snapshot.createdMs[series] = NaN;
      return;
    }
    (snapshot.createdMs ??= Array.from({ length: series }, () => NaN))[series] = createdMs;
  }
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((bound, index) => bound === b[index]);
}
