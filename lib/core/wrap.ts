import { getOwnMetadata, getOwnMetadataKeys, defineMetadata } from '../metadata.js';
import type { Instrumentation } from './instrumentation.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/**
 * The only code that calls the user's function. It is invisible: same `this` and
 * arguments, the very value returned and the very error thrown; a sync function stays sync
 * (async is told from the returned value, never from the `async` keyword); a native
 * Promise (or subclass) is followed until it settles; other thenables are plain values,
 * because calling `.then` on a query builder would run the query.
 *
 * Hot path: no prom-client call, no label hashing, no allocation for a sync call (the
 * `arguments` object is only forwarded to `apply`, which V8 does without materialising it),
 * at most two clock reads (here and in `Instrumentation.end`).
 */
export function wrapFunction<F extends AnyFunction>(original: F, instrumentation: Instrumentation): F {
  const wrapper = function (this: unknown) {
    const startMs = instrumentation.needsStartTime ? performance.now() : 0;
    instrumentation.begin(startMs);
    let result: unknown;
    try {
      result = original.apply(this, arguments as unknown as unknown[]);
    } catch (error) {
      instrumentation.end(startMs, true, error);
      throw error;
    }
    if (result instanceof Promise) return instrumentation.follow(result, startMs);
    instrumentation.end(startMs, false, result);
    return result;
  };
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  // Decorators that keep reflect-metadata on the function object itself must still find it.
  for (const key of getOwnMetadataKeys(original)) defineMetadata(key, getOwnMetadata(key, original), wrapper);
  return wrapper as unknown as F;
}
