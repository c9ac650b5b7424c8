import { createMethodDecorator, type MethodInstrumentDecorator } from '../core/decorate.js';
import type { Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import { observe, type HistogramFamily, type HistogramSeries } from '../metrics/histogram-family.js';
import type { SummaryFamily, SummarySeries } from '../metrics/summary-family.js';
import { bucketsProblem } from '../metrics/validation.js';
import { declareSiteMetric, type MetricOptions } from './metric-options.js';

/** prom-client's default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface TimedHistogramOptions extends MetricOptions {
  type?: 'histogram';
  /** Upper bounds in seconds, increasing. Default: prom-client's 0.005 … 10. */
  buckets?: readonly number[];
}

export interface TimedSummaryOptions extends MetricOptions {
  type: 'summary';
  /** Default: 0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999 (prom-client's). */
  percentiles?: readonly number[];
  /** Sliding window: quantiles over the last maxAgeSeconds, rotated through ageBuckets. */
  maxAgeSeconds?: number;
  ageBuckets?: number;
}

export type TimedOptions = TimedHistogramOptions | TimedSummaryOptions;

class TimedProbe implements Probe {
  readonly decorator = 'Timed';
  readonly needsStartTime = true;
  readonly needsEndTime = true;
  constructor(
    private readonly record: (series: HistogramSeries & SummarySeries, seconds: number) => void,
    private readonly ok: HistogramSeries & SummarySeries,
    private readonly error: HistogramSeries & SummarySeries,
  ) {}
  begin(): void {}
  end(startMs: number, endMs: number, failed: boolean): void {
    this.record(failed ? this.error : this.ok, (endMs - startMs) / 1000);
  }
}

/**
 * Times calls until they complete: for a returned promise, until it settles.
 *
 * Writes `method_duration_seconds` (histogram; labels `class`, `method`, `result`;
 * prom-client's default buckets). With `name`, writes that histogram with only the static
 * `labels`; `buckets` sets its bounds, `{ type: 'summary' }` makes it a summary.
 *
 * @example
 * @Timed({ name: 'example_app_latency_seconds', buckets: [0.01, 0.1, 0.5, 1, 5] })
 */
export function Timed(options?: TimedOptions): MethodInstrumentDecorator {
  return createMethodDecorator('Timed', (site) => {
    const defaults = {
      name: 'method_duration_seconds',
      help: 'Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
      outcomeLabels: ['result'],
      namedHelp: 'Call durations in seconds measured by @Timed.',
    };
    let metric;
    let record: (series: HistogramSeries & SummarySeries, seconds: number) => void;
    if (options?.type === 'summary') {
      const summary = {
        percentiles: [...(options.percentiles ?? [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999])],
        maxAgeSeconds: options.maxAgeSeconds,
        ageBuckets: options.ageBuckets,
      };
      const bad = summary.percentiles.find((q) => typeof q !== 'number' || !(q > 0 && q < 1));
      if (bad !== undefined) throw new DecoratorMisuseError('Timed', site.place, `percentile ${bad} is not between 0 and 1`, 'Pass percentiles such as [0.5, 0.9, 0.99]');
      metric = declareSiteMetric<SummaryFamily>(site, options, { ...defaults, kind: 'summary' }, { summary });
      const family = metric.family;
      record = (series, seconds) => family.observe(series, seconds);
    } else {
      const buckets = [...(options?.buckets ?? DEFAULT_BUCKETS)];
      const problem = bucketsProblem(buckets);
      if (problem !== undefined) throw new DecoratorMisuseError('Timed', site.place, problem, 'Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]');
      if (buckets[buckets.length - 1] === Infinity) buckets.pop(); // +Inf is always there
      metric = declareSiteMetric<HistogramFamily>(site, options, { ...defaults, kind: 'histogram' }, { buckets });
      const bounds = metric.family.upperBounds;
      record = (series, seconds) => observe(series, bounds, seconds);
    }
    const { family, baseLabels, named, description } = metric;
    const seriesFor = (labels: Record<string, string>) => family.seriesFor(labels) as HistogramSeries & SummarySeries;
    const ok = seriesFor(named ? baseLabels : { ...baseLabels, result: 'ok' });
    const error = named ? ok : seriesFor({ ...baseLabels, result: 'error' });
    return { probe: new TimedProbe(record, ok, error), metric: description };
  });
}
