import type { IncomingMessage, ServerResponse } from 'node:http';
import { warnOnce } from '../log.js';
import { createScrapeResponder, notFound, type MetricsEndpointOptions, type ScrapeResponse } from './scrape.js';

/** Options of `metricsHandler()`: every option of the shared endpoint. */
export type MetricsHandlerOptions = MetricsEndpointOptions;

/** A node:http request handler that Express also accepts as middleware (`next` is optional). */
export type MetricsRequestHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * A `(req, res)` handler for node:http and Express (Python's `MetricsHandler`), on the same
 * code path as `exposeMetrics`: content negotiation (text or OpenMetrics), gzip, HEAD and
 * OPTIONS, `name[]` filter, concurrency cap and timeout (503), collector errors (500), auth.
 * The path is matched exactly as sent (never normalised). Requests for another path get 404
 * (400 for a target that is not a path), or go to `next()` when Express passes one. Defaults:
 * see {@link MetricsEndpointOptions} (path `/metrics`, global `register`).
 *
 * @example
 * app.get('/metrics', metricsHandler());                    // Express: the route decides the path
 * http.createServer(metricsHandler({ registry })).listen(9100);
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): MetricsRequestHandler {
  const respond = createScrapeResponder(options, 'metricsHandler()');
  return (request, response, next) => {
    const expressRequest = request as IncomingMessage & { originalUrl?: string; route?: unknown };
    const target = expressRequest.originalUrl ?? request.url ?? '/';
    void respond({
      method: request.method ?? 'GET',
      url: target,
      header: (name) => headerValue(request.headers[name]),
      routeMatched: expressRequest.route !== undefined,
    }).then((answer) => {
      if (answer !== undefined) return writeResponse(request, response, answer);
      if (next !== undefined) return next();
      writeResponse(request, response, notFound(target));
    }).catch((error: unknown) => {
      // Writing the answer failed (a closed socket, a framework's next() throwing): log, never crash.
      warnOnce('write-failed', 'writing a metrics response failed', error);
      if (!response.headersSent) {
        response.statusCode = 500;
        response.end();
      }
    });
  };
}

/** Writes a scrape answer to a node:http response; HEAD gets the headers only. */
export function writeResponse(request: IncomingMessage, response: ServerResponse, answer: ScrapeResponse): void {
  if (response.headersSent) return;
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  response.end(request.method === 'HEAD' || answer.status === 204 ? undefined : answer.body);
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
