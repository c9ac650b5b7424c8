import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { warnOnce } from '../log.js';
import { clusterSource, type ClusterAggregationOptions } from './cluster.js';
import { registrySource, sharedCollections, type Collection, type SharedCollections } from './collect.js';
import { acceptsGzip, contentTypeOf, negotiateExposition } from './negotiate.js';
import { encodeCollection } from './protobuf/encode.js';
import { renderCollection, type OnSkipped } from './render.js';
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

/** The one request-handling code path behind exposeMetrics, metricsHandler, Koa and Fastify. */
export function createScrapeResponder(options: MetricsEndpointOptions, where: string): ScrapeResponder {
  const settings = validate(options, where);
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
    let body = format === 'protobuf' ? encodeCollection(collection, countSkipped) : Buffer.from(renderCollection(collection, format, countSkipped), 'utf8');
    const headers: Record<string, string | string[]> = {
      'Content-Type': contentTypeOf(format, escaping),
      Vary: 'Accept, Accept-Encoding',
      'Cache-Control': 'no-store',
    };
    if (settings.compression && acceptsGzip(request.header('accept-encoding'))) {
      body = await gzipInBackground(body);
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

function validate(options: MetricsEndpointOptions, where: string): Settings {
  const path = options.path ?? '/metrics';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new EndpointOptionsError(where, 'path', `path ${JSON.stringify(path)} must start with "/"`, "Pass { path: '/metrics' }.");
  }
  const maxConcurrentScrapes = options.maxConcurrentScrapes ?? 10;
  if (!Number.isInteger(maxConcurrentScrapes) || maxConcurrentScrapes < 1) {
    throw new EndpointOptionsError(where, 'maxConcurrentScrapes', `maxConcurrentScrapes ${maxConcurrentScrapes} must be a whole number of at least 1`, 'Pass { maxConcurrentScrapes: 10 }.');
  }
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0) || (timeoutSeconds > LONGEST_TIMEOUT_SECONDS && timeoutSeconds !== Infinity)) {
    throw new EndpointOptionsError(
      where,
      'timeoutSeconds',
      `timeoutSeconds ${timeoutSeconds} must be a number above 0 and at most ${LONGEST_TIMEOUT_SECONDS} (about 24.8 days; Infinity for none)`,
      'Pass { timeoutSeconds: 10 }.',
    );
  }
  const onError = options.onError ?? 'fail';
  if (onError !== 'fail' && onError !== 'continue') {
    throw new EndpointOptionsError(where, 'onError', `onError ${JSON.stringify(onError)} is not 'fail' or 'continue'`, "Pass { onError: 'continue' } to serve what could be collected.");
  }
  validateAuthOptions(options, where);
  return { path, compression: options.compression !== false, maxConcurrentScrapes, timeoutSeconds, onError };
}
