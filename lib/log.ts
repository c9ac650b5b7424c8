import { store } from './store.js';

/**
 * Run-time problems are never thrown into the user's call: they are logged once per
 * distinct key, so a failing label function on a hot path cannot flood the log.
 */
const alreadyWarned = store.warned;

/** Logs `message` with console.warn the first time `key` is seen; later calls are silent. */
export function warnOnce(key: string, message: string, cause?: unknown): void {
  if (alreadyWarned.has(key)) return;
  alreadyWarned.add(key);
  if (cause === undefined) console.warn(`prom-decorators: ${message}`);
  else console.warn(`prom-decorators: ${message}`, cause);
}

/** Forgets what was warned, so a test can see the first warning again. */
export function resetWarnings(): void {
  alreadyWarned.clear();
}
