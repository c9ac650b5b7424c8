import type { CallInfo } from '../core/probe.js';
import type { MetricFamily } from '../metrics/family.js';
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
}

/**
 * Picks the series a call writes to: resolved once when nothing is computed, otherwise from
 * the call's computed labels, looked up in a SeriesIndex by their values (the family's
 * series cap applies to new combinations).
 */
export class SeriesChooser<S extends { labels: LabelValues }> {
  private readonly index: SeriesIndex<S> | undefined;
  /** The values of the call being looked up; a re-entrant call (a getter that calls the method) gets its own. */
  private readonly values: string[];
  private busy = false;

  constructor(
    private readonly family: MetricFamily<S>,
    private readonly baseLabels: LabelValues,
    readonly computedNames: readonly string[],
    private readonly labelsFrom: ((call: CallInfo) => unknown) | undefined,
    private readonly place: string,
  ) {
    this.values = computedNames.map(() => '');
    this.index = labelsFrom === undefined || computedNames.length === 0 ? undefined : new SeriesIndex(computedNames.length);
  }

  /** Whether the series depends on the call. */
  get computed(): boolean {
    return this.labelsFrom !== undefined;
  }

  /** The series for the fixed labels plus `extra` (e.g. `result`). */
  fixed(extra?: LabelValues): S {
    return this.family.seriesFor(extra === undefined ? this.baseLabels : { ...this.baseLabels, ...extra });
  }

  /** The series for this call; throws (a recording failure) when the label function misbehaves. */
  choose(call: CallInfo): S {
    if (this.labelsFrom === undefined || this.index === undefined) return this.fixed();
    const computed = this.labelsFrom(call) as Record<string, unknown> | null;
    if (computed === null || typeof computed !== 'object') {
      throw new TypeError(`labelsFrom of ${this.place} returned ${computed === null ? 'null' : typeof computed} instead of an object of labels`);
    }
    const names = this.computedNames;
    const values = this.busy ? names.map(() => '') : this.values;
    this.busy = true;
    try {
      for (let i = 0; i < names.length; i++) {
        const value = computed[names[i]];
        if (typeof value === 'string') values[i] = value;
        else if (typeof value === 'number') values[i] = String(value);
        else throw new TypeError(`labelsFrom of ${this.place} gave label "${names[i]}" a ${value === null ? 'null' : typeof value} value; labels must be strings or numbers`);
      }
      const known = this.index.get(values);
      if (known !== undefined) return known;
      const labels: LabelValues = { ...this.baseLabels };
      for (let i = 0; i < names.length; i++) labels[names[i]] = values[i];
      const series = this.family.seriesFor(labels, names);
      if (!this.family.isOverflow(series)) this.index.set(values, series);
      return series;
    } finally {
      if (values === this.values) this.busy = false;
    }
  }
}
