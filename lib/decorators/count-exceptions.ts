import { createDecorator, type InstrumentDecorator } from '../core/decorate.js';
import { nothingToBegin } from '../core/instrumentation.js';
import type { CallInfo, Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import { SeriesChooser, siteSeriesLimits, type ComputedLabelOptions, type LabelsFrom } from './labels.js';
import { countWithExemplar } from '../exemplars/exemplar-slot.js';
import { declareSiteMetric, exemplarsWanted, type ExemplarOption, type MetricOptions } from './metric-options.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any error class, whatever its constructor takes
type ErrorClass = abstract new (...args: any[]) => unknown;

export type CountExceptionsOptions<L extends string = never, F = LabelsFrom<L>> = MetricOptions &
  ExemplarOption &
  ComputedLabelOptions<L, F> & {
    /** Count only these errors: a list of error classes (matched with instanceof) or a predicate. */
    only?: ErrorFilter;
    /** Never count these errors (the opposite of `only`): error classes or a predicate. */
    ignore?: ErrorFilter;
  };

type ErrorFilter = readonly ErrorClass[] | ErrorClass | ((error: unknown) => boolean);

/** The error types one method may add to the shared `method_exceptions_total` before its new ones go to `__overflow__`. */
export const DEFAULT_ERROR_TYPES_PER_SITE = 100;

/**
 * The `error` label: the name of the thrown value's nearest named constructor up its
 * prototype chain (an anonymous `class extends Error {}` is `Error`), `Object` when none has
 * a name, or `typeof` for a non-object.
 */
export function errorTypeName(error: unknown): string {
  if (error === null) return 'null';
  if (typeof error !== 'object' && typeof error !== 'function') return typeof error;
  for (let holder: object | null = error as object; holder !== null; holder = Object.getPrototypeOf(holder) as object | null) {
    if (!Object.prototype.hasOwnProperty.call(holder, 'constructor')) continue;
    const name = (holder as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'Object';
}

class CountExceptionsProbe implements Probe {
  declare readonly decorator: 'CountExceptions';
  declare readonly needsStartTime: false;
  declare readonly needsEndTime: false;
  readonly needsCall: boolean;
  /** Only failed calls concern this probe: successful ones never call it. */
  declare readonly onlyOnFailure: true;
  constructor(
    private readonly counts: (error: unknown) => boolean,
    private readonly named: boolean,
    chooser: SeriesChooser<CounterSeries>,
    /** The default metric's series by error type, capped per class and method. */
    private readonly errorTypes: SeriesChooser<CounterSeries> | undefined,
    private readonly exemplars: boolean,
  ) {
    this.needsCall = chooser.computed;
    this.chooser = chooser.computed ? chooser : undefined;
    if (named && !chooser.computed) this.namedSeries = chooser.fixed();
  }
  /** Only with computed labels: static ones resolved their series once, here. */
  private readonly chooser: SeriesChooser<CounterSeries> | undefined;
  private readonly namedSeries: CounterSeries | undefined;
  /** Nothing to do when a call starts: the wrapper skips it. */
  declare readonly begin: typeof nothingToBegin;
  end(_startMs: number, _endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined): void {
    if (!failed || !this.counts(outcome)) return;
    // Only failed calls reach here, so choosing the series by error type may allocate.
    const series = this.named
      ? (this.namedSeries ?? this.chooser!.choose(call as CallInfo))
      : (this.errorTypes as SeriesChooser<CounterSeries>).forComputed({ error: errorTypeName(outcome) });
    if (this.exemplars) countWithExemplar(series);
    else series.value++;
  }
}

// Constants every CountExceptionsProbe shares, kept on its prototype: an own field each would cost 8 bytes per decorated method.
Object.assign(CountExceptionsProbe.prototype, { decorator: 'CountExceptions', needsStartTime: false, needsEndTime: false, onlyOnFailure: true, begin: nothingToBegin });

/**
 * Counts the errors a method throws, or its promise rejects with; the error is rethrown
 * untouched (Python's `count_exceptions`).
 *
 * Writes `method_exceptions_total` (counter; labels `class`, `method`, `error` = the error's
 * constructor name). With `name`, writes that counter with only the static `labels`; its
 * series starts at 0. `only` restricts what is counted (Python's `exception=`). Each method adds
 * at most `maxSeriesPerSite` error types (default 100) to the shared counter, its later new ones
 * under `error="__overflow__"`; `seriesTtlSeconds` drops error types idle that long.
 *
 * @example
 * @CountExceptions({ name: 'example_app_exceptions', only: [TimeoutError] }) fetch() { ... }
 */
export function CountExceptions<const L extends string = never, F extends LabelsFrom<L> = LabelsFrom<L>>(options?: CountExceptionsOptions<L, F>): InstrumentDecorator {
  return createDecorator({ decorator: 'CountExceptions', functionName: options?.method, validate: (where) => {
    const only = filterOf(where.place, 'only', options?.only);
    const ignore = filterOf(where.place, 'ignore', options?.ignore);
    const counts = countedErrors(only, ignore);
    const exemplars = exemplarsWanted(where, options);
    const metric = declareSiteMetric<CounterFamily>(where, options, {
      kind: 'counter',
      name: 'method_exceptions_total',
      help: 'Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
      outcomeLabels: ['error'],
      namedHelp: 'Errors counted by @CountExceptions.',
    });
    const { family, named } = metric;
    const limits = siteSeriesLimits('CountExceptions', where.place, options);
    return { build: (site) => {
    const { baseLabels, description, chooser } = metric.at(site);
    let errorTypes: SeriesChooser<CounterSeries> | undefined;
    if (!named) {
      errorTypes = new SeriesChooser(family, baseLabels, ERROR_LABEL, undefined, site.place, { maxSeriesPerSite: limits.maxSeriesPerSite ?? DEFAULT_ERROR_TYPES_PER_SITE, seriesTtlSeconds: limits.seriesTtlSeconds });
      // The error types are known up front: their series exist from the start, under the label their errors get.
      if (options?.only !== undefined && typeof options.only === 'function' && isErrorClass(options.only)) {
        errorTypes.resolveUpFront({ error: classLabel(options.only) });
      } else if (Array.isArray(options?.only)) {
        for (const errorClass of options.only as readonly ErrorClass[]) errorTypes.resolveUpFront({ error: classLabel(errorClass) });
      }
    }
    return { probe: new CountExceptionsProbe(counts, named, chooser as SeriesChooser<CounterSeries>, errorTypes, exemplars), metric: description };
    } };
  } });
}

/** The computed label of the default metric, shared by every site. */
const ERROR_LABEL: readonly string[] = ['error'];

/**
 * Whether an error is counted. Made here, not in the recipe: a closure made there would keep the
 * recipe's whole scope (the metric's declaration) alive for as long as the probe lives.
 */
function countedErrors(only: ((error: unknown) => boolean) | undefined, ignore: ((error: unknown) => boolean) | undefined): (error: unknown) => boolean {
  return (error) => (only === undefined || only(error)) && (ignore === undefined || !ignore(error));
}

/** The `error` label that instances of `errorClass` get. */
function classLabel(errorClass: ErrorClass): string {
  const prototype: unknown = errorClass.prototype;
  return typeof prototype === 'object' && prototype !== null ? errorTypeName(prototype) : errorClass.name;
}

function isErrorClass(value: unknown): value is ErrorClass {
  return value === Error || (typeof value === 'function' && (value as ErrorClass).prototype instanceof Error);
}

/** `only`/`ignore` as a predicate: a list of error classes, one error class, or a predicate. */
function filterOf(place: string, optionName: string, filter: ErrorFilter | undefined): ((error: unknown) => boolean) | undefined {
  if (filter === undefined) return undefined;
  if (Array.isArray(filter)) {
    if (filter.some((candidate) => typeof candidate !== 'function')) {
      throw new DecoratorMisuseError('CountExceptions', place, `${optionName}: every entry must be an error class`, `Pass ${optionName}: [TypeError, MyError] or a predicate (error) => boolean`);
    }
    return (error) => filter.some((errorClass: ErrorClass) => error instanceof errorClass);
  }
  // A lone error class is a function too: calling it as a predicate would match everything.
  if (isErrorClass(filter)) return (error) => error instanceof filter;
  if (typeof filter === 'function') return filter as (error: unknown) => boolean;
  throw new DecoratorMisuseError('CountExceptions', place, `${optionName} must be a list of error classes or a predicate`, `Pass ${optionName}: [TypeError] or ${optionName}: (error) => boolean`);
}
