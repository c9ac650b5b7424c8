// The global `performance` object itself (so spies on performance.now() still see every read),
// without the global's accessor on each read: ~8 ns less per clock read on node 20.
import { performance } from 'node:perf_hooks';
import { takeExemplar, ticks } from '../exemplars/exemplar-slot.js';
import { getOwnMetadata, getOwnMetadataKeys, defineMetadata } from '../metadata.js';
import { store } from '../store.js';
import { followIterator, generatorKind } from './follow-iterator.js';
import type { Instrumentation, PlainPlan } from './instrumentation.js';
import type { AnyFunction, CallRecord, ComputedCount } from './probe.js';

export type { AnyFunction } from './probe.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any class at all, whatever its constructor takes
export type AnyClass = abstract new (...args: any[]) => unknown;

/** Wrappers we made, so stacking finds the instrumentation to add to instead of wrapping again. */
const instrumentationOfWrapper = store.instrumentationOfWrapper as WeakMap<AnyFunction, Instrumentation>;

/** The instrumentation behind one of our wrappers, or undefined for any other function. */
export function instrumentationOf(fn: unknown): Instrumentation | undefined {
  return typeof fn === 'function' ? instrumentationOfWrapper.get(fn as AnyFunction) : undefined;
}

/**
 * The only code that calls the user's function. It is invisible: same `this` and
 * arguments, the very value returned and the very error thrown; a sync function stays sync
 * (async is told from the returned value, never from the `async` keyword); a native
 * Promise (or subclass) is followed until it settles; a generator until its iteration
 * finishes; other thenables are plain values, because calling `.then` on a query builder
 * would run the query.
 *
 * Returns the wrapper for the instrumentation's probes as they are now: see `currentWrapper`.
 */
export function wrapFunction<F extends AnyFunction>(original: F, instrumentation: Instrumentation): F {
  instrumentation.original ??= original;
  return currentWrapper(instrumentation) as F;
}

/**
 * The wrapper to install for the probes the instrumentation has now: the same function until
 * they change. Every decorated method would otherwise run one shared wrapper body, whose type
 * feedback then mixes every method and signal of the app, so V8 inlines nothing into it. So the
 * body is picked from three, each written once: straight-line code for static signals (at most
 * one of each kind), one computed-label counter alone, and the general path for the rest. Each
 * sees only methods of its own kind, and its closure holds the series themselves, which V8 folds
 * into a caller that it inlines the wrapper into. A wrapper made for an earlier version of the
 * probes (kept by a foreign decorator stacked between ours) defers to the current one.
 */
export function currentWrapper(instrumentation: Instrumentation): AnyFunction {
  const previous = instrumentation.wrapper;
  const version = instrumentation.version;
  if (previous !== undefined && instrumentation.wrapperVersion === version) return previous;
  const original = instrumentation.original as AnyFunction;
  const count = instrumentation.computedCount();
  const plan = count === undefined ? instrumentation.plainPlan() : undefined;
  let wrapper: AnyFunction;
  if (count !== undefined) wrapper = computedCountWrapper(original, instrumentation, version, count);
  else if (plan !== undefined) wrapper = plainWrapper(original, instrumentation, version, plan);
  else if (previous !== undefined && generalWrappers.has(previous)) {
    // The general path reads the probes as they are at each call: it never goes stale.
    instrumentation.wrapperVersion = version;
    return previous;
  } else {
    wrapper = generalWrapper(original, instrumentation);
    generalWrappers.add(wrapper);
  }
  dress(wrapper, original, previous);
  instrumentation.wrapper = wrapper;
  instrumentation.wrapperVersion = version;
  instrumentationOfWrapper.set(wrapper, instrumentation);
  // Stacking looks for the wrapper installed (the one it is handed or the class holds), never one
  // that was replaced: five decorators would otherwise leave five entries per method.
  if (previous !== undefined) instrumentationOfWrapper.delete(previous);
  return wrapper;
}

const generalWrappers = new WeakSet<AnyFunction>();

/** The original's name and length; reflect-metadata and properties foreign decorators put on the wrapper it replaces. */
function dress(wrapper: AnyFunction, original: AnyFunction, previous: AnyFunction | undefined): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  const source = previous ?? original;
  // Decorators that keep reflect-metadata on the function object itself must still find it.
  for (const key of getOwnMetadataKeys(source)) defineMetadata(key, getOwnMetadata(key, source), wrapper);
  if (previous === undefined) return;
  for (const key of Reflect.ownKeys(previous)) {
    if (key === 'name' || key === 'length' || key === 'prototype') continue;
    Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(previous, key)!);
  }
}

