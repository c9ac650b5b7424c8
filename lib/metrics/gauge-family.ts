import { performance } from 'node:perf_hooks';
import type { SeriesVisitor } from './exposed-series.js';
import { MetricFamily, type FamilyOptions, type PublishedValue } from './family.js';
import type { LabelValues, NumberSeries } from './series.js';

/** A gauge series: the core adds to or sets `value`. */
export interface GaugeSeries extends NumberSeries {
  readonly labels: LabelValues;
}

/**
 * A gauge of calls in progress: @InProgress's, and (recounted at every collect) the HTTP
 * in-flight gauge. `registry.resetMetrics()` leaves @InProgress's values alone: they count
 * calls still running, so zeroing them would take the gauge below 0 when those calls end.
 */
export class GaugeFamily extends MetricFamily<GaugeSeries> {
  readonly type = 'gauge';
  /** @InProgress's gauges are declared with kind 'gauge'; the HTTP in-flight gauge's kind is 'in-flight'. */
  private readonly countsLiveCalls: boolean;

  constructor(options: FamilyOptions) {
    super(options);
    this.countsLiveCalls = options.shape.kind === 'gauge';
  }

  override reset(): void {
    if (!this.countsLiveCalls) super.reset();
  }

  protected createSeries(labels: LabelValues): GaugeSeries {
    return { labels, value: 0 };
  }

  protected publish(series: GaugeSeries, into: PublishedValue[], shared: boolean): void {
    into.push(this.sample(series, series.value, shared));
  }

  protected expose(series: GaugeSeries, visitor: SeriesVisitor): void {
    visitor.scalar(series.labels, series.value);
  }

  protected zero(series: GaugeSeries): void {
    series.value = 0;
  }
}

/**
 * A timestamp series: probes store `performance.now()` in `value`; the Unix seconds it was
 * converted to are kept, so a value is converted once and then published unchanged.
 */
export interface TimestampSeries extends GaugeSeries {
  convertedFrom: number;
  seconds: number;
}

/**
 * A gauge of Unix timestamps in seconds. Probes store the monotonic `performance.now()`
 * they already read for timing (0 = never), so recording costs no extra clock read. A time
 * is converted with the wall-clock offset (`Date.now() - performance.now()`) as it was when
 * the call was made: the offset taken when the family was created or at the last collect
 * before the call, re-taken after every collect and applied only to calls made after it. So
 * a wall-clock step (NTP, a VM resumed) never moves a timestamp already recorded nor the
 * calls made before it; a call made between a step and the next collect is stamped with the
 * clock as it was before the step. Drift never accumulates past one scrape interval.
 * Each recorded time is converted once: the offset jitters by a fraction of a millisecond
 * from one collect to the next, and a gauge that moved on every scrape would make changes()
 * count scrapes instead of calls. Aggregated across cluster workers by max: the latest call wins.
 */
export class TimestampFamily extends MetricFamily<TimestampSeries> {
  readonly type = 'gauge';
  /** The wall-clock offset in effect for the calls made since the last collect. */
  private epochOffsetMs = epochOffsetMs();

  constructor(options: FamilyOptions) {
    super({ aggregator: 'max', ...options });
  }

  protected override afterCollect(): void {
    this.epochOffsetMs = epochOffsetMs();
  }

  protected createSeries(labels: LabelValues): TimestampSeries {
    return { labels, value: 0, convertedFrom: 0, seconds: 0 };
  }

  protected publish(series: TimestampSeries, into: PublishedValue[], shared: boolean): void {
    into.push(this.sample(series, this.secondsOf(series), shared));
  }

  protected expose(series: TimestampSeries, visitor: SeriesVisitor): void {
    visitor.scalar(series.labels, this.secondsOf(series));
  }

  /** The series' time in Unix seconds, converted once per recorded time. */
  private secondsOf(series: TimestampSeries): number {
    if (series.value !== series.convertedFrom) {
      series.convertedFrom = series.value;
      series.seconds = series.value === 0 ? 0 : (this.epochOffsetMs + series.value) / 1000;
    }
    return series.seconds;
  }

  protected zero(series: TimestampSeries): void {
    series.value = 0;
    series.convertedFrom = 0;
    series.seconds = 0;
  }
}

/** Unix milliseconds minus the monotonic clock: what turns a `performance.now()` into wall-clock time. */
function epochOffsetMs(): number {
  return Date.now() - performance.now();
}
