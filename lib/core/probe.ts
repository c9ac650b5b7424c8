/**
 * Every signal is a probe with a begin/end shape: the wrapper calls `begin` when a call
 * starts and `end` exactly once when it completes (returned, threw, or its promise settled).
 * Probes never read the clock, touch promises or call the user's code: the wrapper hands
 * them the times it read and the outcome.
 */
export interface Probe {
  /** The decorator that made the probe, for warnings. */
  readonly decorator: string;
  /** Whether `begin`/`end` need `startMs` (a clock read when the call starts). */
  readonly needsStartTime: boolean;
  /** Whether `end` needs `endMs` (a clock read when the call completes). */
  readonly needsEndTime: boolean;
  begin(startMs: number): void;
  /**
   * @param startMs `performance.now()` at call start, or 0 when no probe needed it
   * @param endMs `performance.now()` at completion, or 0 when no probe needed it
   * @param failed whether the call threw or its promise rejected
   * @param outcome the thrown value when failed, else the returned (or resolved) value
   */
  end(startMs: number, endMs: number, failed: boolean, outcome: unknown): void;
}

/** Where a decorator was applied, resolved once when the class is defined. */
export interface CallSite {
  decorator: string;
  /** The declaring class's name (for a static method, that class). */
  className: string;
  methodName: string;
  isStatic: boolean;
  /** "TreeService.countTrees", for messages. */
  place: string;
}

/** The metric a probe writes, as `listInstrumented()` reports it. */
export interface MetricDescription {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  labelNames: string[];
  help: string;
}

/** What a decorator builds for one site: its probe and the metric it writes. */
export interface BuiltProbe {
  probe: Probe;
  metric: MetricDescription;
}
