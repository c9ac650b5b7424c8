import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { MetricsRegistry } from '../client/registry.js';
import { expressRouteTemplate } from '../http-metrics/express-route.js';
import type { ExpressRequestLike, FastifyReplyLike } from '../http-metrics/framework-types.js';
import { HttpMetricsRecorder, type AdapterHooks } from '../http-metrics/recorder.js';
import type { ModuleHttpSetup } from './options.js';
import { platformOf, type FastifyAppLike } from './platform.js';

const ADAPTER = 'MetricsModule httpMetrics';

/**
 * Follows every request of the app, from the platform rather than from Nest: an interceptor
 * runs only for requests a handler matched and every guard let through, so it would miss the
 * 404s of scanners, the 401s of a guard and a body parser's 400s. Nest gives the route: it
 * registers each handler on the platform under its full template (global prefix, controller
 * path, URI version: `/api/v1/users/:id`), which the platform hands back once it has routed.
 *
 * - Express: the measurement starts in a 'request' listener put before Express's own on the
 *   server Nest listens on (a middleware added at init would come after Nest's body parsers,
 *   whose 400s and 413s end the request before it). The route is the matched Express route's
 *   template; Nest's not-found handler is an Express route too (`*path` under the global
 *   prefix, one per excluded path), so the requests it serves are marked and stay
 *   `__unmatched__`.
 * - Fastify: an onRequest hook on the root instance (it applies to every route, Nest's and
 *   the not-found handler), the route from `routeOptions.url`, `is404` for the not-found handler.
 */
export function recordRequests(adapter: AbstractHttpAdapter, setup: ModuleHttpSetup, registry: MetricsRegistry, metricsPath: string | undefined, where: string): void {
  const common = { ...setup.common, registry, metricsPath };
  const { skip, labelsFrom } = setup;
  if (platformOf(adapter, where) === 'express') {
    const unmatched = markNotFound(adapter);
    const recorder = new HttpMetricsRecorder<IncomingMessage>(common, {
      adapter: ADAPTER,
      routeOf: (request) => (unmatched.has(request) ? undefined : expressRouteTemplate(request as ExpressRequestLike)),
      skip,
      extraLabels: labelsFrom === undefined ? undefined : (request, response) => labelsFrom(request, response),
    });
    (adapter.getHttpServer() as Server).prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      recorder.start(request, request.method ?? 'GET', request.url ?? '/', response);
    });
    return;
  }
  const hooks: AdapterHooks<FastifyReplyLike> = {
    adapter: ADAPTER,
    routeOf: (reply) => (reply.request.is404 ? undefined : reply.request.routeOptions.url),
    routeKnownAtStart: true,
    // Fastify hands its headers to writeHead, where node's getHeader cannot see them.
    contentLength: (reply) => reply.getHeader('content-length'),
    skip: skip === undefined ? undefined : (reply) => skip(reply.request.raw),
    extraLabels: labelsFrom === undefined ? undefined : (reply) => labelsFrom(reply.request.raw, reply.raw),
  };
  const recorder = new HttpMetricsRecorder<FastifyReplyLike>(common, hooks);
  adapter.getInstance<FastifyAppLike>().addHook('onRequest', (request, reply, done) => {
    recorder.start(reply, request.raw.method ?? 'GET', request.raw.url ?? '/', reply.raw);
    done();
  });
}

/**
 * The requests Nest's not-found handler serves. The handler reaches the platform through the
 * adapter's `setNotFoundHandler(handler, prefix)` after the init hooks (Nest 10, 11 and 12),
 * so wrapping that method here marks each request the handler is called for.
 */
function markNotFound(adapter: AbstractHttpAdapter): WeakSet<IncomingMessage> {
  const unmatched = new WeakSet<IncomingMessage>();
  const setNotFoundHandler = adapter.setNotFoundHandler;
  adapter.setNotFoundHandler = function (this: AbstractHttpAdapter, handler: (...args: unknown[]) => unknown, ...rest: unknown[]) {
    // Three parameters: Express tells error handlers from middleware by their arity.
    const marking = function (request: IncomingMessage, response: unknown, next: unknown) {
      unmatched.add(request);
      return handler(request, response, next);
    };
    return (setNotFoundHandler as (...args: unknown[]) => unknown).call(this, marking, ...rest);
  } as typeof adapter.setNotFoundHandler;
  return unmatched;
}
