import { promisify } from 'node:util';
import { constants, gzip, type ZlibOptions } from 'node:zlib';
import { globalRegistry, isRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { warnOnce } from '../log.js';
import { checkAbsolutePath, checkOptionType, describeValue, rejectUnknownOptions, type OptionErrorFactory } from '../options-check.js';
import { clusterSource, type ClusterAggregationOptions } from './cluster.js';
import { registrySource, sharedCollections, type Collection, type SharedCollections } from './collect.js';
import { acceptsGzip, contentTypeOf, negotiateExposition } from './negotiate.js';
import { encodeCollection } from './protobuf/encode.js';
import { renderBody } from './render.js';
import type { OnSkipped } from './skips.js';
import { LONGEST_TIMEOUT_SECONDS } from './timers.js';
import { checkAuthorization, validateAuthOptions, type EndpointAuthOptions } from './security.js';
import { detachedSelfMetrics, selfMetricsFor, type SelfMetrics } from './self-metrics.js';

/** Options every way of serving the metrics shares: exposeMetrics, metricsHandler, Koa and Fastify. */
export interface MetricsEndpointOptions extends EndpointAuthOptions {
  /** The registry to serve. Default: the Prometheus client's global `register`. */
  registry?: MetricsRegistry;
  /**
   * The one path served; other paths answer 404 (or go to the next middleware). Default
   * `/metrics`. When a router already matched a route to this handler (`app.get('/x', ...)`
   * in Express, `router.get` in Koa), that route decides and `path` is not checked.
   */
  path?: string;
  /** gzip the body when the scraper accepts it (Prometheus always does). Default true. */
  compression?: boolean;
  /** Scrapes served at once; one more is answered 503. Default 10. */
  maxConcurrentScrapes?: number;
  /**
   * Collection time allowed before answering 503, at most 2147482 (about 24.8 days); Infinity
   * for none. Default 10. A scraper's `X-Prometheus-Scrape-Timeout-Seconds` can shorten it,
   * never lengthen it. A collection that times out is abandoned: the collectors that had not
   * answered are logged once each, and the next scrape collects afresh.
   */
  timeoutSeconds?: number;
  /**
   * A collector that throws or rejects: `'fail'` (default) answers 500 with a short text
   * body; `'continue'` serves every family that could be collected. Either way the failure
   * is logged once per metric and counted in `prom_decorators_collect_errors_total`.
   */
  onError?: 'fail' | 'continue';
  /**
   * Count scrapes in the served registry: `prom_decorators_scrapes_total{code}`,
   * `prom_decorators_scrapes_in_flight`, `prom_decorators_collect_errors_total`,
   * `prom_decorators_collect_timeouts_total`, `prom_decorators_exposition_skipped_total{reason}`.
   * Default true.
   */
  selfMetrics?: boolean;
  /**
   * In a node:cluster primary: serve the sum over the workers (each calls
   * `clusterWorkerMetrics()`) plus the primary's own registry. Default false.
   */
  cluster?: boolean | ClusterAggregationOptions;
}

/** A request as every adapter can describe it. */
export interface ScrapeRequest {
  method: string;
  /**
   * The request target as sent, path and query, as in `req.url` (Express: `req.originalUrl`).
   * Its path is compared as sent, never normalised, so it matches what the app's own routes
   * and auth middleware see.
   */
  url: string;
  header(name: string): string | undefined;
  /** A router matched this handler's route already, so the path is not checked. */
  routeMatched?: boolean;
}

export interface ScrapeResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** The body; for HEAD the adapter sends the headers (Content-Length included) without it. */
  body: Buffer;
}

/** Answers one request, or undefined when the path is not ours. Never rejects. */
export type ScrapeResponder = (request: ScrapeRequest) => Promise<ScrapeResponse | undefined>;

const ALLOW = 'GET, HEAD, OPTIONS';
/** zlib's thread pool, so compressing a large body does not stall the app's event loop. */
const gzipInBackground = promisify(gzip);
/**
 * zlib's fastest level. An exposition repeats its names and labels line after line, so level 1
 * already takes it to about 4.7 % of its size (level 6, zlib's default and Go promhttp's
 * choice, to 3.9 %) in a fifth of the time: 1.3 ms against 6.0 ms for 10,000 series (884 KB),
 * 10 ms against 59 ms for 100,000. A scrape's CPU is the app's; a few KB more on the wire are
 * nobody's. The larger chunks spare zlib round trips to the thread pool on large bodies.
 */
