import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { warnOnce } from '../log.js';
import { clusterSource, type ClusterAggregationOptions } from './cluster.js';
import { registrySource, sharedCollections, type Collection, type MetricsSource } from './collect.js';
import { acceptsGzip, contentTypeOf, negotiateExposition } from './negotiate.js';
import { renderCollection, type OnSkipped } from './render.js';
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
   * Collection time allowed before answering 503. Default 10. A scraper's
   * `X-Prometheus-Scrape-Timeout-Seconds` can shorten it, never lengthen it.
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
   * `prom_decorators_exposition_skipped_total{reason}`. Default true.
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
  /** Path and query, as in `req.url` (Express: `req.originalUrl`). */
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
  const source: MetricsSource = sharedCollections(
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
      const url = new URL(request.url, 'http://localhost');
      if (request.routeMatched !== true && url.pathname !== settings.path) return undefined;
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
        return answer(await scrape(request, url));
      } finally {
        inFlight--;
        self.inFlight.dec();
      }
    } catch (error) {
      warnOnce('scrape-failed', 'serving a scrape failed unexpectedly; answered 500', error);
      return answer(plain(500, 'Internal error while serving metrics'));
    }
  };

  async function scrape(request: ScrapeRequest, url: URL): Promise<ScrapeResponse> {
    const requested = url.searchParams.getAll('name[]');
    const names = requested.length === 0 ? undefined : new Set(requested);
    const timeoutMs = effectiveTimeoutSeconds(settings.timeoutSeconds, request.header('x-prometheus-scrape-timeout-seconds')) * 1000;
    const collection = await withTimeout(source.collect(names), timeoutMs);
    if (collection === undefined) return plain(503, `Collecting metrics took longer than ${timeoutMs / 1000}s`);
    if (collection.failures.length > 0) {
      self.collectErrors.inc(collection.failures.length);
      for (const failure of collection.failures) {
        warnOnce(`collect-failed:${failure.name}`, `collecting metric "${failure.name}" failed during a scrape`, failure.error);
      }
      if (settings.onError === 'fail') return plain(500, `Collecting metric "${collection.failures[0].name}" failed`);
    }
    const { format, escaping } = negotiateExposition(request.header('accept'));
    let body = Buffer.from(renderCollection(collection, format, countSkipped), 'utf8');
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
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0)) {
    throw new EndpointOptionsError(where, 'timeoutSeconds', `timeoutSeconds ${timeoutSeconds} must be a number above 0 (Infinity for none)`, 'Pass { timeoutSeconds: 10 }.');
  }
  const onError = options.onError ?? 'fail';
  if (onError !== 'fail' && onError !== 'continue') {
    throw new EndpointOptionsError(where, 'onError', `onError ${JSON.stringify(onError)} is not 'fail' or 'continue'`, "Pass { onError: 'continue' } to serve what could be collected.");
  }
  validateAuthOptions(options, where);
  return { path, compression: options.compression !== false, maxConcurrentScrapes, timeoutSeconds, onError };
}
