import { createMethodDecorator, type MethodInstrumentDecorator } from '../core/decorate.js';
import type { Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import type { LabelValues } from '../metrics/family.js';
import { declareSiteMetric, type MetricOptions } from './metric-options.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass = abstract new (...args: any[]) => unknown;

export interface CountExceptionsOptions extends MetricOptions {
  /** Count only these errors: a list of error classes (matched with instanceof) or a predicate. */
  only?: readonly ErrorClass[] | ((error: unknown) => boolean);
}

/** The `error` label: the thrown value's constructor name, or `typeof` for a non-object. */
export function errorTypeName(error: unknown): string {
  if (error === null) return 'null';
  if (typeof error !== 'object' && typeof error !== 'function') return typeof error;
  const constructor = (error as { constructor?: { name?: unknown } }).constructor;
  return typeof constructor?.name === 'string' && constructor.name !== '' ? constructor.name : 'Object';
}

class CountExceptionsProbe implements Probe {
  readonly decorator = 'CountExceptions';
  readonly needsStartTime = false;
  readonly needsEndTime = false;
  constructor(
    private readonly counts: (error: unknown) => boolean,
    /** Named metric: its one series. Default metric: undefined, the series is chosen by error type. */
    private readonly namedSeries: CounterSeries | undefined,
    private readonly family: CounterFamily,
    private readonly baseLabels: LabelValues,
  ) {}
  begin(): void {}
  end(_startMs: number, _endMs: number, failed: boolean, outcome: unknown): void {
    if (!failed || !this.counts(outcome)) return;
    // Only failed calls reach here, so choosing the series by error type may allocate.
    const series = this.namedSeries ?? this.family.seriesFor({ ...this.baseLabels, error: errorTypeName(outcome) }, ['error']);
    series.value++;
  }
}

/**
 * Counts the errors a method throws, or its promise rejects with; the error is rethrown
 * untouched (Python's `count_exceptions`).
 *
 * Writes `method_exceptions_total` (counter; labels `class`, `method`, `error` = the error's
 * constructor name). With `name`, writes that counter with only the static `labels`; its
 * series starts at 0. `only` restricts what is counted (Python's `exception=`).
 *
 * @example
 * @CountExceptions({ name: 'example_app_exceptions', only: [TimeoutError] }) fetch() { ... }
 */
export function CountExceptions(options?: CountExceptionsOptions): MethodInstrumentDecorator {
  return createMethodDecorator('CountExceptions', (site) => {
    const counts = matcher(site.place, options?.only);
    const { family, baseLabels, named, description } = declareSiteMetric<CounterFamily>(site, options, {
      kind: 'counter',
      name: 'method_exceptions_total',
      help: 'Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
      outcomeLabels: ['error'],
      namedHelp: 'Errors counted by @CountExceptions.',
    });
    let namedSeries: CounterSeries | undefined;
    if (named) namedSeries = family.seriesFor(baseLabels);
    else if (Array.isArray(options?.only)) {
      // The error types are known up front: their series exist from the start.
      for (const errorClass of options.only) family.seriesFor({ ...baseLabels, error: errorClass.name });
    }
    return { probe: new CountExceptionsProbe(counts, namedSeries, family, baseLabels), metric: description };
  });
}

function matcher(place: string, only: CountExceptionsOptions['only']): (error: unknown) => boolean {
  if (only === undefined) return () => true;
  if (Array.isArray(only)) {
    if (only.some((candidate) => typeof candidate !== 'function')) {
      throw new DecoratorMisuseError('CountExceptions', place, 'only: every entry must be an error class', 'Pass only: [TypeError, MyError] or a predicate (error) => boolean');
    }
    return (error) => only.some((errorClass) => error instanceof errorClass);
  }
  if (typeof only === 'function') {
    // A lone error class is a function too: calling it as a predicate would count everything.
    const errorClass = only as unknown as ErrorClass;
    if (errorClass === Error || errorClass.prototype instanceof Error) return (error) => error instanceof errorClass;
    return only as (error: unknown) => boolean;
  }
  throw new DecoratorMisuseError('CountExceptions', place, 'only must be a list of error classes or a predicate', 'Pass only: [TypeError] or only: (error) => boolean');
}
