import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { Runtime } from './runtime.js';

/**
 * Each benchmark group runs in a fresh node process (forked from the compiled .js), so JIT
 * state, heap and registries of one group never colour another. The parent passes the
 * group's options as one JSON argument; the group answers with one IPC message, which
 * carries the node and client it actually ran on (bench/support/group-main.ts).
 */

/**
 * The young generation's size, fixed for every benchmark process. Left to itself, V8 grows
 * and shrinks the semi-spaces from what the process allocated so far, so the same code can
 * pay for many more scavenges in one process than in the next (the issue measured
 * hand-written five swinging between 1.5 and 2.9 µs). `npm run bench` checks the choice on
 * every full run (the heap-flags table of BENCHMARKS.md).
 */
export const HEAP_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

/** Where a group runs: which node binary, which Prometheus client, which heap flags. */
export interface Lane {
  /** Path of the node binary. */
  node: string;
  /** PROM_DECORATORS_CLIENT for the group: the client the library and the hand-written code both use. */
  client: '@prometheus-io/client' | 'prom-client';
  /** Defaults to HEAP_FLAGS. */
  heapFlags?: readonly string[];
}

interface GroupMessage {
  result?: unknown;
  runtime?: Runtime;
  error?: string;
}

/** What a group reported, and what it ran on. */
export type GroupAnswer<T> = T & { runtime: Runtime };

/** Runs `<tree>/bench/groups/<name>.js` in a fresh process with `--expose-gc` and the lane's heap flags. */
export function runGroup<T>(name: string, options: unknown, lane: Lane): Promise<GroupAnswer<T>> {
  const script = path.join(__dirname, '..', 'groups', `${name}.js`);
  return new Promise<GroupAnswer<T>>((resolve, reject) => {
    const child = fork(script, [JSON.stringify(options)], {
      execPath: lane.node,
      execArgv: ['--expose-gc', ...(lane.heapFlags ?? HEAP_FLAGS)],
      env: { ...process.env, PROM_DECORATORS_CLIENT: lane.client },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer: GroupMessage | undefined;
    child.on('message', (message: GroupMessage) => {
      answer = message;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.error !== undefined) reject(new Error(`benchmark group ${name} failed on ${lane.node}: ${answer.error}`));
      else if (answer?.runtime !== undefined && code === 0) resolve({ ...(answer.result as T), runtime: answer.runtime });
      else reject(new Error(`benchmark group ${name} exited with ${signal ?? `code ${code}`} on ${lane.node} before reporting`));
    });
  });
}
