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

/** What the wrapper does when a followed iteration ends, and when its iterator is dropped before it did. */
export interface IterationEnd {
  /** Called once when the iteration finishes: done, ended early by `return()`, or threw. */
  finish(failed: boolean, outcome: unknown): void;
  /** Called instead, from a later task, when the iterator was garbage-collected unfinished. */
  abandon(): void;
}

/**
 * Whether an iteration has ended, shared by the followed iterator's methods and the
 * finalization registry. It holds the wrapper's callbacks, never an iterator: a held value
 * that reached the followed iterator would keep it from ever being collected.
 */
class Iteration {
  finished = false;
  constructor(private readonly end: IterationEnd) {}

  settle(failed: boolean, outcome: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.end.finish(failed, outcome);
  }

  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.end.abandon();
  }
}

/**
 * Iterators dropped before they finished (`gen().next()` then forgotten, or never iterated):
 * their call is abandoned when the followed iterator is collected. The callback runs as a task
 * of its own, so it must never throw (that would be an uncaught exception).
 */
const dropped = new FinalizationRegistry<Iteration>((iteration) => {
  try {
    iteration.abandon();
  } catch {
    // abandon() records failures itself (Instrumentation.abandon); nothing may escape a finalizer.
  }
});

/**
 * An iterator that behaves like `inner` (same prototype, so `instanceof`, `Symbol.iterator`
 * and the string tag are unchanged; same steps, values and errors) and calls `end.finish`
 * exactly once: when a step is done (`finish(false, returnValue)`), when `return()` ends it
 * early, or when a step throws or rejects (`finish(true, error)`); or, when the iterator is
 * garbage-collected before any of these, `end.abandon()`. An async step in flight keeps the
 * iterator alive, so a pending `next()` whose iterator was dropped still finishes the call.
 */
export function followIterator<T extends object>(inner: T, kind: 'sync' | 'async', end: IterationEnd): T {
  const iteration = new Iteration(end);
  const followed = Object.create(Object.getPrototypeOf(inner)) as T;
  const methods = inner as unknown as Record<IteratorMethod, (...args: unknown[]) => Step | Promise<Step>>;
  for (const method of ITERATOR_METHODS) {
    const step = function (...args: unknown[]) {
      let result: Step | Promise<Step>;
      try {
        result = methods[method].apply(inner, args);
      } catch (error) {
        iteration.settle(true, error);
        throw error;
      }
      if (kind === 'async') {
        return (result as Promise<Step>).then(
          (settled) => {
            keepAlive(followed);
            if (settled.done) iteration.settle(false, settled.value);
            return settled;
          },
          (error: unknown) => {
            keepAlive(followed);
            iteration.settle(true, error);
            throw error;
          },
        );
      }
      if ((result as Step).done) iteration.settle(false, (result as Step).value);
      return result;
    };
    Object.defineProperty(followed, method, { value: step, writable: true, configurable: true, enumerable: false });
  }
  // Last: when anything above throws (a hostile prototype), the wrapper ends the call itself.
  dropped.register(followed, iteration);
  return followed;
}

/** Referenced from a pending step's reactions, so the iterator lives until the step settles. */
function keepAlive(_iterator: object): void {}