const GZIP_OPTIONS: ZlibOptions = { level: constants.Z_BEST_SPEED, chunkSize: 64 * 1024 };

/**
 * The one request-handling code path behind exposeMetrics, metricsHandler, Koa, Fastify, Hono
 * and Nest. Checks `options` first (see checkEndpointOptions); `ownOptions` are the keys the
 * caller's options may hold besides the endpoint's (Fastify's register options).
 */
export function createScrapeResponder(options: MetricsEndpointOptions, where: string, ownOptions: readonly string[] = []): ScrapeResponder {
  const settings = checkEndpointOptions(options, where, ownOptions);
  const registry = options.registry ?? globalRegistry;
  const self: SelfMetrics = options.selfMetrics === false ? detachedSelfMetrics() : selfMetricsFor(registry);
  const source: SharedCollections = sharedCollections(
    options.cluster ? clusterSource(registry, options.cluster === true ? {} : options.cluster, self, where) : registrySource(registry),
  );
  const countSkipped: OnSkipped = (reason) => self.skipped.inc({ reason });
  let inFlight = 0;

  const answer = (response: ScrapeResponse): ScrapeResponse => {
    self.scrapes.inc({ code: String(response.status) });
    return response;
  };

  return async (request) => {
    try {
      const { path, query } = splitTarget(request.url);
      // The path as sent, exactly: a normalised one (/x/../metrics) would pass auth middleware mounted on the raw path.
      if (request.routeMatched !== true && path !== settings.path) return undefined;
      const method = request.method.toUpperCase();
      if (method === 'OPTIONS') return answer({ status: 204, headers: { Allow: ALLOW, 'Cache-Control': 'no-store' }, body: Buffer.alloc(0) });
      if (method !== 'GET' && method !== 'HEAD') return answer(plain(405, 'Method Not Allowed', { Allow: ALLOW }));
      const rejection = checkAuthorization(options, request.header('authorization'));
      if (rejection !== undefined) return answer(plain(401, 'Unauthorized', { 'WWW-Authenticate': rejection.challenges }));
      if (inFlight >= settings.maxConcurrentScrapes) {
        return answer(plain(503, `Too many concurrent scrapes (limit ${settings.maxConcurrentScrapes})`));
      }
      inFlight++;
      self.inFlight.inc();
      try {
        return answer(await scrape(request, query));
      } finally {
        inFlight--;
        self.inFlight.dec();
      }
    } catch (error) {
      warnOnce('scrape-failed', 'serving a scrape failed unexpectedly; answered 500', error);
      return answer(plain(500, 'Internal error while serving metrics'));
    }
  };

  async function scrape(request: ScrapeRequest, query: string): Promise<ScrapeResponse> {
    const requested = new URLSearchParams(query).getAll('name[]');
    const names = requested.length === 0 ? undefined : new Set(requested);
    const timeoutSeconds = effectiveTimeoutSeconds(settings.timeoutSeconds, request.header('x-prometheus-scrape-timeout-seconds'));
    const shared = source.join(names);
    const collection = await withTimeout(shared.result, timeoutSeconds * 1000);
    if (collection === undefined) {
      // Never let later scrapes join a collection that may never settle: they would all answer 503 until a restart.
      source.evict(shared);
      self.collectTimeouts.inc();
      const late = [...shared.pending].sort();
      if (late.length === 0) {
        warnOnce('collect-timeout', `collecting metrics took longer than ${timeoutSeconds}s; answered 503, and the next scrape collects afresh`);
      }
      for (const name of late) {
        warnOnce(`collect-timeout:${name}`, `collecting metric "${name}" had not answered after ${timeoutSeconds}s; answered 503, and the next scrape collects afresh`);
      }
      return plain(503, `Collecting metrics took longer than ${timeoutSeconds}s`);
    }
    if (collection.failures.length > 0) {
      self.collectErrors.inc(collection.failures.length);
      for (const failure of collection.failures) {
        warnOnce(`collect-failed:${failure.name}`, `collecting metric "${failure.name}" failed during a scrape`, failure.error);
      }
      if (settings.onError === 'fail') return plain(500, `Collecting metric "${collection.failures[0].name}" failed`);
    }
    const { format, escaping } = negotiateExposition(request.header('accept'));
    let body = format === 'protobuf' ? encodeCollection(collection, countSkipped) : renderBody(collection, format, countSkipped);
    const headers: Record<string, string | string[]> = {
      'Content-Type': contentTypeOf(format, escaping),
      Vary: 'Accept, Accept-Encoding',
      'Cache-Control': 'no-store',
    };
    if (settings.compression && acceptsGzip(request.header('accept-encoding'))) {
      body = await gzipInBackground(body, GZIP_OPTIONS);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = String(body.length);
    return { status: 200, headers, body };
  }
}

/** The configured timeout, shortened (never lengthened) by the scraper's own. */
export function effectiveTimeoutSeconds(configured: number, header: string | undefined): number {
  if (header === undefined) return configured;
  const fromScraper = Number(header);
  return Number.isFinite(fromScraper) && fromScraper > 0 ? Math.min(configured, fromScraper) : configured;
}

function withTimeout(collection: Promise<Collection>, timeoutMs: number): Promise<Collection | undefined> {
  if (!Number.isFinite(timeoutMs)) return collection;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined);
  });
  return Promise.race([collection, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * `http://host:port` before the path of an absolute-form target (what a client sends to a
 * proxy; servers must accept it). Only plain host characters: with a `\` or `@` in it, Node's
 * url.parse (which Express and Koa route by) would find a different path than this.
 */
const ABSOLUTE_FORM = /^https?:\/\/[A-Za-z0-9.:[\]-]+(?=[/?]|$)/i;

/** The path (as sent, never normalised) and the query of a request target. */
function splitTarget(target: string): { path: string; query: string } {
  const authority = ABSOLUTE_FORM.exec(target);
  const origin = authority === null ? target : target.slice(authority[0].length) || '/';
  const queryAt = origin.indexOf('?');
  return queryAt < 0 ? { path: origin, query: '' } : { path: origin.slice(0, queryAt), query: origin.slice(queryAt + 1) };
}

/**
 * A request target no server could route: not a path (`*`, `mailto:x`) or not a URL at all
 * (`//[`). A standalone server answers these 400, where other paths get 404.
 */
export function isBadRequestTarget(target: string): boolean {
  const { path } = splitTarget(target);
  if (!path.startsWith('/')) return true;
  try {
    new URL(target.startsWith('/') ? target : path, 'http://localhost');
    return false;
  } catch {
    return true;
  }
}

/** The answer to a path that is not the endpoint's, on a server of its own. */
export function notFound(target: string): ScrapeResponse {
  return isBadRequestTarget(target) ? plain(400, 'Bad Request') : plain(404, 'Not Found');
}

/** Error answers: short text, never compressed, never cached. */
function plain(status: number, text: string, extra: Record<string, string | string[]> = {}): ScrapeResponse {
  const body = Buffer.from(`${text}\n`, 'utf8');
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(body.length), ...extra },
    body,
  };
}

