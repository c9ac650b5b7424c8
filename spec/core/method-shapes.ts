/**
 * The four shapes every wrapper test runs over (describe.each): a method that returns, one
 * that throws, one whose promise resolves and one whose promise rejects.
 */
export interface MethodShape {
  title: string;
  isAsync: boolean;
  fails: boolean;
  /** The `result` label the call is counted under. */
  result: 'ok' | 'error';
  /** The decorated method's body: gives back `value` or fails with `error`, in this shape. */
  body(value: unknown, error: unknown): unknown;
}

export const METHOD_SHAPES: MethodShape[] = [
  { title: 'sync return', isAsync: false, fails: false, result: 'ok', body: (value) => value },
  {
    title: 'sync throw',
    isAsync: false,
    fails: true,
    result: 'error',
    body: (_value, error) => {
      throw error;
    },
  },
  { title: 'async resolve', isAsync: true, fails: false, result: 'ok', body: (value) => Promise.resolve(value) },
  { title: 'async reject', isAsync: true, fails: true, result: 'error', body: (_value, error) => Promise.reject(error) },
];

/** How a call ended, after its promise (if any) settled. */
export interface Settled {
  failed: boolean;
  /** The returned or resolved value, or the thrown or rejected error. */
  outcome: unknown;
  /** What the call itself returned (the promise for an async call). */
  returned: unknown;
}

/** Calls `call`, waits for a returned promise, and reports how it ended; never throws. */
export async function settle(call: () => unknown): Promise<Settled> {
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    return { failed: true, outcome: error, returned: undefined };
  }
  if (!(returned instanceof Promise)) return { failed: false, outcome: returned, returned };
  try {
    return { failed: false, outcome: await returned, returned };
  } catch (error) {
    return { failed: true, outcome: error, returned };
  }
}

/** A promise with its resolve and reject, to hold a call open while a test looks at the metrics. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
