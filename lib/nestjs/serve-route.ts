import type { AbstractHttpAdapter } from '@nestjs/core';
import { headerValue, writeResponse } from '../exposition/handler.js';
import { notFound, type ScrapeRequest, type ScrapeResponder, type ScrapeResponse } from '../exposition/scrape.js';
import { warnOnce } from '../log.js';
import type { FastifyRequestLike } from '../http-metrics/framework-types.js';
import { platformOf, type ExpressAppLike, type FastifyAppLike, type FastifyServingReplyLike } from './platform.js';

/** Fastify answers 404 for the methods a route lacks; these get the responder's 405 (or 204 for OPTIONS). */
const FASTIFY_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Serves the scrapes at `path` as a route of the platform itself (Express's `app.all`, a
 * Fastify route), not as a Nest controller: the app's global guards, interceptors, pipes and
 * filters (a JWT guard, a response-wrapping interceptor) never see the scrape, which the
 * endpoint's own basicAuth/bearerToken protect. Registered at onModuleInit, after Nest's own
 * routes and before its not-found handler; app-wide middleware (`app.use`, Nest middleware
 * for all routes) still applies, as it does to every route.
 */
export function serveThroughApp(adapter: AbstractHttpAdapter, respond: ScrapeResponder, path: string, where: string): void {
  if (platformOf(adapter, where) === 'express') {
    adapter.getInstance<ExpressAppLike>().all(path, (request, response, next) => {
      const express = request as typeof request & { originalUrl?: string };
      const answered = respond({
        method: request.method ?? 'GET',
        url: express.originalUrl ?? request.url ?? '/',
        header: (name) => headerValue(request.headers[name]),
        routeMatched: true,
      });
      void answered
        .then((answer) => (answer === undefined ? next() : writeResponse(request, response, answer)))
        .catch((error: unknown) => warnOnce('nest-write-failed', 'writing a metrics response failed', error));
    });
    return;
  }
  adapter.getInstance<FastifyAppLike>().route({
    method: FASTIFY_METHODS,
    url: path,
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const scrape: ScrapeRequest = { method: request.method, url: request.url, header: (name) => headerValue(request.headers[name]), routeMatched: true };
      return send(request, reply, (await respond(scrape)) ?? notFound(request.url));
    },
  });
}

function send(request: FastifyRequestLike, reply: FastifyServingReplyLike, answer: ScrapeResponse): FastifyServingReplyLike {
  reply.code(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  return reply.send(answer.status === 204 || request.method === 'HEAD' ? undefined : answer.body);
}
