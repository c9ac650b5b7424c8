import type { CallInfo } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import { warnOnce } from '../log.js';
import { boundedLabelValue, MAX_LABEL_VALUE_LENGTH, type MetricFamily, type WriteMark } from '../metrics/family.js';
import { SeriesIndex } from '../metrics/series-index.js';
import type { LabelValue, LabelValues } from '../metrics/series.js';

/** Computes a call's labels from its arguments, instance and outcome. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the label function sees the call as the method has it, whatever its types
export type LabelsFrom<L extends string> = (call: CallInfo<any[], any, any>) => { [K in L]: LabelValue };

/**
 * Rejects, at compile time, a label function that returns a key not declared in
 * `labelNames` (TypeScript does not check excess keys of a returned object literal).
 */
export type OnlyDeclaredLabels<F, L extends string> = F extends (...args: never[]) => infer R
  ? [R] extends [never]
    ? F // a function that always throws returns no keys at all
    : Exclude<keyof R, L> extends never
      ? F
      : `label "${Exclude<keyof R, L> & string}" is not declared in labelNames`
  : F;

/** Labels computed per call, for a named metric. */
export interface ComputedLabelOptions<L extends string, F> {
  /** The names of the labels `labelsFrom` computes, checked when the class is defined. */
  labelNames?: readonly L[];
  /**
   * Computes those labels for each call from `{ args, instance, result, error, failed }`: when the
   * call completes (when it starts for @InProgress and @LastCalled on call). A function that
   * throws or returns something else than strings and numbers is a recording failure:
   * logged once, and the call goes on.
   */
  labelsFrom?: F & OnlyDeclaredLabels<F, L>;
  /** Cap on the series of the metric (default 1000); past it new combinations go to `__overflow__`. */
  maxSeries?: number;
  /**
   * Cap on the series this class and method add to the metric at run time, so one noisy method
   * cannot use up a metric it shares with others: past it, its new combinations go to
   * `__overflow__` (its fixed labels kept). Default: `maxSeries` (the metric's cap) for computed
   * labels; 100 error types for the default `method_exceptions_total` of @CountExceptions.
   */
  maxSeriesPerSite?: number;
  /**
   * Drops a series chosen at run time (from computed labels or error types) once it has not been
   * written for this many seconds: it leaves the scrape at the next collect after that, and
   * comes back from zero when written again. Default: never.
   */
  seriesTtlSeconds?: number;
}

/** The run-time series limits of one call site, checked. */
export interface SiteSeriesLimits {
  maxSeriesPerSite?: number;
  seriesTtlSeconds?: number;
}

/** Checks `maxSeriesPerSite` and `seriesTtlSeconds` when the class is defined. */
export function siteSeriesLimits(decorator: string, place: string, options: SiteSeriesLimits | undefined): SiteSeriesLimits {
  const { maxSeriesPerSite, seriesTtlSeconds } = options ?? {};
  if (maxSeriesPerSite !== undefined && !(Number.isInteger(maxSeriesPerSite) && maxSeriesPerSite > 0)) {
    throw new DecoratorMisuseError(decorator, place, `maxSeriesPerSite ${String(maxSeriesPerSite)} is not a positive integer`, 'Pass e.g. { maxSeriesPerSite: 100 }');
  }
  if (seriesTtlSeconds !== undefined && !(typeof seriesTtlSeconds === 'number' && seriesTtlSeconds > 0 && Number.isFinite(seriesTtlSeconds))) {
    throw new DecoratorMisuseError(decorator, place, `seriesTtlSeconds ${String(seriesTtlSeconds)} is not a positive number of seconds`, 'Pass e.g. { seriesTtlSeconds: 3600 }, or leave it out to keep series');
  }
  return { maxSeriesPerSite, seriesTtlSeconds };
}

/**
 * The label objects of the method being decorated, shared by the decorators stacked on it (they
 * are applied one after another): `{ class, method }`, and the same plus one outcome label
 * (`result: 'ok'` of @Counted and @Timed alike). Label objects are never written once made.
 */
let lastMethod: { className: string; methodName: string; labels: LabelValues; extended: Map<string, LabelValues> } | undefined;

/** `{ class, method }` of a default metric's site. */
export function methodLabels(className: string, methodName: string): LabelValues {
  if (lastMethod === undefined || lastMethod.className !== className || lastMethod.methodName !== methodName) {
    lastMethod = { className, methodName, labels: { class: className, method: methodName }, extended: new Map() };
  }
  return lastMethod.labels;
}

/** `{ ...base, ...extra }`, the same object again for the same method and one extra label. */
function extendedLabels(base: LabelValues, extra: LabelValues): LabelValues {
  const names = Object.keys(extra);
  if (lastMethod === undefined || base !== lastMethod.labels || names.length !== 1) return { ...base, ...extra };
  const key = `${names[0]}=${extra[names[0]]}`;
  let labels = lastMethod.extended.get(key);
  if (labels === undefined) lastMethod.extended.set(key, (labels = { ...base, ...extra }));
  return labels;
}

/** What the index remembers of a combination: its series, and how often this site wrote it (for the idle expiry). */
interface Chosen<S> extends WriteMark {
  readonly series: S;
}

/**
 * Picks the series a call writes to: resolved once when nothing is computed, otherwise from
 * the call's computed labels, looked up in a SeriesIndex by their values. New combinations
 * count against the site's cap and the family's; values longer than MAX_LABEL_VALUE_LENGTH
 * are cut. A known combination costs the lookup and an increment: no allocation, no clock.
 */
