import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import { nothingToBegin } from '../core/instrumentation.js';
import type { CallInfo, PlainSignal, Probe } from '../core/probe.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import type { ComputedLabelOptions, LabelsFrom, SeriesChooser } from './labels.js';
import { declareSiteMetric, outcomeClassifier, type MetricOptions, type OutcomeOptions } from './metric-options.js';

export type CountedOptions<L extends string = never, F = LabelsFrom<L>> = MetricOptions & OutcomeOptions & ComputedLabelOptions<L, F>;

class CountedProbe implements Probe {
  readonly decorator = 'Counted';
  readonly needsStartTime = false;
  readonly needsEndTime = false;
  readonly needsCall: boolean;
  readonly plain: PlainSignal | undefined;
  private readonly ok: CounterSeries | undefined;
  private readonly error: CounterSeries | undefined;
  constructor(
    private readonly chooser: SeriesChooser<CounterSeries>,
    named: boolean,
    private readonly isFailure: ((failed: boolean, outcome: unknown) => boolean) | undefined,
  ) {
    this.needsCall = chooser.computed;
    if (!chooser.computed) {
      // Static labels: both series resolved (and exposed at 0) now, not per call.
      this.ok = named ? chooser.fixed() : chooser.fixed({ result: 'ok' });
      this.error = named ? this.ok : chooser.fixed({ result: 'error' });
      if (isFailure === undefined) this.plain = { kind: 'count', ok: this.ok, error: this.error };
    }
  }
  /** Nothing to do when a call starts: the wrapper skips it. */
  readonly begin = nothingToBegin;
  end(_startMs: number, _endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined): void {
    if (this.ok === undefined || this.error === undefined) {
      this.chooser.choose(call as CallInfo).value++;
      return;
    }
    if (this.isFailure === undefined ? failed : this.isFailure(failed, outcome)) this.error.value++;
    else this.ok.value++;
  }
}

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
          return { probe: new CountedProbe(chooser, metric.named, isFailure), metric: description };
        },
      };
    },
  });
}
