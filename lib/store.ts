/**
 * Module state that every copy of the library in one process must share. An app can load
 * both builds (its own code imports the ESM one, a CommonJS dependency requires the other),
 * and jest or a hot reload can load a module twice: each copy finds the same store here,
 * under a key in the global symbol registry, so classes, wrappers and warnings are counted
 * once. The key carries a version: a copy with a different store layout keeps its own.
 * v3: an instrumentation keeps its wrapper and a version of its probes (core/wrap.ts), which a
 * copy with the v2 layout would neither set nor read.
 */
const STORE_KEY = Symbol.for('prom-decorators.store.v3');

export interface SharedStore {
  /** Warn-once keys already logged, and the logger the app installed with setLogger() (log.ts). */
  readonly warned: Set<string>;
  logger: unknown;
  /**
   * Classes with instrumented methods, and our wrappers of plain functions, in the order first
   * recorded (metadata.ts). Held weakly: a class a hot reload or a jest module reset declares
   * again, or a function wrapped per request, goes when nothing else holds it, and
   * `forgetInstrumented` then drops its reference. `instrumentedRefs` finds a target's own.
   */
  readonly instrumentedClasses: Set<WeakRef<object>>;
  readonly instrumentedFunctions: Set<WeakRef<object>>;
  readonly instrumentedRefs: WeakMap<object, WeakRef<object>>;
  readonly forgetInstrumented: FinalizationRegistry<WeakRef<object>>;
  /** Per-holder and per-standard-metadata instrumentation, classes' skipped methods (core). */
  readonly byHolder: WeakMap<object, Map<string | symbol, unknown>>;
  /** Standard decorators' class metadata object → instance and static members, by name. */
  readonly byMetadata: WeakMap<object, { readonly instance: Map<string | symbol, unknown>; readonly static: Map<string | symbol, unknown> }>;
  /** Legacy: the holder (prototype or constructor); standard: the metadata object, by instance and static member names. */
  readonly skipped: WeakMap<object, { readonly instance: Set<string | symbol>; readonly static: Set<string | symbol> }>;
  /** Our wrapper function → its instrumentation (core/wrap.ts). */
  readonly instrumentationOfWrapper: WeakMap<object, unknown>;
  /** Registries whose default process metrics were turned on, and their endpoint self-metrics. */
  readonly registriesWithDefaultMetrics: WeakSet<object>;
  readonly selfMetrics: WeakMap<object, unknown>;
  /** The cluster primary's scrape requests to its workers, and whether it listens for answers. */
  readonly cluster: { nextRequestId: number; readonly pending: Map<number, (message: never) => void>; listening: boolean };
}

type GlobalWithStore = typeof globalThis & { [STORE_KEY]?: SharedStore };

function createStore(): SharedStore {
  const instrumentedClasses = new Set<WeakRef<object>>();
  const instrumentedFunctions = new Set<WeakRef<object>>();
  return {
    warned: new Set(),
    logger: undefined,
    instrumentedClasses,
    instrumentedFunctions,
    instrumentedRefs: new WeakMap(),
    forgetInstrumented: new FinalizationRegistry((ref) => {
      instrumentedClasses.delete(ref);
      instrumentedFunctions.delete(ref);
    }),
    byHolder: new WeakMap(),
    byMetadata: new WeakMap(),
    skipped: new WeakMap(),
    instrumentationOfWrapper: new WeakMap(),
    registriesWithDefaultMetrics: new WeakSet(),
    selfMetrics: new WeakMap(),
    cluster: { nextRequestId: 0, pending: new Map(), listening: false },
  };
}

export const store: SharedStore = ((globalThis as GlobalWithStore)[STORE_KEY] ??= createStore());
