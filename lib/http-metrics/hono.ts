import type { ServerResponse } from 'node:http';
import type { LabelValue } from '../metrics/series.js';
import type { HonoContextLike } from './framework-types.js';
import { HttpMetricsRecorder } from './recorder.js';
import { resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions } from './options.js';

/**
 * Options of `honoHttpMetrics()`. `C` is Hono's `Context` when your callbacks name it
 * (`labelsFrom: (c: Context) => ...`); unannotated callbacks get the parts of it this library
 * describes itself, so the package needs no Hono types.
 */
export interface HonoHttpMetricsOptions<L extends string = never, R extends Record<L, LabelValue> = Record<L, LabelValue>, C extends HonoContextLike = HonoContextLike>
  extends CommonHttpMetricsOptions,
    HttpLabelOptions<L, [c: C], R> {
  /** Requests for which this returns true are not counted. */
  skip?: (c: C) => boolean;
  /**
   * The `route` label, read when the response ends. Default: the template of the route the
   * request was routed to (`/users/:id`, base paths of `app.route()` and `basePath()`
   * included): the handler that answered, or, when a middleware answered first (a 401 from an
   * auth middleware), the first handler the router matched after it. Requests no handler
   * matched are `__unmatched__`, also when a catch-all middleware (`app.use('*', ...)`,
   * `serveStatic`, this one) saw them.
   */
  route?: (c: C) => string | undefined;
}

const ADAPTER = 'honoHttpMetrics()';
/** The options Hono adds to the common ones. */
const HONO_OPTIONS = ['skip', 'route'];

/**
 * Hono middleware that counts and times every request by method, route template and status
 * code; add it first, with `app.use(honoHttpMetrics())`. Writes the same metrics as
 * `expressHttpMetrics()`: `http_requests_total`, `http_request_duration_seconds`,
 * `http_requests_in_flight` (and `http_response_size_bytes` with `responseSize`).
 *
 * On @hono/node-server it follows node's response, as the other adapters do: the duration runs
 * until the last byte is written, and a request whose client went away is counted once with
 * `status_code="0"`. On other runtimes (Bun, Deno, workers) it runs until the handlers have
 * given their response, and a request is counted as aborted when its `Request`'s signal aborts.
 *
 * @example
 * const app = new Hono();
 * app.use(honoHttpMetrics());
 * app.get('/users/:id', getUser);
 * app.get('/metrics', honoMetrics());
 * serve({ fetch: app.fetch, port: 3000 });
 */
export function honoHttpMetrics<const L extends string = never, R extends Record<L, LabelValue> = Record<L, LabelValue>, C extends HonoContextLike = HonoContextLike>(
  options: HonoHttpMetricsOptions<L, R, C> = {},
): (c: C, next: () => Promise<void>) => Promise<void> {
  const resolved = resolveCommonOptions(ADAPTER, options, HONO_OPTIONS);
  const labelsFrom = options.labelsFrom;
  const recorder = new HttpMetricsRecorder<C>(resolved, {
    adapter: ADAPTER,
    routeOf: options.route ?? honoRoute,
    skip: options.skip,
    contentLength: resolved.responseSizeBuckets === undefined ? undefined : contentLengthOf,
    extraLabels: labelsFrom === undefined ? undefined : (c) => labelsFrom(c),
  });
  return async function honoHttpMetricsMiddleware(c: C, next: () => Promise<void>): Promise<void> {
    const outgoing = nodeResponseOf(c);
    if (outgoing !== undefined) {
      recorder.start(c, c.req.method, c.req.path, outgoing);
      return next();
    }
    const holder = c as WithExchange;
    if (holder[WEB_EXCHANGE] !== undefined) return next(); // an outer honoHttpMetrics() follows this request already
    const exchange = (holder[WEB_EXCHANGE] = new WebExchange(c.req.raw.signal));
    // The recorder reads statusCode, writableFinished, getHeader() and on('close') of a response: the stand-in has those.
    recorder.start(c, c.req.method, c.req.path, exchange as unknown as ServerResponse);
    try {
      await next();
    } catch (error) {
      exchange.end(500, undefined);
      throw error;
    }
    exchange.end(c.finalized ? c.res.status : 404, c.finalized ? c.res.headers.get('content-length') : null);
  };
}

/**
 * The template of the route the request was routed to (see the `route` option). The router
 * matched every route of the request before the first middleware ran; `routeIndex` says
 * which of them is running, or answered. A route registered for a method (`app.get`, `app.on`)
 * is a handler; one registered for every method is a handler when its path is exact
 * (`app.all('/graphql')`), and taken for middleware when it is a wildcard (`app.use()` is `/*`).
 */
function honoRoute(c: HonoContextLike): string | undefined {
  const routes = c.req.matchedRoutes;
  const at = c.req.routeIndex;
  for (let i = at; i < routes.length; i++) if (routes[i].method !== 'ALL') return routes[i].path;
  const answered = routes[at];
  return answered === undefined || answered.path.includes('*') ? undefined : answered.path;
}

/** @hono/node-server's response (`c.env.outgoing`), when the app runs on it. */
function nodeResponseOf(c: HonoContextLike): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: Partial<ServerResponse> } | undefined)?.outgoing;
  return outgoing !== undefined && typeof outgoing.on === 'function' && typeof outgoing.writableFinished === 'boolean' ? (outgoing as ServerResponse) : undefined;
}

/**
 * The Content-Length of a response, for `responseSize`. A Web `Response` rarely carries one:
 * @hono/node-server computes it and hands it to `writeHead()`, where `getHeader()` cannot see
 * it, so it is read from the head node wrote (`_header`, the text of the status line and headers).
 */
function contentLengthOf(c: HonoContextLike): unknown {
  const outgoing = nodeResponseOf(c);
  if (outgoing === undefined) return (c as WithExchange)[WEB_EXCHANGE]?.contentLength;
  const set = outgoing.getHeader('content-length');
  if (set !== undefined) return set;
  const head = (outgoing as unknown as { _header?: unknown })._header;
  return typeof head === 'string' ? CONTENT_LENGTH_LINE.exec(head)?.[1] : undefined;
}

const CONTENT_LENGTH_LINE = /\r\ncontent-length:[ \t]*(\d+)/i;

/** Where a context keeps its stand-in response on runtimes without node's: one per request, made by the outermost middleware. */
const WEB_EXCHANGE = Symbol('prom-decorators.hono-exchange');

type WithExchange = HonoContextLike & { [WEB_EXCHANGE]?: WebExchange };

/**
 * The stand-in for node's response where there is none: it "closes" when the handlers have
 * given their response, or when the request's signal aborts (the client went away), whichever
 * comes first.
 */
class WebExchange {
  statusCode = 200;
  writableFinished = false;
  contentLength: string | undefined;
  private onClose: ((this: WebExchange) => void) | undefined;
  private closed = false;

  constructor(signal: AbortSignal | undefined) {
    if (signal?.aborted === true) this.closed = true;
    else signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  on(_event: 'close', listener: (this: WebExchange) => void): this {
    this.onClose = listener;
    if (this.closed) queueMicrotask(() => this.onClose?.call(this));
    return this;
  }

  getHeader(name: string): string | undefined {
    return name === 'content-length' ? this.contentLength : undefined;
  }

  end(status: number, contentLength: string | null | undefined): void {
    if (this.closed) return;
    this.statusCode = status;
    this.contentLength = contentLength ?? undefined;
    this.writableFinished = true;
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.call(this);
  }
}