// The three bodies. Hot path: with static labels they must never call the client, hash labels,
// allocate for a sync call (V8 elides the rest array, which only reaches `apply`), or read the
// clock more than twice. On node 20 each `performance.now()` returns a fresh 16-byte heap number.
// The throw path of each is written out in it: a stack overflow leaves no room for one more call.

/**
 * Static signals only: the arithmetic of `Instrumentation.begin`/`end` for a successful sync
 * call, written out. Failures, promises and generators take the general `end`.
 */
function plainWrapper(original: AnyFunction, instrumentation: Instrumentation, version: number, plan: PlainPlan): AnyFunction {
  const { count, timer, inProgress, callStamp, successStamp } = plan;
  const { needsStartTime, needsEndTime } = instrumentation;
  const countExemplars = count !== undefined && count.exemplars;
  const timeExemplars = timer !== undefined && timer.exemplars;
  return function (this: unknown, ...args: unknown[]) {
    if (instrumentation.version !== version) return currentWrapper(instrumentation).apply(this, args);
    const startMs = needsStartTime ? performance.now() : 0;
    if (callStamp !== undefined) callStamp.value = startMs;
    // Last at start: if anything above throws (a stack overflow), the call is not counted as running.
    if (inProgress !== undefined) inProgress.value++;
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (error) {
      try {
        instrumentation.end(startMs, true, error, undefined);
      } catch {
        // End threw, so it took nothing back (its in-progress loop is its last statement): the
        // method overflowed the stack and end had no room left. This calls nothing, so it
        // cannot overflow again; the call's counts and timers may be lost, its in-progress is not.
        if (inProgress !== undefined) inProgress.value--;
      }
      throw error;
    }
    if (typeof result === 'object' && result !== null) {
      const kind = followedKind(result);
      if (kind !== undefined) return follow(instrumentation, startMs, result, kind, undefined);
    }
    const endMs = needsEndTime ? performance.now() : 0;
    if (count !== undefined) {
      const series = count.ok;
      series.value++;
      // An exemplar only when due: one compare of two integers otherwise (see exemplars/exemplar-slot.ts).
      if (countExemplars && series.exemplar.tick !== ticks.now) series.exemplar = takeExemplar(series.exemplar, 1);
    }
    if (timer !== undefined) {
      try {
        if (timeExemplars) timer.ok.observeSampled((endMs - startMs) / 1000);
        else timer.ok.observe((endMs - startMs) / 1000);
      } catch (failure) {
        // A summary hands its parked observations to the client's digest, which is not ours.
        instrumentation.recordingFailed('Timed', failure);
      }
    }
    if (successStamp !== undefined) successStamp.value = endMs;
    if (inProgress !== undefined) inProgress.value--;
    return result;
  };
}

/**
 * One counter with a label computed when the call completes, the method's only probe. For a
 * completed sync call the call info exists only for the label function: when V8 inlines this
 * wrapper into its caller, the label function is a constant it inlines too, and the call info,
 * the arguments array and the labels returned never reach the heap. `arguments` reaches `apply`
 * alone (forwarded, never built), the rest array only the call info.
 */
function computedCountWrapper(original: AnyFunction, instrumentation: Instrumentation, version: number, count: ComputedCount): AnyFunction {
  const { labelsFrom, labelName, decorator, series, exemplars } = count;
  return function (this: unknown, ...args: unknown[]) {
    // eslint-disable-next-line prefer-rest-params -- forwarded to apply as is, apart from the rest array the call info holds
    const forwarded = arguments as unknown as unknown[];
    if (instrumentation.version !== version) return currentWrapper(instrumentation).apply(this, forwarded);
    let result: unknown;
    try {
      result = original.apply(this, forwarded);
    } catch (error) {
      try {
        instrumentation.end(0, true, error, callRecord(args, this));
      } catch {
        // No stack left (see plainWrapper): nothing is held for this call.
      }
      throw error;
    }
    if (typeof result === 'object' && result !== null) {
      const kind = followedKind(result);
      if (kind !== undefined) return follow(instrumentation, 0, result, kind, callRecord(args, this));
    }
    try {
      const labels = labelsFrom({ args, instance: this, result, error: undefined, failed: false });
      const value = typeof labels === 'object' && labels !== null ? (labels as Record<string, unknown>)[labelName] : undefined;
      const chosen = series.known(value) ?? series.chooseOne(labels, value);
      chosen.value++;
      if (exemplars && chosen.exemplar.tick !== ticks.now) chosen.exemplar = takeExemplar(chosen.exemplar, 1);
    } catch (failure) {
      instrumentation.recordingFailed(decorator, failure);
    }
    return result;
  };
}

