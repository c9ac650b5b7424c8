import { performance } from 'node:perf_hooks';
import { MetricFamily, type FamilyOptions, type PublishedValue } from './family.js';
import type { LabelValues, NumberSeries } from './series.js';

/** A gauge series: the core adds to or sets `value`. */
export interface GaugeSeries extends NumberSeries {
  readonly labels: LabelValues;
}

export class GaugeFamily extends MetricFamily<GaugeSeries> {
  readonly type = 'gauge';

  protected createSeries(labels: LabelValues): GaugeSeries {
    return { labels, value: 0 };
  }

  protected publish(series: GaugeSeries, into: PublishedValue[], shared: boolean): void {
    into.push(this.sample(series, series.value, shared));
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
 * they already read for timing (0 = never), so recording costs no extra clock read; the
 * wall-clock offset is taken at the first collect after a call, so clock drift never
 * accumulates between scrapes. Each recorded time is converted once: the offset jitters by
 * a fraction of a millisecond from one collect to the next, and a gauge that moved on every
 * scrape would make changes() count scrapes instead of calls. Aggregated across cluster
 * workers by max: the latest call wins.
 */
export class TimestampFamily extends MetricFamily<TimestampSeries> {
  readonly type = 'gauge';
  private epochOffsetMs = 0;

  constructor(options: FamilyOptions) {
    super({ aggregator: 'max', ...options });
  }

  protected override publishAll(shared = false) {
    this.epochOffsetMs = Date.now() - performance.now();
    return super.publishAll(shared);
  }

  protected createSeries(labels: LabelValues): TimestampSeries {
    return { labels, value: 0, convertedFrom: 0, seconds: 0 };
  }

  protected publish(series: TimestampSeries, into: PublishedValue[], shared: boolean): void {
    if (series.value !== series.convertedFrom) {
      series.convertedFrom = series.value;
      series.seconds = series.value === 0 ? 0 : (this.epochOffsetMs + series.value) / 1000;
    }
    into.push(this.sample(series, series.seconds, shared));
  }

  protected zero(series: TimestampSeries): void {
    series.value = 0;
    series.convertedFrom = 0;
    series.seconds = 0;
  }
}
