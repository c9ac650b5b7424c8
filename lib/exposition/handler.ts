import type { IncomingMessage, ServerResponse } from 'node:http';
import { register as globalRegistry, type Registry } from 'prom-client';
import { warnOnce } from '../log.js';

export interface MetricsHandlerOptions {
  /** The registry to serve. Default: prom-client's global `register`. */
  registry?: Registry;
  /**
   * Serve only this exact path and answer 404 elsewhere. Default: none, the handler
   * answers whatever request it is given (the app's router chose the path).
   */
  path?: string;
}

export type MetricsRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A `(req, res)` handler that serves the registry in Prometheus' text format, for
 * node:http and Express (Python's `MetricsHandler`). GET and HEAD are served; other
 * methods get 405. A collector that fails gives a 500 with a short text body.
 *
 * @example
 * app.get('/metrics', metricsHandler());
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): MetricsRequestHandler {
  const registry = options.registry ?? globalRegistry;
  const path = options.path;
  return (request, response) => {
    const url = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/';
    const pathname = url.split('?', 1)[0];
    if (path !== undefined && pathname !== path) return reply(response, 404, 'Not Found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return reply(response, 405, 'Method Not Allowed\n');
    }
    registry.metrics().then(
      (body) => {
        response.statusCode = 200;
        response.setHeader('Content-Type', registry.contentType);
        response.setHeader('Content-Length', Buffer.byteLength(body));
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        warnOnce('collect-failed', 'collecting metrics for a scrape failed; answered 500', error);
        reply(response, 500, 'Collecting metrics failed\n');
      },
    );
  };
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(text);
}
