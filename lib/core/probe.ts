import type { CountSeries, NumberSeries, ObservedSeries } from '../metrics/series.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method at all may be decorated: its parameters and result are the user's
export type AnyFunction = (...args: any[]) => any;

/**
 * Every signal is a probe with a begin/end shape: the wrapper calls `begin` when a call
 * starts and `end` exactly once when it completes (returned, threw, its promise settled or
 * its generator finished). Probes never read the clock, touch promises or iterators, or
 * call the user's method: the wrapper hands them the times it read and the outcome.
 */
/**
 * A signal with static labels, as plain arithmetic the wrapper runs itself: no probe call per
 * call, so V8 inlines all of it and no clock value is boxed into a heap number.
 */
export type PlainSignal =
  /** `exemplars`: whether the writes take exemplars from the active trace (when one is due). */
  | { kind: 'count'; ok: CountSeries; error: CountSeries; exemplars: boolean }
  | { kind: 'time'; ok: ObservedSeries; error: ObservedSeries; exemplars: boolean }
  | { kind: 'inProgress'; series: NumberSeries }
  | { kind: 'stampCall'; series: NumberSeries }
  | { kind: 'stampSuccess'; series: NumberSeries };

export interface Probe {
  /** The decorator that made the probe ("Counted"), for warnings and class-level overrides. */
  readonly decorator: string;
  /** Whether `begin`/`end` need `startMs` (a clock read when the call starts). */
  readonly needsStartTime: boolean;
  /** Whether `end` needs `endMs` (a clock read when the call completes). */
  readonly needsEndTime: boolean;
  /** Whether the probe computes labels from the call, and so needs a `CallInfo`. */
  readonly needsCall: boolean;
  /** When set, the wrapper does this arithmetic itself and never calls `begin`/`end`. */
  readonly plain?: PlainSignal;
  /** When true, `end` is only called for failed calls (and `begin` never). */
  readonly onlyOnFailure?: boolean;
  /**
   * A counter with one label computed when the call completes, offered for the wrapper to run
   * itself when it is the method's only probe: a completed call then costs the label function and
   * a map read, with no call record kept (see ComputedCount). `end` still does the same for every
   * call the wrapper does not finish itself (failures, promises, generators).
   */
  readonly computedCount?: ComputedCount;
  /**
   * @param startMs `performance.now()` at call start, or 0 when no probe needed it
   * @param call the call's arguments and instance, only when some probe `needsCall`
   * @returns a token handed back to `end` for this call (e.g. the series chosen at start)
   */
  begin(startMs: number, call: CallInfo | undefined): unknown;
  /**
   * @param endMs `performance.now()` at completion, or 0 when no probe needed it
   * @param failed whether the call threw or its promise rejected (or its iteration threw)
   * @param outcome the thrown value when failed, else the returned (or resolved) value
   * @param token what `begin` returned for this call, when a `call` is given
   */
  end(startMs: number, endMs: number, failed: boolean, outcome: unknown, call: CallInfo | undefined, token: unknown): void;
  /**
   * For a probe that holds something between `begin` and `end` (a computed-label in-progress
   * series): gives it back for a call that will never end (a generator collected unfinished).
   * Probes without it record nothing for such a call.
   */
  abandon?(call: CallInfo | undefined, token: unknown): void;
}

/** What a label function sees of a call. */
export interface CallInfo<Args extends unknown[] = unknown[], Instance = unknown, Result = unknown> {
  /** The arguments the method was called with. */
  readonly args: Args;
  /** `this` of the call (the class for a static method, undefined for a plain function called bare). */
  readonly instance: Instance;
  /** What the call returned (its promise resolved with); undefined before completion and when it failed. */
  result: Awaited<Result> | undefined;
  /** What the call threw (its promise rejected with); undefined when it did not fail. */
  error: unknown;
  /**
   * Whether the call threw, its promise rejected or its iteration threw: false before it
   * completes and when it succeeded. Tells a failure from a success even when the thrown
   * value is `undefined`.
   */
  failed: boolean;
}

/** The per-call record when labels are computed: the label function's view plus the probes' tokens (made on the first one). */
export interface CallRecord extends CallInfo {
  tokens: unknown[] | undefined;
}

/**
 * A counter whose single label `labelsFrom` computes from the completed call, split so that the
 * wrapper can run the known-series case in its own body (where V8 inlines the label function and
 * keeps the call info, the arguments and the returned labels off the heap): it reads
 * `labels[labelName]` once and hands the value to `series.known`, then to `series.choose` when
 * that gave nothing.
 */
export interface ComputedCount {
  readonly decorator: string;
  /** Whether the counter takes exemplars from the active trace (when one is due). */
  readonly exemplars: boolean;
  readonly labelName: string;
  readonly labelsFrom: (call: CallInfo) => unknown;
  readonly series: ComputedSeries;
}

/** Finds the series of one computed label's value (metrics' SeriesChooser). */
export interface ComputedSeries {
  /** The series of this label value when it is a known one kept as given: a map read, no allocation. */
  known(value: unknown): CountSeries | undefined;
  /**
   * Every other case, exactly as a probe's own lookup does it: a number, a value to cut, a new
   * combination (capped), or a label function that misbehaved (throws the recording failure).
   * `value` is what was read from `labels`, which is not read again.
   */
  chooseOne(labels: unknown, value: unknown): CountSeries;
}

/** Where a decorator was applied. */
export interface CallSite {
  decorator: string;
  /**
   * The declaring class's name (for a static method, that class); "" for a plain function;
   * "?" while a standard method decorator's class is not known yet (see ProbeRecipe).
   */
  className: string;
  methodName: string;
  isStatic: boolean;
  /** "TreeService.countTrees" (or the function's name), for messages. */
  place: string;
}

/** The metric a probe writes, as `listInstrumented()` reports it. */
export interface MetricDescription {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  labelNames: string[];
  help: string;
  /** A named metric's static label values (empty for a default metric), to select one method's series. */
  staticLabels: Record<string, string>;
  /** `@LastCalled` only: whether it records calls or successes. */
  on?: 'call' | 'success';
  /** `@Timed` with `nativeHistogram` only: a native histogram, alone ('native') or with classic buckets alongside ('both'). */
  nativeHistogram?: 'native' | 'both';
}

/** What a decorator builds for one site: its probe and the metric it writes. */
export interface BuiltProbe {
  probe: Probe;
  metric: MetricDescription;
}

/**
 * A decorator's recipe, in two phases run once per site. `validate` checks the options and
 * declares the metric: misuse throws then, while the class is being defined. `build` creates
 * the site's series and its probe, once the declaring class is known: at once for legacy
 * decorators, plain functions and class-level use; later for a standard method decorator,
 * which is not told its class (see core/standard.ts).
 */
export interface ProbeRecipe {
  decorator: string;
  /** For a plain function: the `method` label to use instead of its name. */
  functionName?: string;
  validate(site: CallSite): ProbeBuilder;
}

/** A recipe whose options were checked: builds the probe for the site once its class is known. */
export interface ProbeBuilder {
  build(site: CallSite): BuiltProbe;
}
