import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { EndpointOptionsError } from '../errors.js';
import type { FastifyReplyLike, FastifyRequestLike } from '../http-metrics/framework-types.js';

// The parts of the two Nest platforms the module touches, described here so lib/nestjs needs
// neither @nestjs/platform-express nor @nestjs/platform-fastify (an app installs one of them).

/** The Express app under `@nestjs/platform-express` (what `httpAdapter.getInstance()` returns). */
export interface ExpressAppLike {
  all(path: string, handler: (request: IncomingMessage, response: ServerResponse, next: () => void) => void): unknown;
}

/** The Fastify instance under `@nestjs/platform-fastify`. */
export interface FastifyAppLike {
  route(options: {
    method: string[];
    url: string;
    exposeHeadRoute?: boolean;
    handler: (request: FastifyRequestLike, reply: FastifyServingReplyLike) => Promise<unknown>;
  }): unknown;
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void): unknown;
}

export interface FastifyServingReplyLike {
  code(status: number): FastifyServingReplyLike;
  header(name: string, value: string | string[]): FastifyServingReplyLike;
  send(payload?: unknown): FastifyServingReplyLike;
}

export type NestPlatform = 'express' | 'fastify';

/** The platform under the app, from the adapter's own `getType()` (present since Nest 6). */
export function platformOf(adapter: AbstractHttpAdapter, where: string): NestPlatform {
  const type = adapter.getType();
  if (type === 'express' || type === 'fastify') return type;
  throw new EndpointOptionsError(
    where,
    undefined,
    `the app runs on an HTTP adapter of type ${JSON.stringify(type)}, which the module cannot serve or measure`,
    'Use @nestjs/platform-express or @nestjs/platform-fastify, or pass { port: 9464 } and leave httpMetrics off.',
  );
}
