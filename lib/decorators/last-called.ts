import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import type { CallInfo, PlainSignal, Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import type { GaugeSeries, TimestampFamily } from '../metrics/gauge-family.js';
import type { ComputedLabelOptions, LabelsFrom, SeriesChooser } from './labels.js';
import { declareSiteMetric, outcomeClassifier, type MetricOptions, type OutcomeOptions } from './metric-options.js';

export type LastCalledOptions<L extends string = never, F = LabelsFrom<L>> = MetricOptions &
  OutcomeOptions &
  ComputedLabelOptions<L, F> & {
    /**
     * `'call'` (default): set when a call starts. `'success'`: set when a call completes
     * without error (see `errorIf`/`okIf`), the batch job's "last success" metric.
     */
    on?: 'call' | 'success';
  };

class LastCalledProbe implements Probe {
  readonly decorator = 'LastCalled';
  readonly needsStartTime: boolean;
  readonly needsEndTime: boolean;
  readonly needsCall: boolean;
  readonly series: GaugeSeries | undefined;
  /** The probe is its own plain signal (no object of its own for it): `kind` and `series`. */
  readonly kind: 'stampCall' | 'stampSuccess';
  /** Only with computed labels: static ones resolved their series once, here. */
  private readonly chooser: SeriesChooser<GaugeSeries> | undefined;
  constructor(
    chooser: SeriesChooser<GaugeSeries>,
    private readonly onSuccess: boolean,
    private readonly isFailure: ((failed: boolean, outcome: unknown) => boolean) | undefined,
  ) {
    this.needsStartTime = !onSuccess;
    this.needsEndTime = onSuccess;
    this.needsCall = chooser.computed;
    this.kind = onSuccess ? 'stampSuccess' : 'stampCall';
    this.chooser = chooser.computed ? chooser : undefined;
    if (!chooser.computed) {
      this.series = chooser.fixed();
      if (!onSuccess || isFailure === undefined) this.plain = this as PlainSignal;
    }
  }
  readonly plain: PlainSignal | undefined;
  // The series stores the monotonic time the wrapper already read; TimestampFamily turns it
  // into Unix seconds at collect time, so this costs no clock read of its own.
  begin(startMs: number, call: CallInfo | undefined): void {
    if (!this.onSuccess) (this.series ?? this.chooser!.choose(call as CallInfo)).value = startMs;
  }
  end(_startMs: number, endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined): void {
    if (!this.onSuccess) return;
    if (this.isFailure === undefined ? failed : this.isFailure(failed, outcome)) return;
    (this.series ?? this.chooser!.choose(call as CallInfo)).value = endMs;
  }
}

/**
 * Records the Unix time in seconds of the last call (Python's `set_to_current_time`).
 *
 * Writes `method_last_called_timestamp_seconds` (gauge; labels `class`, `method`), or with
 * `{ on: 'success' }` `method_last_success_timestamp_seconds`, set when a call completes
 * without error. With `name`, writes that gauge with only the static `labels` and computed
 * `labelNames`. A method never called reads 0.
 *
 * @example
 * @LastCalled({ on: 'success', name: 'backup_last_success_timestamp_seconds' }) runBackup() { ... }
 */
export function LastCalled<const L extends string = never, F extends LabelsFrom<L> = LabelsFrom<L>>(options?: LastCalledOptions<L, F>): InstrumentDecorator {
  return createDecorator({
    decorator: 'LastCalled',
    functionName: options?.method,
    validate(where) {
      const on = options?.on ?? 'call';
      if (on !== 'call' && on !== 'success') {
        throw new DecoratorMisuseError('LastCalled', where.place, `on: ${JSON.stringify(on)} is not known`, `Pass on: 'call' or on: 'success'`);
      }
      const onSuccess = on === 'success';
      // On 'call' the time is set as the call starts, before there is an outcome to judge.
      const judge = options?.errorIf !== undefined ? 'errorIf' : options?.okIf !== undefined ? 'okIf' : undefined;
      if (!onSuccess && judge !== undefined) {
        throw new DecoratorMisuseError('LastCalled', where.place, `${judge} has no effect with on: 'call' (the time is set when a call starts, before its outcome)`, `Pass on: 'success', or drop ${judge}`);
      }
      const isFailure = outcomeClassifier(where, options);
      const metric = declareSiteMetric<TimestampFamily>(where, options, {
        kind: 'timestamp',
        name: onSuccess ? 'method_last_success_timestamp_seconds' : 'method_last_called_timestamp_seconds',
        help: onSuccess
          ? 'Unix time in seconds when an instrumented method last completed without error, by class and method.'
          : 'Unix time in seconds when an instrumented method was last called, by class and method.',
        outcomeLabels: [],
        namedHelp: onSuccess ? 'Unix time in seconds of the last successful call, set by @LastCalled.' : 'Unix time in seconds of the last call, set by @LastCalled.',
      });
      return {
        build(site) {
          const { chooser, description } = metric.at(site);
          return { probe: new LastCalledProbe(chooser, onSuccess, isFailure), metric: { ...description, on } };
        },
      };
    },
  });
}