export class SeriesChooser<S extends { labels: LabelValues }> {
  private readonly index: SeriesIndex<Chosen<S>> | undefined;
  /** Combinations this site added (overflow excluded, dropped idle ones given back). */
  private added = 0;
  private readonly maxSeries: number;
  private readonly ttlSeconds: number | undefined;
  /** The values of the call being looked up; a re-entrant call (a getter that calls the method) gets its own. */
  private readonly values: string[];
  private busy = false;

  constructor(
    private readonly family: MetricFamily<S>,
    private readonly baseLabels: LabelValues,
    readonly computedNames: readonly string[],
    readonly labelsFrom: ((call: CallInfo) => unknown) | undefined,
    private readonly place: string,
    limits: SiteSeriesLimits = {},
  ) {
    this.values = computedNames.map(() => '');
    this.index = computedNames.length === 0 ? undefined : new SeriesIndex(computedNames.length);
    this.maxSeries = limits.maxSeriesPerSite ?? family.maxSeries;
    this.ttlSeconds = limits.seriesTtlSeconds;
  }

  /** Whether the series depends on the call. */
  get computed(): boolean {
    return this.labelsFrom !== undefined;
  }

  /** The series for the fixed labels plus `extra` (e.g. `result`). */
  fixed(extra?: LabelValues): S {
    return this.family.seriesFor(extra === undefined ? this.baseLabels : extendedLabels(this.baseLabels, extra));
  }

  /**
   * A series resolved up front for these computed values (an error class of `only`): remembered
   * like the others, but not counted against the site's cap and never dropped as idle.
   */
  resolveUpFront(computed: LabelValues): S {
    const series = this.fixed(computed);
    this.index?.set(
      this.computedNames.map((name) => computed[name]),
      { series, writes: 0 },
    );
    return series;
  }

  /** The series for this call; throws (a recording failure) when the label function misbehaves. */
  choose(call: CallInfo): S {
    if (this.labelsFrom === undefined || this.index === undefined) return this.fixed();
    return this.forComputed(this.labelsFrom(call));
  }

  /** The series for these computed label values (from labelsFrom, or @CountExceptions's error type). */
  forComputed(result: unknown): S {
    return this.forLabels(result, false, undefined);
  }

  /**
   * A single computed label's series when `value` is a known value kept as given: a map read, no
   * allocation, no clock. Undefined for anything else, which `chooseOne` then handles.
   */
  known(value: unknown): S | undefined {
    // No length check: a value longer than MAX_LABEL_VALUE_LENGTH is never a key (keys are cut).
    const index = this.index;
    if (typeof value !== 'string' || index === undefined || index.depth !== 1) return undefined;
    const known = index.getOne(value);
    if (known === undefined) return undefined;
    known.writes++;
    return known.series;
  }

  /** `forComputed` of `labels` for a single computed label whose value was already read from them. */
  chooseOne(labels: unknown, value: unknown): S {
    return this.forLabels(labels, true, value);
  }

  private forLabels(result: unknown, firstRead: boolean, firstValue: unknown): S {
    if (this.index === undefined) return this.fixed();
    const computed = result as Record<string, unknown> | null;
    if (computed === null || typeof computed !== 'object') {
      throw new TypeError(`labelsFrom of ${this.place} returned ${computed === null ? 'null' : typeof computed} instead of an object of labels`);
    }
    const names = this.computedNames;
    const values = this.busy ? names.map(() => '') : this.values;
    this.busy = true;
    try {
      for (let i = 0; i < names.length; i++) {
        const value = firstRead && i === 0 ? firstValue : computed[names[i]];
        if (typeof value === 'string') values[i] = value.length > MAX_LABEL_VALUE_LENGTH ? boundedLabelValue(value) : value;
        else if (typeof value === 'number') values[i] = String(value);
        else throw new TypeError(`labelsFrom of ${this.place} gave label "${names[i]}" a ${value === null ? 'null' : typeof value} value; labels must be strings or numbers`);
      }
      const known = this.index.get(values);
      if (known !== undefined) {
        known.writes++;
        return known.series;
      }
      return this.addCombination(this.index, values);
    } finally {
      if (values === this.values) this.busy = false;
    }
  }

  /** The miss path: a new combination, past the site's cap or the family's, goes to `__overflow__`. */
  private addCombination(index: SeriesIndex<Chosen<S>>, values: string[]): S {
    const names = this.computedNames;
    const labels: LabelValues = { ...this.baseLabels };
    for (let i = 0; i < names.length; i++) labels[names[i]] = values[i];
    // A full family says so itself (its own warning); a site's cap only bites while the family has room.
    if (this.added >= this.maxSeries && this.family.size < this.family.maxSeries) {
      warnOnce(
        `site-overflow:${this.family.name}:${this.place}`,
        `${this.place} reached its cap of ${this.maxSeries} series of metric "${this.family.name}"; its new label combinations are recorded with __overflow__ (raise it with the maxSeriesPerSite option, or compute labels with fewer distinct values)`,
      );
      return this.family.overflowFor(labels, names);
    }
    const series = this.family.seriesFor(labels, names);
    if (this.family.isOverflow(series)) return series;
    const chosen: Chosen<S> = { series, writes: 0 };
    index.set(values, chosen);
    this.added++;
    if (this.ttlSeconds === undefined) this.family.keepWhileUsed(series);
    else {
      const key = [...values];
      this.family.expireWhenIdle(series, chosen, this.ttlSeconds, () => {
        if (index.delete(key, chosen)) this.added--;
      });
    }
    return series;
  }
}
