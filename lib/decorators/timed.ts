import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import { nothingToBegin } from '../core/instrumentation.js';
import type { CallInfo, PlainSignal, Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import { observe, type HistogramFamily, type HistogramSeries } from '../metrics/histogram-family.js';
import type { SummaryFamily, SummarySeries } from '../metrics/summary-family.js';
import { bucketsProblem } from '../metrics/validation.js';
import type { ComputedLabelOptions, LabelsFrom, SeriesChooser } from './labels.js';
import { declareSiteMetric, outcomeClassifier, type MetricOptions, type OutcomeOptions } from './metric-options.js';

/** prom-client's default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface TimedHistogramOptions extends MetricOptions, OutcomeOptions {
  type?: 'histogram';
  /** Upper bounds in seconds, increasing. Default: prom-client's 0.005 … 10. */
  buckets?: readonly number[];
}

export interface TimedSummaryOptions extends MetricOptions, OutcomeOptions {
  type: 'summary';
  /** Default: 0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999 (prom-client's). */
  percentiles?: readonly number[];
  /**
   * Sliding window: quantiles over the last maxAgeSeconds, rotated through ageBuckets
   * (default 5 when maxAgeSeconds is given). Default: no window, quantiles over all time.
   * `_sum` and `_count` always cover all time.
   */
  maxAgeSeconds?: number;
  ageBuckets?: number;
}

export type TimedOptions<L extends string = never, F = LabelsFrom<L>> = (TimedHistogramOptions | TimedSummaryOptions) & ComputedLabelOptions<L, F>;

type TimedSeries = HistogramSeries & SummarySeries;

class TimedProbe implements Probe {
  readonly decorator = 'Timed';
  readonly needsStartTime = true;
  readonly needsEndTime = true;
  readonly needsCall: boolean;
  readonly plain: PlainSignal | undefined;
  private readonly ok: TimedSeries | undefined;
  private readonly error: TimedSeries | undefined;
  constructor(
    private readonly record: (series: TimedSeries, seconds: number) => void,
    private readonly chooser: SeriesChooser<TimedSeries>,
    named: boolean,
    private readonly isFailure: ((failed: boolean, outcome: unknown) => boolean) | undefined,
    /** A histogram's bounds: with static labels and no errorIf/okIf the wrapper observes it itself. */
    bounds: readonly number[] | undefined,
  ) {
    this.needsCall = chooser.computed;
    if (!chooser.computed) {
      this.ok = named ? chooser.fixed() : chooser.fixed({ result: 'ok' });
      this.error = named ? this.ok : chooser.fixed({ result: 'error' });
      if (isFailure === undefined && bounds !== undefined) this.plain = { kind: 'time', ok: this.ok, error: this.error, bounds };
    }
  }
  /** Nothing to do when a call starts: the wrapper skips it. */
  readonly begin = nothingToBegin;
  end(startMs: number, endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined): void {
    const seconds = (endMs - startMs) / 1000;
    if (this.ok === undefined || this.error === undefined) {
      this.record(this.chooser.choose(call as CallInfo), seconds);
      return;
    }
    this.record((this.isFailure === undefined ? failed : this.isFailure(failed, outcome)) ? this.error : this.ok, seconds);
  }
}

/** ageBuckets when only maxAgeSeconds is given (prom-client's README and the Go client use 5). */
const AGE_BUCKETS = 5;

/**
 * Checks a summary's sliding window and gives the ageBuckets to use when none was given:
 * prom-client rotates only when both are set, so maxAgeSeconds alone would silently give
 * quantiles over all time.
 */
function slidingWindowAgeBuckets(place: string, options: TimedSummaryOptions): number | undefined {
  const { maxAgeSeconds, ageBuckets } = options;
  if (maxAgeSeconds === undefined) {
    if (ageBuckets !== undefined) throw new DecoratorMisuseError('Timed', place, 'ageBuckets needs maxAgeSeconds', 'Pass maxAgeSeconds too, e.g. { maxAgeSeconds: 600, ageBuckets: 5 }');
    return undefined;
  }
  if (typeof maxAgeSeconds !== 'number' || !(maxAgeSeconds > 0) || maxAgeSeconds === Infinity) {
    throw new DecoratorMisuseError('Timed', place, `maxAgeSeconds ${String(maxAgeSeconds)} is not a positive number of seconds`, 'Pass e.g. { maxAgeSeconds: 600 }');
  }
  if (ageBuckets !== undefined && !(Number.isInteger(ageBuckets) && ageBuckets > 0)) {
    throw new DecoratorMisuseError('Timed', place, `ageBuckets ${String(ageBuckets)} is not a positive whole number`, 'Pass e.g. { ageBuckets: 5 }');
  }
  return ageBuckets ?? AGE_BUCKETS;
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
export function Timed<const L extends string = never, F extends LabelsFrom<L> = LabelsFrom<L>>(options?: TimedOptions<L, F>): InstrumentDecorator {
  return createDecorator({ decorator: 'Timed', functionName: options?.method, build: (site) => {
    const isFailure = outcomeClassifier(site, options);
    const defaults = {
      name: 'method_duration_seconds',
      help: 'Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
      outcomeLabels: ['result'],
      namedHelp: 'Call durations in seconds measured by @Timed.',
    };
    let metric;
    let record: (series: TimedSeries, seconds: number) => void;
    let histogramBounds: readonly number[] | undefined;
    if (options?.type === 'summary') {
      const summary = {
        percentiles: [...(options.percentiles ?? [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999])],
        maxAgeSeconds: options.maxAgeSeconds,
        ageBuckets: slidingWindowAgeBuckets(site.place, options),
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
      histogramBounds = bounds;
      record = (series, seconds) => observe(series, bounds, seconds);
    }
    const { named, description, chooser } = metric;
    return { probe: new TimedProbe(record, chooser as unknown as SeriesChooser<TimedSeries>, named, isFailure, histogramBounds), metric: description };
  } });
}
