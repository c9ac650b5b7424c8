/**
 * The demo's load generator: concurrent workers send a weighted mix of every tutorial's
 * requests for a duration or a count, as fast as they can or at a set rate, with an
 * optional progress bar (requests, errors, rate) and a summary at the end. Used by
 * `npm run load` and by `npm run demo`'s built-in traffic.
 */
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import type { Random } from './tutorials/index.js';

export interface LoadOptions {
  /** Base URL of the demo app, e.g. `http://localhost:8000`. */
  target: string;
  /** Stop after this many seconds. */
  durationSeconds?: number;
  /** Stop after this many requests. Without either, runs until `signal` aborts. */
  requests?: number;
  /** Requests in flight at once, at most. Default 8. */
  concurrency?: number;
  /** Start at most this many requests per second. Default: as fast as `concurrency` allows. */
  ratePerSecond?: number;
  /** Draw a progress bar on stderr (when it is a terminal). Default false. */
  progress?: boolean;
  /** Stops the load at once; requests it cuts short are left out of the summary. */
  signal?: AbortSignal;
  random?: Random;
}

export interface RouteCount {
  requests: number;
  errors: number;
}

export interface LoadSummary {
  requests: number;
  /** Answers with status 500 or more, and requests that got no answer. */
  errors: number;
  seconds: number;
  ratePerSecond: number;
  /** By route pattern, e.g. `GET /add/<n>`. */
  byRoute: Record<string, RouteCount>;
  /** By status code; `failed` for requests that got no answer. */
  byStatus: Record<string, number>;
}

interface LoadRequest {
  route: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** The mix: weights roughly follow how often a real service would see each call. */
const MIX: [weight: number, make: (random: Random) => LoadRequest][] = [
  [10, () => ({ route: 'GET /', method: 'GET', path: '/' })],
  [5, () => ({ route: 'GET /about', method: 'GET', path: '/about' })],
  [25, () => ({ route: 'GET /example', method: 'GET', path: '/example' })],
  [14, () => ({ route: 'GET /treecounter', method: 'GET', path: '/treecounter' })],
  [8, (random) => ({ route: 'GET /add/<n>', method: 'GET', path: `/add/${Math.floor(random() * 10)}` })],
  [6, (random) => ({ route: 'GET /remove/<n>', method: 'GET', path: `/remove/${Math.floor(random() * 10)}` })],
  [5, () => ({ route: 'GET /repos/<user>/<repo>', method: 'GET', path: '/repos/prometheus/prometheus' })],
  [7, () => ({ route: 'GET /echo', method: 'GET', path: '/echo?message=hello' })],
  [5, () => ({ route: 'POST /echo', method: 'POST', path: '/echo', body: 'message=hello' })],
  [2, () => ({ route: 'GET /error', method: 'GET', path: '/error' })],
  [1, () => ({ route: 'POST /error', method: 'POST', path: '/error', body: 'message=boom' })],
  [12, () => ({ route: 'GET /jobs/run', method: 'GET', path: '/jobs/run' })],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0);

export function pickRequest(random: Random): LoadRequest {
  let left = random() * TOTAL_WEIGHT;
  for (const [weight, make] of MIX) {
    left -= weight;
    if (left < 0) return make(random);
  }
  return MIX[0][1](random);
}

export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const random = options.random ?? Math.random;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const started = performance.now();
  const deadline = options.durationSeconds === undefined ? Infinity : started + options.durationSeconds * 1000;
  const summary: LoadSummary = { requests: 0, errors: 0, seconds: 0, ratePerSecond: 0, byRoute: {}, byStatus: {} };
  let sent = 0;
  const more = () => !options.signal?.aborted && performance.now() < deadline && (options.requests === undefined || sent < options.requests);
  const waitTurn = pacer(options.ratePerSecond, started, deadline, options.signal);

