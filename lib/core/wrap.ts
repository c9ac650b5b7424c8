// The global `performance` object itself (so spies on performance.now() still see every read),
// without the global's accessor on each read: ~8 ns less per clock read on node 20.
import { performance } from 'node:perf_hooks';
import { getOwnMetadata, getOwnMetadataKeys, defineMetadata } from '../metadata.js';
import { store } from '../store.js';
import { followIterator, generatorKind } from './follow-iterator.js';
import type { Instrumentation } from './instrumentation.js';
import type { CallRecord } from './probe.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method at all may be decorated: its parameters and result are the user's
export type AnyFunction = (...args: any[]) => any;

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
 * Hot path: with static labels it must never call prom-client, hash labels, allocate for
 * a sync call (V8 elides the rest array, which only reaches `apply`), or read the clock
 * more than twice (here and in `Instrumentation.end`). The one allocation left is Node's:
 * on node 20 each `performance.now()` returns a fresh 16-byte heap number (bench/ measures it).
 */
export function wrapFunction<F extends AnyFunction>(original: F, instrumentation: Instrumentation): F {
  // Computed labels need the call's arguments in a record: that path is its own function, so
  // that `args` only ever reaches `apply` here and V8 never materialises it (56 B per call).
  const recorded = function (this: unknown, ...args: unknown[]) {
    const call: CallRecord = { args, instance: this, result: undefined, error: undefined, failed: false, tokens: [] };
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
  const wrapper = function (this: unknown, ...args: unknown[]) {
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
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  // Decorators that keep reflect-metadata on the function object itself must still find it.
  for (const key of getOwnMetadataKeys(original)) defineMetadata(key, getOwnMetadata(key, original), wrapper);
  instrumentationOfWrapper.set(wrapper, instrumentation);
  return wrapper as unknown as F;
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
