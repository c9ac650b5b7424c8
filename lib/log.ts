import { store } from './store.js';

/**
 * Where the library's warnings go: `console` unless the app installs another with
 * setLogger(). pino, winston, bunyan and console all fit; `error` is optional.
 */
export interface Logger {
  warn(message: string, ...details: unknown[]): void;
  error?(message: string, ...details: unknown[]): void;
}

/**
 * Run-time problems are never thrown into the user's call: they are logged once per
 * distinct key, so a failing label function on a hot path cannot flood the log.
 */
const alreadyWarned = store.warned;
/** The warn-once key of "the installed logger threw", so a broken logger is reported once. */
const LOGGER_FAILED = 'log:logger-threw';

/**
 * Sends the library's warnings to `logger` instead of the console; `undefined` restores
 * the console. Kept in the shared store, so every copy of the library in the process uses it.
 *
 * @example
 * const log = pino();
 * setLogger({ warn: (message, cause) => log.warn({ err: cause }, message) });
 * setLogger({ warn() {} }); // silence them
 */
export function setLogger(logger: Logger | undefined): void {
  if (logger !== undefined) {
    const candidate = logger as Partial<Record<'warn' | 'error', unknown>> | null;
    const isObject = (typeof candidate === 'object' || typeof candidate === 'function') && candidate !== null;
    if (!isObject || typeof candidate.warn !== 'function' || (candidate.error !== undefined && typeof candidate.error !== 'function')) {
      throw new TypeError(
        `setLogger(): expected an object with a warn(message, ...details) function (and optionally error), got ${describeValue(logger)}. Pass console, a pino or winston logger, or undefined to restore the console.`,
      );
    }
  }
  store.logger = logger;
}

/** Logs `message` through the logger the first time `key` is seen; later calls are silent. */
export function warnOnce(key: string, message: string, cause?: unknown): void {
  if (alreadyWarned.has(key)) return;
  alreadyWarned.add(key);
  send('warn', message, cause);
}

/** Logs `message` through the logger's warn, every time. */
export function warn(message: string, cause?: unknown): void {
  send('warn', message, cause);
}

/** Misuse found too late to throw: through the logger's error when it has one, else its warn. */
export function logError(message: string, cause?: unknown): void {
  send('error', message, cause);
}

/** Forgets what was warned, so a test can see the first warning again. */
export function resetWarnings(): void {
  alreadyWarned.clear();
}

/** Logging must never break the caller: a logger that throws is reported once on the console, then ignored. */
function send(level: 'warn' | 'error', message: string, cause: unknown): void {
  const details: unknown[] = cause === undefined ? [] : [cause];
  // console is read at each call, so a test's spy on console.warn sees the message.
  const logger = (store.logger as Logger | undefined) ?? console;
  try {
    if (level === 'error' && typeof logger.error === 'function') logger.error(`prom-decorators: ${message}`, ...details);
    else logger.warn(`prom-decorators: ${message}`, ...details);
  } catch (failure) {
    if (logger === console || alreadyWarned.has(LOGGER_FAILED)) return;
    alreadyWarned.add(LOGGER_FAILED);
    try {
      console.warn(`prom-decorators: the logger given to setLogger() threw (later failures are ignored) on: ${message}`, failure);
    } catch {
      // Nowhere left to report it.
    }
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return typeof (value as { warn?: unknown }).warn === 'function' ? 'an object whose error is not a function' : 'an object without a warn function';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${JSON.stringify(value)}`;
}
