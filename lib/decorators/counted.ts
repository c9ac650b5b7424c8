import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import { nothingToBegin } from '../core/instrumentation.js';
import type { CallInfo, ComputedCount, PlainSignal, Probe } from '../core/probe.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import type { ComputedLabelOptions, LabelsFrom, SeriesChooser } from './labels.js';
import { countWithExemplar } from '../exemplars/exemplar-slot.js';
import { declareSiteMetric, exemplarsWanted, outcomeClassifier, type ExemplarOption, type MetricOptions, type OutcomeOptions } from './metric-options.js';

export type CountedOptions<L extends string = never, F = LabelsFrom<L>> = MetricOptions & OutcomeOptions & ExemplarOption & ComputedLabelOptions<L, F>;

class CountedProbe implements Probe {
  declare readonly decorator: 'Counted';
  declare readonly needsStartTime: false;
  declare readonly needsEndTime: false;
  readonly needsCall: boolean;
  /** The probe is its own plain signal (no object of its own for it): `kind`, `ok` and `error`. */
  readonly plain: PlainSignal | undefined;
  declare readonly kind: 'count';
  readonly computedCount: ComputedCount | undefined;
  readonly ok: CounterSeries | undefined;
  readonly error: CounterSeries | undefined;
  /** Only with computed labels: static ones resolved their series once, here. */
  private readonly chooser: SeriesChooser<CounterSeries> | undefined;
  constructor(
    chooser: SeriesChooser<CounterSeries>,
    named: boolean,
    private readonly isFailure: ((failed: boolean, outcome: unknown) => boolean) | undefined,
    readonly exemplars: boolean,
  ) {
    this.needsCall = chooser.computed;
    this.chooser = chooser.computed ? chooser : undefined;
    if (!chooser.computed) {
      // Static labels: both series resolved (and exposed at 0) now, not per call.
      this.ok = named ? chooser.fixed() : chooser.fixed({ result: 'ok' });
      this.error = named ? this.ok : chooser.fixed({ result: 'error' });
      if (isFailure === undefined) this.plain = this as PlainSignal;
    } else if (chooser.computedNames.length === 1) {
      // A computed counter counts every call (computed labels need a named metric): one label's
      // known series can be found by the wrapper itself.
      this.computedCount = { decorator: this.decorator, exemplars, labelName: chooser.computedNames[0], labelsFrom: chooser.labelsFrom!, series: chooser };
    }
  }
  /** Nothing to do when a call starts: the wrapper skips it. */
  declare readonly begin: typeof nothingToBegin;
  end(_startMs: number, _endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined): void {
    const series =
      this.ok === undefined || this.error === undefined
        ? this.chooser!.choose(call as CallInfo)
        : (this.isFailure === undefined ? failed : this.isFailure(failed, outcome))
          ? this.error
          : this.ok;
    if (this.exemplars) countWithExemplar(series);
    else series.value++;
  }
}

// Constants every CountedProbe shares, kept on its prototype: an own field each would cost 8 bytes per decorated method.
Object.assign(CountedProbe.prototype, { decorator: 'Counted', needsStartTime: false, needsEndTime: false, kind: 'count', begin: nothingToBegin });

/**
 * Counts calls when they complete.
 *
 * Writes `method_calls_total` (counter; labels `class`, `method`, `result` = `ok` | `error`),
 * both series created at 0 when the class is defined; `errorIf`/`okIf` decide what counts as
 * an error. With `name`, writes that counter (`_total` appended when missing) with only the
 * static `labels` and the computed `labelNames`, counting every call.
 *
 * @example
 * class TreeService {
 *   @Counted() countTrees() { ... }  // method_calls_total{class="TreeService",method="countTrees",result="ok"}
 *   @Counted({ name: 'requests', labels: { endpoint: '/treecounter' } }) handle() { ... } // requests_total{endpoint="/treecounter"}
 * }
 */
export function Counted<const L extends string = never, F extends LabelsFrom<L> = LabelsFrom<L>>(options?: CountedOptions<L, F>): InstrumentDecorator {
  return createDecorator({
    decorator: 'Counted',
    functionName: options?.method,
    validate(where) {
      const isFailure = outcomeClassifier(where, options);
      const exemplars = exemplarsWanted(where, options);
      const metric = declareSiteMetric<CounterFamily>(where, options, {
        kind: 'counter',
        name: 'method_calls_total',
        help: 'Completed calls of instrumented methods, by class, method and result (ok or error).',
        outcomeLabels: ['result'],
        namedHelp: 'Calls counted by @Counted.',
      });
      return {
        build(site) {
          const { description, chooser } = metric.at(site);
          return { probe: new CountedProbe(chooser, metric.named, isFailure, exemplars), metric: description };
        },
      };
    },
  });
}
