import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import type { CallInfo, PlainSignal, Probe } from '../core/probe.js';
import type { GaugeFamily, GaugeSeries } from '../metrics/gauge-family.js';
import type { ComputedLabelOptions, LabelsFrom, SeriesChooser } from './labels.js';
import { declareSiteMetric, type MetricOptions } from './metric-options.js';

export type InProgressOptions<L extends string = never, F = LabelsFrom<L>> = MetricOptions & ComputedLabelOptions<L, F>;

class InProgressProbe implements Probe {
  readonly decorator = 'InProgress';
  readonly needsStartTime = false;
  readonly needsEndTime = false;
  readonly needsCall: boolean;
  /** The probe is its own plain signal (no object of its own for it): `kind` and `series`. */
  readonly plain: PlainSignal | undefined;
  readonly kind = 'inProgress';
  readonly series: GaugeSeries | undefined;
  /** Only with computed labels: static ones resolved their series once, here. */
  private readonly chooser: SeriesChooser<GaugeSeries> | undefined;
  constructor(chooser: SeriesChooser<GaugeSeries>) {
    this.needsCall = chooser.computed;
    this.chooser = chooser.computed ? chooser : undefined;
    if (!chooser.computed) {
      this.series = chooser.fixed();
      this.plain = this as PlainSignal;
    }
  }
  /** Computed labels are taken when the call starts; the same series is handed back to `end`. */
  begin(_startMs: number, call: CallInfo | undefined): GaugeSeries {
    const series = this.series ?? this.chooser!.choose(call as CallInfo);
    series.value++;
    return series;
  }
  end(_startMs: number, _endMs: number, _failed: boolean, _outcome: unknown, call: CallInfo | undefined, token: unknown): void {
    const series = call === undefined ? this.series : (token as GaugeSeries | undefined);
    if (series !== undefined) series.value--; // undefined: begin failed, there is nothing to take back
  }
  /** A call that will never end (a generator collected unfinished): its series is given back, as at the end. */
  abandon(call: CallInfo | undefined, token: unknown): void {
    this.end(0, 0, false, undefined, call, token);
  }
}

/**
 * Counts calls currently running: +1 when a call starts, -1 exactly once when it completes
 * (returned, threw, its promise settled or its generator finished).
 *
 * Writes `method_in_progress` (gauge; labels `class`, `method`). With `name`, writes that
 * gauge with only the static `labels` and computed `labelNames` (computed when the call
 * starts) — Python's `track_inprogress`.
 *
 * @example
 * @InProgress({ name: 'app_request_inprogress' }) handle() { ... }
 */
export function InProgress<const L extends string = never, F extends LabelsFrom<L> = LabelsFrom<L>>(options?: InProgressOptions<L, F>): InstrumentDecorator {
  return createDecorator({
    decorator: 'InProgress',
    functionName: options?.method,
    validate(where) {
      const metric = declareSiteMetric<GaugeFamily>(where, options, {
        kind: 'gauge',
        name: 'method_in_progress',
        help: 'Calls of instrumented methods currently running, by class and method.',
        outcomeLabels: [],
        namedHelp: 'Calls in progress tracked by @InProgress.',
      });
      return {
        build(site) {
          const { chooser, description } = metric.at(site);
          return { probe: new InProgressProbe(chooser), metric: description };
        },
      };
    },
  });
}
