/**
 * When an exemplar is due. Reading the active span costs tens of nanoseconds, several times a
 * recording, so a series takes at most one exemplar per interval: an unref'd timer advances
 * a tick count, and the hot path compares the series' last tick with it, two integers, no
 * clock read. The timer runs only once something asked for exemplars.
 */
import { PromDecoratorsError } from '../errors.js';

/**
 * The longest interval accepted, in seconds: Node's timers take at most 2^31 - 1 ms. The same
 * bound as the endpoints' timeouts, written here so the decorators load no exposition code.
 */
const LONGEST_INTERVAL_SECONDS = 2_147_482;

/** Exemplar sampling, for the whole process. */
export interface ExemplarOptions {
  /** Attach exemplars from the active trace at all. Default true (when @opentelemetry/api is installed). */
  enabled?: boolean;
  /** At most one exemplar per series (per histogram bucket) per this many seconds. Default 1. */
  intervalSeconds?: number;
}

const DEFAULT_INTERVAL_SECONDS = 1;

/** The current tick (starts at 1, so a new series, whose last tick is 0, is due at once) and the wall-clock time it began. */
export const exemplarTicks = { now: 1, startedAtMs: Date.now(), enabled: true };

let timer: ReturnType<typeof setInterval> | undefined;
let intervalMs = DEFAULT_INTERVAL_SECONDS * 1000;

function advance(): void {
  exemplarTicks.now++;
  exemplarTicks.startedAtMs = Date.now();
}

/**
 * Starts the tick timer if it is not running: called when the first exemplar is due, so a
 * process whose instrumented code never runs (or has no @opentelemetry/api) runs no timer. A
 * fresh tick starts with it, so the first exemplars are not stamped with a stale tick time.
 */
export function startExemplarClock(): void {
  if (timer !== undefined || !exemplarTicks.enabled) return;
  advance();
  timer = setInterval(advance, intervalMs);
  timer.unref();
}

const WHERE = 'configureExemplars()';
const KNOWN = new Set(['enabled', 'intervalSeconds']);

function validate(options: ExemplarOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new PromDecoratorsError(WHERE, `options must be an object, not ${options === null ? 'null' : typeof options}`, 'Pass { intervalSeconds: 5 } or { enabled: false }.');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new PromDecoratorsError(WHERE, `unknown option "${key}"`, 'The options are enabled and intervalSeconds.');
  }
  if (options.enabled !== undefined && typeof options.enabled !== 'boolean') {
    throw new PromDecoratorsError(WHERE, `enabled must be true or false, not ${JSON.stringify(options.enabled)}`, 'Pass { enabled: false } to take no exemplars.');
  }
  const interval = options.intervalSeconds;
  if (interval !== undefined && (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0 || interval > LONGEST_INTERVAL_SECONDS)) {
    throw new PromDecoratorsError(
      WHERE,
      `intervalSeconds must be a number of seconds above 0 and at most ${LONGEST_INTERVAL_SECONDS}, not ${JSON.stringify(interval)}`,
      'Pass { intervalSeconds: 1 } (the default) or more.',
    );
  }
}

/** Sets the process-wide sampling; a new interval restarts the timer. */
export function configureExemplars(options: ExemplarOptions): void {
  validate(options);
  if (options.enabled !== undefined) exemplarTicks.enabled = options.enabled;
  if (options.intervalSeconds !== undefined) intervalMs = options.intervalSeconds * 1000;
  if (timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
  // What was sampled under the old settings does not hold back the new (startExemplarClock starts a fresh tick).
  if (exemplarTicks.enabled) startExemplarClock();
}
