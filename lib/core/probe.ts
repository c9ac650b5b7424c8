/**
 * Every signal is a probe with a begin/end shape: the wrapper calls `begin` when a call
 * starts and `end` exactly once when it completes (returned, threw, its promise settled or
 * its generator finished). Probes never read the clock, touch promises or iterators, or
 * call the user's method: the wrapper hands them the times it read and the outcome.
 */
/** A number the wrapper writes directly: a counter's or gauge's series. */
export interface NumberCell {
  value: number;
}

/** A histogram series the wrapper observes directly (see `observe` in lib/metrics). */
export interface HistogramCell {
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A signal with static labels, as plain arithmetic the wrapper runs itself: no probe call per
 * call, so V8 inlines all of it and no clock value is boxed into a heap number.
 */
export type PlainSignal =
  | { kind: 'count'; ok: NumberCell; error: NumberCell }
  | { kind: 'time'; ok: HistogramCell; error: HistogramCell; bounds: readonly number[] }
  | { kind: 'inProgress'; cell: NumberCell }
  | { kind: 'stampCall'; cell: NumberCell }
  | { kind: 'stampSuccess'; cell: NumberCell };

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
}

/** The per-call record when labels are computed: the label function's view plus the probes' tokens. */
export interface CallRecord extends CallInfo {
  tokens: unknown[];
}

/** Where a decorator was applied, resolved once the declaring class is known. */
export interface CallSite {
  decorator: string;
  /** The declaring class's name (for a static method, that class); "" for a plain function. */
  className: string;
  methodName: string;
  isStatic: boolean;
  /** "TreeService.countTrees" (or the function's name), for messages. */
  place: string;
  /**
   * Standard decorators do not tell a method its class: at decoration time the recipe is
   * run with this set, to throw misuse errors then; it stops (throwing `VALIDATED`) before
   * creating any series, which waits for the class name.
   */
  validateOnly?: boolean;
}

/** Thrown by a recipe run with `validateOnly` once every option has been checked. */
export const VALIDATED = Symbol('prom-decorators.validated');

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
}

/** What a decorator builds for one site: its probe and the metric it writes. */
export interface BuiltProbe {
  probe: Probe;
  metric: MetricDescription;
}

/** A decorator's recipe: its name and how to build its probe once the site is known. */
export interface ProbeRecipe {
  decorator: string;
  build(site: CallSite): BuiltProbe;
  /** For a plain function: the `method` label to use instead of its name. */
  functionName?: string;
}
