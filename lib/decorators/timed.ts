import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import { nothingToBegin } from '../core/instrumentation.js';
import type { CallInfo, PlainSignal, Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import { DEFAULT_BUCKETS } from '../metrics/buckets.js';
import type { HistogramFamily } from '../metrics/histogram-family.js';
import type { NativeHistogramFamily } from '../metrics/native-histogram-family.js';
import type { ObservedSeries } from '../metrics/series.js';
import type { SummaryFamily } from '../metrics/summary-family.js';
import { bucketsProblem } from '../metrics/validation.js';
import type { ComputedLabelOptions, LabelsFrom, SeriesChooser } from './labels.js';
import { declareSiteMetric, exemplarsWanted, outcomeClassifier, type ExemplarOption, type MetricOptions, type OutcomeOptions } from './metric-options.js';
import { nativeHistogramOf, type NativeHistogramOption } from '../metrics/native-histogram-option.js';

export interface TimedHistogramOptions extends MetricOptions, OutcomeOptions, ExemplarOption {
  type?: 'histogram';
  /**
   * Classic upper bounds in seconds, increasing. Default: the Prometheus clients' 0.005 … 10
   * (`DEFAULT_BUCKETS`). With `nativeHistogram`, the classic buckets kept in mode 'both'.
   */
  buckets?: readonly number[];
  /**
   * Record a Prometheus native histogram: sparse exponential buckets, scraped over the protobuf
   * format. `true` for the defaults (mode 'native', schema 3: 8 buckets per power of two, each
   * about 9% wide; zero threshold 2^-128; at most 160 buckets, past which the resolution halves).
   * `mode: 'both'` keeps the classic `buckets` alongside, for text and OpenMetrics scrapers.
   */
  nativeHistogram?: NativeHistogramOption;
}

export interface TimedSummaryOptions extends MetricOptions, OutcomeOptions, ExemplarOption {
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

type TimedSeries = ObservedSeries & { labels: Record<string, string> };

class TimedProbe implements Probe {
  declare readonly decorator: 'Timed';
  declare readonly needsStartTime: true;
  declare readonly needsEndTime: true;
  readonly needsCall: boolean;
  /** The probe is its own plain signal (no object of its own for it): `kind`, `ok` and `error`. */
  readonly plain: PlainSignal | undefined;
  declare readonly kind: 'time';
  readonly ok: TimedSeries | undefined;
  readonly error: TimedSeries | undefined;
  /** Only with computed labels: static ones resolved their series once, here. */
  private readonly chooser: SeriesChooser<TimedSeries> | undefined;
  constructor(
    chooser: SeriesChooser<TimedSeries>,
    named: boolean,
    private readonly isFailure: ((failed: boolean, outcome: unknown) => boolean) | undefined,
    readonly exemplars: boolean,
  ) {
    this.needsCall = chooser.computed;
    this.chooser = chooser.computed ? chooser : undefined;
    if (!chooser.computed) {
      this.ok = named ? chooser.fixed() : chooser.fixed({ result: 'ok' });
      this.error = named ? this.ok : chooser.fixed({ result: 'error' });
      // Static labels and no errorIf/okIf: the wrapper observes the series itself.
      if (isFailure === undefined) this.plain = this as PlainSignal;
    }
  }
  /** Nothing to do when a call starts: the wrapper skips it. */
  declare readonly begin: typeof nothingToBegin;
  end(startMs: number, endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined): void {
    const seconds = (endMs - startMs) / 1000;
    const series =
      this.ok === undefined || this.error === undefined
        ? this.chooser!.choose(call as CallInfo)
        : (this.isFailure === undefined ? failed : this.isFailure(failed, outcome))
          ? this.error
          : this.ok;
    if (this.exemplars) series.observeSampled(seconds);
    else series.observe(seconds);
  }
}

// Constants every TimedProbe shares, kept on its prototype: an own field each would cost 8 bytes per decorated method.
Object.assign(TimedProbe.prototype, { decorator: 'Timed', needsStartTime: true, needsEndTime: true, kind: 'time', begin: nothingToBegin });

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
 * the Prometheus clients' default buckets, `DEFAULT_BUCKETS`). With `name`, writes that histogram with only the static
 * `labels`; `buckets` sets its bounds, `{ type: 'summary' }` makes it a summary, `nativeHistogram`
 * a Prometheus native histogram (with `mode: 'both'`, classic buckets alongside). Writes take
 * exemplars from the active trace (`exemplars: false` for none).
 *
 * @example
 * @Timed({ name: 'example_app_latency_seconds', buckets: [0.01, 0.1, 0.5, 1, 5] })
 * @Timed({ name: 'checkout_duration_seconds', nativeHistogram: { mode: 'both' } })
 */
export function Timed<const L extends string = never, F extends LabelsFrom<L> = LabelsFrom<L>>(options?: TimedOptions<L, F>): InstrumentDecorator {
  return createDecorator({
    decorator: 'Timed',
    functionName: options?.method,
    validate(where) {
      const isFailure = outcomeClassifier(where, options);
      // Summaries take none: OpenMetrics has no exemplars for them.
      const exemplars = exemplarsWanted(where, options) && options?.type !== 'summary';
      const defaults = {
        name: 'method_duration_seconds',
        help: 'Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
        outcomeLabels: ['result'],
        namedHelp: 'Call durations in seconds measured by @Timed.',
      };
      let metric;
      if (options?.type === 'summary') {
        if ((options as { nativeHistogram?: unknown }).nativeHistogram !== undefined) {
          throw new DecoratorMisuseError('Timed', where.place, 'nativeHistogram is an option of histograms, not of summaries', "Leave out type: 'summary' to record a native histogram, or leave out nativeHistogram");
        }
        const summary = {
          percentiles: [...(options.percentiles ?? [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999])],
          maxAgeSeconds: options.maxAgeSeconds,
          ageBuckets: slidingWindowAgeBuckets(where.place, options),
        };
        const bad = summary.percentiles.find((q) => typeof q !== 'number' || !(q > 0 && q < 1));
        if (bad !== undefined) throw new DecoratorMisuseError('Timed', where.place, `percentile ${bad} is not between 0 and 1`, 'Pass percentiles such as [0.5, 0.9, 0.99]');
        metric = declareSiteMetric<SummaryFamily>(where, options, { ...defaults, kind: 'summary' }, { summary });
      } else {
        const buckets = [...(options?.buckets ?? DEFAULT_BUCKETS)];
        const problem = bucketsProblem(buckets);
        if (problem !== undefined) throw new DecoratorMisuseError('Timed', where.place, problem, 'Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]');
        if (buckets[buckets.length - 1] === Infinity) buckets.pop(); // +Inf is always there
        const native = nativeHistogramOf(options?.nativeHistogram, options?.buckets !== undefined, (problem, fix) => new DecoratorMisuseError('Timed', where.place, problem, fix));
        metric =
          native === undefined
            ? declareSiteMetric<HistogramFamily>(where, options, { ...defaults, kind: 'histogram' }, { buckets })
            : declareSiteMetric<NativeHistogramFamily>(where, options, { ...defaults, kind: 'native-histogram' }, { buckets, native });
      }
      const declared = metric;
      return {
        build(site) {
          const { description, chooser } = declared.at(site);
          return { probe: new TimedProbe(chooser as unknown as SeriesChooser<TimedSeries>, declared.named, isFailure, exemplars), metric: description };
        },
      };
    },
  });
}
