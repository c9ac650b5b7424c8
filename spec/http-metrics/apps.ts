import { serve } from '@hono/node-server';
import Router from '@koa/router';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '../support/prometheus-client.js';
import { metricsHandler } from '../../lib/exposition/handler.js';
import { honoMetrics } from '../../lib/exposition/hono.js';
import { expressHttpMetrics } from '../../lib/http-metrics/express.js';
import { fastifyHttpMetrics } from '../../lib/http-metrics/fastify.js';
import { honoHttpMetrics } from '../../lib/http-metrics/hono.js';
import { koaHttpMetrics } from '../../lib/http-metrics/koa.js';
import { nodeHttpMetrics } from '../../lib/http-metrics/node-http.js';
import type { CommonHttpMetricsOptions } from '../../lib/http-metrics/options.js';
import { EXPRESS_VERSIONS, type ExpressVersion } from './express-versions.js';
import { Gate, listen, stop } from './http-client.js';

/**
 * The same small service in each form (Express 5 and 4, Koa, Fastify, node:http, Hono), so every behaviour is specified once
 * and checked against every framework:
 *   GET  /users/:id               200, body from loadUser(id)
 *   POST /users                   201
 *   GET  /fail                    the handler throws: the framework answers 500
 *   GET  /slow                    waits at the gate, then 200
 *   GET  /api/v1/items/:itemId    200, from a router mounted on /api/v1
 *   GET  /metrics                 the registry's exposition
 */
