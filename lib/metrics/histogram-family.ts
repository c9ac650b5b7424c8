import type { TraceExemplarLabels } from '../exemplars/active-trace.js';
import { keepExemplar, NO_EXEMPLAR, takeExemplar, ticks, type ExemplarSlot } from '../exemplars/exemplar-slot.js';
import { createdNow, type CreatedStamp } from './created.js';
import type { SeriesVisitor } from './exposed-series.js';
import { MetricFamily, type FamilyOptions, type PublishedValue } from './family.js';
import type { LabelValues, ObservedSeries } from './series.js';

/**
 * A histogram series: `counts[i]` counts the observations in bucket i alone (the last slot is
 * +Inf); cumulative counts are computed at collect time, so an observation touches one slot.
 * The slots are made by the first observation: most series a method declares up front (its
 * error series, a method never called) are never observed, and hold none. So are the
 * buckets' exemplar slots, by the first observation that may take an exemplar.
 */
export class HistogramSeries implements ObservedSeries {
  counts: number[] | undefined = undefined;
  sum = 0;
  count = 0;
  /** When it started counting: made, or last reset. */
  created: CreatedStamp = createdNow();
  /** Each bucket's exemplar (the last is +Inf). */
  exemplars: ExemplarSlot[] | undefined = undefined;

  constructor(
    readonly labels: LabelValues,
    /** The family's finite upper bounds, shared by all its series. */
    private readonly upperBounds: readonly number[],
  ) {}

  /** Adds one observation. Hot path: plain arithmetic only, no allocation after the first. */
  observe(value: number): void {
    this.record(value);
  }

  /** `observe`, and the exemplar of the bucket it falls in when that one is due. */
  observeSampled(value: number): void {
    const slot = this.record(value);
    const exemplars = this.exemplars ?? this.exemplarSlots();
    if (exemplars[slot].tick !== ticks.now) exemplars[slot] = takeExemplar(exemplars[slot], value);
  }

  /** `observe`, with these trace IDs (read when the work began) as the exemplar of its bucket. */
  observeWithExemplar(value: number, trace: TraceExemplarLabels): void {
    const slot = this.record(value);
    const exemplars = this.exemplars ?? this.exemplarSlots();
    exemplars[slot] = keepExemplar(exemplars[slot], trace, value);
  }

  /** Counts `value` in its bucket; returns the bucket's slot. */
  private record(value: number): number {
    const upperBounds = this.upperBounds;
    let slot = 0;
    const last = upperBounds.length;
    while (slot < last && value > upperBounds[slot]) slot++;
    (this.counts ?? this.slots())[slot]++;
    this.sum += value;
    this.count++;
    return slot;
  }

  /** One slot per bucket and +Inf, at 0 (small integers: V8 keeps them unboxed in the array). */
  private slots(): number[] {
    const counts = Array.from({ length: this.upperBounds.length + 1 }, () => 0);
    this.counts = counts;
    return counts;
  }

  private exemplarSlots(): ExemplarSlot[] {
    const exemplars = Array.from({ length: this.upperBounds.length + 1 }, () => NO_EXEMPLAR);
    this.exemplars = exemplars;
    return exemplars;
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
    const { counts, exemplars } = series;
    const buckets = this.upperBounds.length;
    for (let slot = 0; slot <= buckets; slot++) {
      if (slot < buckets) {
        if (counts !== undefined) cumulative += counts[slot];
      } else cumulative = series.count;
      const sample = this.sample(series, cumulative, shared, bucketName, this.bucketLabels[slot]);
      const exemplar = exemplars?.[slot].exemplar;
      if (exemplar !== undefined) sample.exemplar = exemplar;
      into.push(sample);
    }
    into.push(this.sample(series, series.sum, shared, `${this.name}_sum`));
    const count = this.sample(series, series.count, shared, `${this.name}_count`);
    count.createdMs = series.created.ms;
    into.push(count);
  }

  protected expose(series: HistogramSeries, visitor: SeriesVisitor): void {
    visitor.histogram(series.labels, this.upperBounds, series.counts, series.sum, series.count, series.created.ms, series.exemplars);
  }

  /** Back to no observation, created now; the buckets' exemplars with them. */
  protected zero(series: HistogramSeries): void {
    series.counts?.fill(0);
    series.sum = 0;
    series.count = 0;
    series.created = createdNow();
    series.exemplars = undefined;
  }
}
