import { createMethodDecorator, type MethodInstrumentDecorator } from '../core/decorate.js';
import type { Probe } from '../core/probe.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import { declareSiteMetric, type MetricOptions } from './metric-options.js';

export type CountedOptions = MetricOptions;

class CountedProbe implements Probe {
  readonly decorator = 'Counted';
  readonly needsStartTime = false;
  readonly needsEndTime = false;
  constructor(
    private readonly ok: CounterSeries,
    private readonly error: CounterSeries,
  ) {}
  begin(): void {}
  end(_startMs: number, _endMs: number, failed: boolean): void {
    if (failed) this.error.value++;
    else this.ok.value++;
  }
}

/**
 * Counts calls when they complete.
 *
 * Writes `method_calls_total` (counter; labels `class`, `method`, `result` = `ok` | `error`),
 * both series created at 0 when the class is defined. With `name`, writes that counter
 * (`_total` appended when missing) with only the static `labels`, counting every call.
 *
 * @example
 * class TreeService {
 *   @Counted() countTrees() { ... }                                   // method_calls_total{class="TreeService",method="countTrees",result="ok"}
 *   @Counted({ name: 'requests', labels: { endpoint: '/treecounter' } }) handle() { ... } // requests_total{endpoint="/treecounter"}
 * }
 */
export function Counted(options?: CountedOptions): MethodInstrumentDecorator {
  return createMethodDecorator('Counted', (site) => {
    const { family, baseLabels, named, description } = declareSiteMetric<CounterFamily>(site, options, {
      kind: 'counter',
      name: 'method_calls_total',
      help: 'Completed calls of instrumented methods, by class, method and result (ok or error).',
      outcomeLabels: ['result'],
      namedHelp: 'Calls counted by @Counted.',
    });
    const ok = family.seriesFor(named ? baseLabels : { ...baseLabels, result: 'ok' });
    const error = named ? ok : family.seriesFor({ ...baseLabels, result: 'error' });
    return { probe: new CountedProbe(ok, error), metric: description };
  });
}
