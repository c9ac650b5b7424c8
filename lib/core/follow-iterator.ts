/**
 * Generators are measured until their iteration finishes, not until the generator object
 * is created (where Python's decorators stop the clock).
 */

/** 'sync' or 'async' for a generator object, undefined for anything else. */
export function generatorKind(value: object): 'sync' | 'async' | undefined {
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (tag === 'Generator') return 'sync';
  if (tag === 'AsyncGenerator') return 'async';
  return undefined;
}

type Step = IteratorResult<unknown, unknown>;
type IteratorMethod = 'next' | 'return' | 'throw';
const ITERATOR_METHODS: readonly IteratorMethod[] = ['next', 'return', 'throw'];

/**
 * An iterator that behaves like `inner` (same prototype, so `instanceof`, `Symbol.iterator`
 * and the string tag are unchanged; same steps, values and errors) and calls `finish`
 * exactly once: when a step is done (`finish(false, returnValue)`), when `return()` ends it
 * early, or when a step throws or rejects (`finish(true, error)`).
 */
export function followIterator<T extends object>(inner: T, kind: 'sync' | 'async', finish: (failed: boolean, outcome: unknown) => void): T {
  let finished = false;
  const settle = (failed: boolean, outcome: unknown) => {
    if (finished) return;
    finished = true;
    finish(failed, outcome);
  };
  const followed = Object.create(Object.getPrototypeOf(inner)) as T;
  const methods = inner as unknown as Record<IteratorMethod, (...args: unknown[]) => Step | Promise<Step>>;
  for (const method of ITERATOR_METHODS) {
    const step = function (...args: unknown[]) {
      let result: Step | Promise<Step>;
      try {
        result = methods[method].apply(inner, args);
      } catch (error) {
        settle(true, error);
        throw error;
      }
      if (kind === 'async') {
        return (result as Promise<Step>).then(
          (settled) => {
            if (settled.done) settle(false, settled.value);
            return settled;
          },
          (error: unknown) => {
            settle(true, error);
            throw error;
          },
        );
      }
      if ((result as Step).done) settle(false, (result as Step).value);
      return result;
    };
    Object.defineProperty(followed, method, { value: step, writable: true, configurable: true, enumerable: false });
  }
  return followed;
}