interface Settings {
  path: string;
  compression: boolean;
  maxConcurrentScrapes: number;
  timeoutSeconds: number;
  onError: 'fail' | 'continue';
}

/** Every option of MetricsEndpointOptions, once: an option added there and not here does not compile. */
const ENDPOINT_OPTION_KEYS: Record<keyof MetricsEndpointOptions, true> = {
  registry: true,
  path: true,
  compression: true,
  maxConcurrentScrapes: true,
  timeoutSeconds: true,
  onError: true,
  selfMetrics: true,
  cluster: true,
  basicAuth: true,
  bearerToken: true,
};

/** The options every way of serving the metrics takes, for an entry point that passes them on with options of its own. */
export const ENDPOINT_OPTIONS = Object.keys(ENDPOINT_OPTION_KEYS) as readonly (keyof MetricsEndpointOptions)[];

/** Only the endpoint's options of `options` (an entry point's own left out). */
export function endpointOptionsOf(options: MetricsEndpointOptions): MetricsEndpointOptions {
  const endpoint: Record<string, unknown> = {};
  for (const key of ENDPOINT_OPTIONS) if (options[key] !== undefined) endpoint[key] = options[key];
  return endpoint as MetricsEndpointOptions;
}

/**
 * Checks the endpoint's options where they are given, naming `where`: unknown ones (with the
 * option a typo was probably meant to be; `ownOptions` are the other options `where` takes),
 * values of the wrong type, a path that is not absolute, out-of-range numbers, empty secrets.
 */
