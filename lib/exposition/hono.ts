import type { IncomingMessage } from 'node:http';
import { createScrapeResponder, type MetricsEndpointOptions, type ScrapeResponse } from './scrape.js';

/** Options of `honoMetrics()`: every option of the shared endpoint. */
export type HonoMetricsOptions = MetricsEndpointOptions;

/** The parts of Hono's context the handler uses (no type dependency on hono); Hono's `Context` fits it. */
interface HonoContextLike {
  readonly req: {
    readonly raw: Request;
    readonly method: string;
    readonly routeIndex: number;
    readonly matchedRoutes: readonly { readonly path: string }[];
    header(name: string): string | undefined;
  };
  /** On @hono/node-server, `{ incoming, outgoing }`. */
  readonly env: unknown;
}

/**
 * A Hono handler serving the metrics on the same code path as `metricsHandler`: content
 * negotiation (text or OpenMetrics), gzip, HEAD and OPTIONS, `name[]`, concurrency cap and
 * timeout (503), collector errors (500), auth. On a route (`app.get('/metrics', ...)`,
 * `app.on(['GET', 'OPTIONS'], ...)`) the route decides the path; with `app.use()` it answers its
 * `path` (default `/metrics`), matched exactly as sent, and passes every other request on.
 *
 * @example
 * app.get('/metrics', honoMetrics());
 * app.use(honoMetrics({ path: '/internal/metrics', bearerToken: process.env.METRICS_TOKEN }));
 */
export function honoMetrics(options: HonoMetricsOptions = {}): (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | void> {
  const respond = createScrapeResponder(options, 'honoMetrics()');
  return async (c, next) => {
    const answer = await respond({
      method: c.req.method,
      url: targetOf(c),
      header: (name) => c.req.header(name),
      routeMatched: routedHere(c),
    });
    if (answer === undefined) return next();
    return toResponse(answer, c.req.method);
  };
}

/** A route registered at an exact path sent the request here; `app.use()` (`/*`) and other wildcards leave the path to check. */
function routedHere(c: HonoContextLike): boolean {
  const route = c.req.matchedRoutes[c.req.routeIndex];
  return route !== undefined && !route.path.includes('*');
}

/** The request target as sent (node's `req.url` on @hono/node-server); elsewhere the Request's URL, which the responder strips to its path. */
function targetOf(c: HonoContextLike): string {
  const incoming = (c.env as { incoming?: Partial<IncomingMessage> } | undefined)?.incoming;
  return typeof incoming?.url === 'string' ? incoming.url : c.req.raw.url;
}

function toResponse(answer: ScrapeResponse, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  // HEAD keeps the Content-Length of the body it does not get; a 204 has neither.
  const body = method.toUpperCase() === 'HEAD' || answer.status === 204 ? null : new Uint8Array(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
  return new Response(body, { status: answer.status, headers });
}
