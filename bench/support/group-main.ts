import { describeRuntime } from './runtime.js';

/**
 * The child side of a benchmark group (bench/support/group-process.ts starts it): its
 * options, its one answer to the parent, and full collections between rounds.
 */

interface GroupMessage {
  result?: unknown;
  runtime?: ReturnType<typeof describeRuntime>;
  error?: string;
}

/** In a group process: its options, as the parent passed them. */
export function groupOptions<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('a benchmark group is started by bench/methods.js, not directly');
  return JSON.parse(raw) as T;
}

/** In a group process: runs the group, reports its result (or its failure) to the parent, then lets the process end. */
export function runAsGroup(body: () => Promise<unknown>): void {
  if (typeof globalThis.gc !== 'function') throw new Error('benchmark groups need node --expose-gc');
  body().then(
    (result) => send({ result, runtime: describeRuntime() }),
    (error: unknown) => send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}

function send(message: GroupMessage): void {
  if (process.send === undefined) {
    console.log(JSON.stringify(message, null, 2));
    return;
  }
  process.send(message, () => process.disconnect());
}

/** A full garbage collection (groups run with --expose-gc). */
export function collectGarbage(): void {
  globalThis.gc!();
  globalThis.gc!();
}
