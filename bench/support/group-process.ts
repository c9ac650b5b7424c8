import { fork } from 'node:child_process';
import * as path from 'node:path';

/**
 * Each benchmark group runs in a fresh node process (forked from the compiled .js), so JIT
 * state, heap and registries of one group never colour another. The parent passes the
 * group's options as one JSON argument; the group answers with one IPC message.
 */

interface GroupMessage {
  result?: unknown;
  error?: string;
}

/** Runs `.build/bench/groups/<name>.js` in a fresh process with `--expose-gc` and returns what it reports. */
export function runGroup<T>(name: string, options: unknown, extraNodeFlags: readonly string[] = []): Promise<T> {
  const script = path.join(__dirname, '..', 'groups', `${name}.js`);
  return new Promise<T>((resolve, reject) => {
    const child = fork(script, [JSON.stringify(options)], {
      execArgv: ['--expose-gc', ...extraNodeFlags],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer: GroupMessage | undefined;
    child.on('message', (message: GroupMessage) => {
      answer = message;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.error !== undefined) reject(new Error(`benchmark group ${name} failed: ${answer.error}`));
      else if (answer !== undefined && code === 0) resolve(answer.result as T);
      else reject(new Error(`benchmark group ${name} exited with ${signal ?? `code ${code}`} before reporting`));
    });
  });
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
    (result) => send({ result }),
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