export function checkEndpointOptions(options: MetricsEndpointOptions, where: string, ownOptions: readonly string[] = []): Settings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EndpointOptionsError(where, undefined, `options must be an object, got ${describeValue(options)}`, 'Pass { ... }, or nothing for the defaults.');
  }
  const makeError: OptionErrorFactory = (option, problem, fix) => new EndpointOptionsError(where, option, problem, fix);
  rejectUnknownOptions(where, options, [...ENDPOINT_OPTIONS, ...ownOptions], makeError);
  if (options.registry !== undefined && !isRegistry(options.registry)) {
    throw makeError('registry', `registry must be a Registry of the Prometheus client, got ${describeValue(options.registry)}`, 'Pass { registry: new Registry() }, or leave it out for the global register.');
  }
  const path = options.path ?? '/metrics';
  checkAbsolutePath(path, 'path', makeError, "Pass { path: '/metrics' }.");
  checkOptionType(options, 'compression', 'a boolean', makeError, 'Pass { compression: false } to never gzip, or leave it out.');
  checkOptionType(options, 'selfMetrics', 'a boolean', makeError, 'Pass { selfMetrics: false } to count no scrapes, or leave it out.');
  const { cluster } = options;
  if (cluster !== undefined && typeof cluster !== 'boolean' && (cluster === null || typeof cluster !== 'object' || Array.isArray(cluster))) {
    throw makeError('cluster', `cluster must be a boolean or an object, got ${describeValue(cluster)}`, 'Pass { cluster: true }, or { cluster: { workerTimeoutSeconds: 3 } }.');
  }
  checkOptionType(options, 'maxConcurrentScrapes', 'a number', makeError, 'Pass { maxConcurrentScrapes: 10 }.');
  const maxConcurrentScrapes = options.maxConcurrentScrapes ?? 10;
  if (!Number.isInteger(maxConcurrentScrapes) || maxConcurrentScrapes < 1) {
    throw makeError('maxConcurrentScrapes', `maxConcurrentScrapes ${maxConcurrentScrapes} must be a whole number of at least 1`, 'Pass { maxConcurrentScrapes: 10 }.');
  }
  checkOptionType(options, 'timeoutSeconds', 'a number', makeError, 'Pass { timeoutSeconds: 10 }.');
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  if (!(timeoutSeconds > 0) || (timeoutSeconds > LONGEST_TIMEOUT_SECONDS && timeoutSeconds !== Infinity)) {
    throw makeError(
      'timeoutSeconds',
      `timeoutSeconds ${timeoutSeconds} must be a number above 0 and at most ${LONGEST_TIMEOUT_SECONDS} (about 24.8 days; Infinity for none)`,
      'Pass { timeoutSeconds: 10 }.',
    );
  }
  const onError = options.onError ?? 'fail';
  if (onError !== 'fail' && onError !== 'continue') {
    throw makeError('onError', `onError ${JSON.stringify(onError)} is not 'fail' or 'continue'`, "Pass { onError: 'continue' } to serve what could be collected.");
  }
  const { basicAuth } = options as { basicAuth?: unknown };
  if (basicAuth !== undefined && (basicAuth === null || typeof basicAuth !== 'object' || Array.isArray(basicAuth))) {
    // Never the value itself: it may be the credentials.
    throw makeError('basicAuth', `basicAuth must be an object, got ${typeof basicAuth === 'string' ? 'a string' : describeValue(basicAuth)}`, "Pass { basicAuth: { username: 'prometheus', password: '<secret>' } }.");
  }
  validateAuthOptions(options, where);
  return { path, compression: options.compression !== false, maxConcurrentScrapes, timeoutSeconds, onError };
}
