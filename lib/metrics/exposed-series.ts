import type { NativeHistogramSnapshot } from './native-histogram.js';
import type { LabelValues } from './series.js';

/**
 * How a metric hands the exposition its series as plain numbers, instead of the sample objects
 * `get()` builds (one per line, fourteen per histogram series): what lets a scrape of 100,000
 * series allocate a few arrays instead of 100,000 objects. The library's families implement
 * it; any other metric is read with `get()`. Symbol.for, so every copy of the library in a
 * process reads every other copy's families; versioned, so a copy whose visitor differs never
 * reads them.
 */
export const EXPOSE_SERIES = Symbol.for('prom-decorators.expose-series.v1');

/** An exemplar as a series keeps it: its labels (the trace's IDs), the value, when (Unix seconds). */
export interface ExposedExemplar {
  /** Label name to value, its own enumerable properties (an interface such as `{ trace_id, span_id }` fits). */
  readonly labelSet: object;
  readonly value: number;
  readonly timestamp?: number;
}

/** Where a histogram bucket keeps its exemplar (the families' exemplar slots are read as they are). */
export interface ExposedExemplarSlot {
  readonly exemplar?: ExposedExemplar | undefined;
}

/**
 * Told of each series of a family in turn: one call per series, never one per line. A label
 * object is never mutated once handed out (the exposition caches its rendered text by identity).
 */
export interface SeriesVisitor {
  /**
   * A counter's or gauge's series: its labels and value; a counter's created timestamp (Unix
   * ms: made or last reset) and its exemplar, when it has them.
   */
  scalar(labels: LabelValues, value: number, createdMs?: number, exemplar?: ExposedExemplar): void;
  /**
   * A classic histogram series, or a native one's classic view: the finite upper bounds
   * (increasing, one array shared by the family's series), the count in each of those buckets
   * alone, in the same order (undefined: nothing observed yet; slots past the bounds are
   * ignored), the sum and the count (the `+Inf` bucket); its created timestamp (Unix ms), each
   * bucket's exemplar slot, the finite bounds' then `+Inf`'s (undefined: none yet), and a
   * native histogram's native buckets.
   */
  histogram(
    labels: LabelValues,
    upperBounds: readonly number[],
    bucketCounts: ArrayLike<number> | undefined,
    sum: number,
    count: number,
    createdMs?: number,
    bucketExemplars?: ArrayLike<ExposedExemplarSlot>,
    native?: NativeHistogramSnapshot,
  ): void;
}

/** A metric that exposes its series directly. */
export interface SeriesExposingMetric {
  readonly name: string;
  readonly help: string;
  /** 'counter' and 'gauge' call `scalar`, 'histogram' calls `histogram`. */
  readonly type: string;
  /**
   * Visits every series, as a collection reads them (a family drops its idle series first);
   * false when this metric cannot, and must be read with `get()` instead (a summary's quantiles).
   */
  [EXPOSE_SERIES](visitor: SeriesVisitor): boolean;
}

export function exposesSeries(metric: object): metric is SeriesExposingMetric {
  return typeof (metric as Partial<SeriesExposingMetric>)[EXPOSE_SERIES] === 'function';
}