  const bar = options.progress ? startProgress(options, summary, started) : undefined;
  const worker = async () => {
    while (more() && (await waitTurn()) && more()) {
      sent++;
      const next = pickRequest(random);
      const status = await send(agent, options.target, next, options.signal);
      if (status === undefined && options.signal?.aborted) break;
      summary.requests++;
      const failed = status === undefined || status >= 500;
      if (failed) summary.errors++;
      const route = (summary.byRoute[next.route] ??= { requests: 0, errors: 0 });
      route.requests++;
      if (failed) route.errors++;
      const key = status === undefined ? 'failed' : String(status);
      summary.byStatus[key] = (summary.byStatus[key] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
    summary.seconds = (performance.now() - started) / 1000;
    summary.ratePerSecond = summary.seconds > 0 ? summary.requests / summary.seconds : 0;
    bar?.stop();
  }
  return summary;
}

/**
 * Hands out start times `1 / ratePerSecond` apart, shared by all workers; resolves false
 * when the next start would fall after the deadline or the signal aborts the wait. A start
 * is never earlier than now, so a slow stretch is not made up for by a burst.
 */
function pacer(ratePerSecond: number | undefined, started: number, deadline: number, signal: AbortSignal | undefined): () => Promise<boolean> {
  if (ratePerSecond === undefined) return async () => true;
  const interval = 1000 / ratePerSecond;
  let nextStart = started;
  return async () => {
    const now = performance.now();
    const start = Math.max(nextStart, now);
    if (start >= deadline) return false;
    nextStart = start + interval;
    if (start > now) await sleep(start - now, undefined, { signal }).catch(() => undefined);
    return !signal?.aborted;
  };
}

/** One request; resolves with the status code, or undefined when no answer came. */
function send(agent: Agent, target: string, next: LoadRequest, signal: AbortSignal | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = httpRequest(new URL(next.path, target), { method: next.method, agent, timeout: 10_000, signal }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      // An answer cut off half-way (the stop signal, the server closing) is no answer.
      response.on('close', () => resolve(response.complete ? response.statusCode : undefined));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(undefined));
    request.end(next.body);
  });
}

function startProgress(options: LoadOptions, summary: LoadSummary, started: number): { stop(): void } {
  const byCount = options.requests !== undefined;
  const byTime = !byCount && options.durationSeconds !== undefined;
  const format = byCount || byTime
    ? 'load |{bar}| {percentage}% | {requests} requests | {errors} errors ({errorPercent}%) | {rate} req/s'
    : 'load | {elapsed}s | {requests} requests | {errors} errors ({errorPercent}%) | {rate} req/s | Ctrl-C stops';
  const bar = new SingleBar({ format, hideCursor: true, clearOnComplete: false, barsize: 24, etaBuffer: 50 });
  const total = byCount ? options.requests! : byTime ? Math.round(options.durationSeconds! * 10) : 1;
  const payload = () => {
    const seconds = (performance.now() - started) / 1000;
    return {
      requests: summary.requests,
      errors: summary.errors,
      errorPercent: summary.requests === 0 ? '0.0' : ((100 * summary.errors) / summary.requests).toFixed(1),
      rate: seconds > 0 ? (summary.requests / seconds).toFixed(0) : '0',
      elapsed: seconds.toFixed(0),
    };
  };
  const value = () => (byCount ? summary.requests : byTime ? Math.min(total, Math.round((performance.now() - started) / 100)) : 0);
  bar.start(total, 0, payload());
  const timer = setInterval(() => bar.update(value(), payload()), 200);
  return {
    stop() {
      clearInterval(timer);
      bar.update(value(), payload());
      bar.stop();
    },
  };
}

/** The end-of-run summary, as printed by `npm run load`. */
export function formatSummary(summary: LoadSummary): string {
  const percent = (part: number, whole: number) => (whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1));
  const routes = Object.entries(summary.byRoute).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(10, ...routes.map(([route]) => route.length));
  const lines = [
    `${summary.requests} requests in ${summary.seconds.toFixed(1)} s (${summary.ratePerSecond.toFixed(1)} req/s), ${summary.errors} errors (${percent(summary.errors, summary.requests)}%)`,
    '',
    `  ${'route'.padEnd(width)}  requests  errors`,
    ...routes.map(([route, count]) => `  ${route.padEnd(width)}  ${String(count.requests).padStart(8)}  ${String(count.errors).padStart(6)} (${percent(count.errors, count.requests)}%)`),
    '',
    `  status codes: ${Object.entries(summary.byStatus).sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${status}: ${count}`).join(', ')}`,
    '',
    'The errors are the tutorials\' injected failures (about 20% on /example, /error paths, job errors and timeouts).',
  ];
  return `${lines.join('\n')}\n`;
}