function callRecord(args: unknown[], instance: unknown): CallRecord {
  return { args, instance, result: undefined, error: undefined, failed: false, tokens: undefined };
}

/** Every other set of probes: they are read at each call, so this wrapper never goes stale. */
function generalWrapper(original: AnyFunction, instrumentation: Instrumentation): AnyFunction {
  // Computed labels need the call's arguments in a record: that path is its own function, so
  // that `args` only ever reaches `apply` here and V8 never materialises it (56 B per call).
  const recorded = function (this: unknown, ...args: unknown[]) {
    const call = callRecord(args, this);
    const startMs = instrumentation.needsStartTime ? performance.now() : 0;
    instrumentation.begin(startMs, call);
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (error) {
      try {
        instrumentation.end(startMs, true, error, call);
      } catch {
        // No stack left for end (the method overflowed it): see wrapper below.
        const inProgress = instrumentation.inProgress;
        for (let i = 0; i < inProgress.length; i++) inProgress[i].value--;
      }
      throw error;
    }
    return settle(instrumentation, startMs, result, call);
  };
  return function (this: unknown, ...args: unknown[]) {
    if (instrumentation.pending !== undefined) instrumentation.pending.resolve(this);
    if (instrumentation.needsCall) return recorded.apply(this, args);
    const startMs = instrumentation.needsStartTime ? performance.now() : 0;
    instrumentation.begin(startMs, undefined);
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (error) {
      try {
        instrumentation.end(startMs, true, error, undefined);
      } catch {
        // End threw, so it took nothing back (its in-progress loop is its last statement): the
        // method overflowed the stack and end had no room left. This loop calls nothing, so it
        // cannot overflow again; the call's counts and timers may be lost, its in-progress is not.
        const inProgress = instrumentation.inProgress;
        for (let i = 0; i < inProgress.length; i++) inProgress[i].value--;
      }
      throw error;
    }
    return settle(instrumentation, startMs, result, undefined);
  };
}

/** After the original returned: follows a promise or generator until it settles, else ends the call now. */
function settle(instrumentation: Instrumentation, startMs: number, result: unknown, call: CallRecord | undefined): unknown {
  if (typeof result === 'object' && result !== null) {
    const kind = followedKind(result);
    if (kind !== undefined) return follow(instrumentation, startMs, result, kind, call);
  }
  instrumentation.end(startMs, false, result, call);
  return result;
}

/** The built-in `then`, read once: a promise is followed only through it, never through a patched one. */
const promiseThen = Promise.prototype.then;

/**
 * What a returned object is to the wrapper. Never throws: a revoked Proxy, a throwing
 * `Symbol.toStringTag` getter or `then` getter, or a trap make it a plain value. A promise
 * whose `then` is not the built-in one (patched on it, or overridden by a subclass) is a
 * plain value too, like any other thenable: its `then` is never called.
 */
function followedKind(value: object): 'promise' | 'sync' | 'async' | undefined {
  try {
    if (value instanceof Promise) return value.then === promiseThen ? 'promise' : undefined;
    return generatorKind(value);
  } catch {
    return undefined;
  }
}

/** Follows a promise or generator; one that cannot be followed (a Proxy of a promise, a hostile species) is a plain value. */
function follow(instrumentation: Instrumentation, startMs: number, result: object, kind: 'promise' | 'sync' | 'async', call: CallRecord | undefined): unknown {
  try {
    if (kind === 'promise') return instrumentation.follow(result as Promise<unknown>, startMs, call, promiseThen);
    return followIterator(result, kind, {
      finish: (failed, outcome) => instrumentation.end(startMs, failed, outcome, call),
      abandon: () => instrumentation.abandon(call),
    });
  } catch {
    // Nothing was attached: the built-in then throws before it registers a reaction, and
    // followIterator before it registers the iterator for collection.
    instrumentation.end(startMs, false, result, call);
    return result;
  }
}