export interface AppOptions {
  registry: Registry;
  gate?: Gate;
  loadUser?: (id: string) => Promise<unknown>;
  metrics?: CommonHttpMetricsOptions;
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export interface Form {
  name: string;
  start(options: AppOptions): Promise<RunningApp>;
}

const plainUser = async (id: string) => ({ id });

const expressForm = ({ name, express }: ExpressVersion): Form => ({
  name,
  async start({ registry, gate = new Gate(), loadUser = plainUser, metrics }) {
    const app = express();
    app.use(expressHttpMetrics({ registry, ...metrics }));
    app.get('/users/:id', async (req, res) => {
      res.json(await loadUser(req.params.id));
    });
    app.post('/users', (_req, res) => {
      res.status(201).json({});
    });
    app.get('/fail', () => {
      throw new Error('boom'); // thrown synchronously: Express 4 does not catch a rejected promise
    });
    app.get('/slow', async (_req, res) => {
      await gate.enter();
      res.send('late');
    });
    const api = express.Router();
    api.get('/items/:itemId', (_req, res) => {
      res.json({});
    });
    app.use('/api/v1', api);
    app.get('/metrics', metricsHandler({ registry }));
    const server = createServer(app);
    return { url: await listen(server), close: () => stop(server) };
  },
});

export const koaForm: Form = {
  name: 'Koa',
  async start({ registry, gate = new Gate(), loadUser = plainUser, metrics }) {
    const app = new Koa();
    app.silent = true; // the thrown test error is expected; Koa would print it
    app.use(koaHttpMetrics({ registry, ...metrics }));
    const router = new Router();
    router.get('/users/:id', async (ctx) => {
      ctx.body = await loadUser(ctx.params.id);
    });
    router.post('/users', (ctx) => {
      ctx.status = 201;
      ctx.body = {};
    });
    router.get('/fail', () => {
      throw new Error('boom');
    });
    router.get('/slow', async (ctx) => {
      await gate.enter();
      ctx.body = 'late';
    });
    router.get('/metrics', async (ctx) => {
      ctx.type = 'text/plain';
      ctx.body = await registry.metrics();
    });
    const api = new Router();
    api.get('/items/:itemId', (ctx) => {
      ctx.body = {};
    });
    router.use('/api/v1', api.routes());
    app.use(router.routes());
    app.use(router.allowedMethods());
    const server = createServer(app.callback());
    return { url: await listen(server), close: () => stop(server) };
  },
};

export const fastifyForm: Form = {
  name: 'Fastify',
  async start({ registry, gate = new Gate(), loadUser = plainUser, metrics }) {
    const app = Fastify();
    await app.register(fastifyHttpMetrics, { registry, ...metrics });
    app.get<{ Params: { id: string } }>('/users/:id', async (request) => loadUser(request.params.id));
    app.post('/users', async (_request, reply) => reply.code(201).send({}));
    app.get('/fail', async () => {
      throw new Error('boom');
    });
    app.get('/slow', async () => {
      await gate.enter();
      return 'late';
    });
    app.get('/metrics', async (_request, reply) => reply.type('text/plain').send(await registry.metrics()));
    await app.register(
      async (api) => {
        api.get('/items/:itemId', async () => ({}));
      },
      { prefix: '/api/v1' },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
};

/** A hand-rolled router, as a node:http service has one: method, pattern, route template, handler. */
interface NodeRoute {
  method: string;
  pattern: RegExp;
  template: string;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> | void;
}

export const nodeHttpForm: Form = {
  name: 'node:http',
  async start({ registry, gate = new Gate(), loadUser = plainUser, metrics }) {
    const serveMetrics = metricsHandler({ registry });
    const json = (res: ServerResponse, status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Length', Buffer.byteLength(text)); // what responseSize reads
      res.end(text);
    };
    const routes: NodeRoute[] = [
      { method: 'GET', pattern: /^\/users\/([^/]+)$/, template: '/users/:id', handle: async (_req, res, match) => json(res, 200, await loadUser(match[1])) },
      { method: 'POST', pattern: /^\/users$/, template: '/users', handle: (_req, res) => json(res, 201, {}) },
      {
        method: 'GET',
        pattern: /^\/fail$/,
        template: '/fail',
        handle: () => {
          throw new Error('boom');
        },
      },
      {
        method: 'GET',
        pattern: /^\/slow$/,
        template: '/slow',
        handle: async (_req, res) => {
          await gate.enter();
          res.end('late');
        },
      },
      { method: 'GET', pattern: /^\/api\/v1\/items\/([^/]+)$/, template: '/api/v1/items/:itemId', handle: (_req, res) => json(res, 200, {}) },
      { method: 'GET', pattern: /^\/metrics$/, template: '/metrics', handle: (req, res) => serveMetrics(req, res) },
    ];
    const find = (req: IncomingMessage): [NodeRoute, RegExpExecArray] | undefined => {
      const path = (req.url ?? '/').split('?', 1)[0];
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      for (const route of routes) {
        const match = route.method === method ? route.pattern.exec(path) : null;
        if (match !== null) return [route, match];
      }
      return undefined;
    };
    const listener = async (req: IncomingMessage, res: ServerResponse) => {
      const found = find(req);
      if (found === undefined) return json(res, 404, { error: 'not found' });
      try {
        await found[0].handle(req, res, found[1]);
      } catch {
        json(res, 500, { error: 'internal' });
      }
    };
    const server = createServer(nodeHttpMetrics(listener, { registry, ...metrics, route: (req) => find(req)?.[0].template }));
    return { url: await listen(server), close: () => stop(server) };
  },
};

export const honoForm: Form = {
  name: 'Hono',
  async start({ registry, gate = new Gate(), loadUser = plainUser, metrics }) {
    const app = new Hono();
    app.onError((_error, c) => c.text('Internal Server Error', 500)); // the thrown test error is expected; Hono's default handler would print it
    app.use(honoHttpMetrics({ registry, ...metrics }));
    app.get('/users/:id', async (c) => c.json(await loadUser(c.req.param('id'))));
    app.post('/users', (c) => c.json({}, 201));
    app.get('/fail', () => {
      throw new Error('boom');
    });
    app.get('/slow', async (c) => {
      await gate.enter();
      return c.text('late');
    });
    const api = new Hono();
    api.get('/items/:itemId', (c) => c.json({}));
    app.route('/api/v1', api);
    app.get('/metrics', honoMetrics({ registry }));
    return startHono(app);
  },
};

/** Serves a Hono app on @hono/node-server, on 127.0.0.1 and a free port. */
export async function startHono(app: Hono): Promise<RunningApp> {
  const server = await new Promise<Server>((resolve) => {
    const started: Server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started)) as Server;
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => stop(server) };
}

export const EXPRESS_FORMS: Form[] = EXPRESS_VERSIONS.map(expressForm);

export const FORMS: Form[] = [...EXPRESS_FORMS, koaForm, fastifyForm, nodeHttpForm, honoForm];
