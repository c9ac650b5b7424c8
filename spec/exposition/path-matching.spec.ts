import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { Gauge, Registry } from '../support/prometheus-client.js';
import { Counted, exposeMetrics, metricsHandler, type ExposedMetrics } from '../../lib';
import { fastifyMetrics } from '../../lib/exposition/fastify';
import { koaMetrics } from '../../lib/exposition/koa';
import { resetWarnings } from '../../lib/log';
import { rawRequest } from './raw-request';

const CALLS = 'method_calls_total{class="Till",method="ring",result="ok"} 1';
/** Paths a WHATWG URL normalises to /metrics, where Express, Koa and Fastify route the path as sent. */
const NORMALISED_TO_METRICS = ['/x/../metrics', '/%2e%2e/metrics', '/./metrics', '/x\\..\\metrics'];
const TOKEN = 'Bearer path-token';

function registryWithCalls(): Registry {
  const registry = new Registry();
  class Till {
    @Counted({ registry })
    ring(): void {}
  }
  new Till().ring();
  return registry;
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** Each normalised path reached the app's own 404 (next()), neither the auth nor the metrics. */
async function expectPassedOnToTheApp(port: number): Promise<void> {
  for (const target of NORMALISED_TO_METRICS) {
    const response = await rawRequest(port, target);
    expect([target, response.status, response.body]).toEqual([target, 404, 'app 404']);
  }
}

describe('the endpoint matches the path as sent, so auth in front of it cannot be bypassed (issue 12 item 3)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  });

  // Express 4 is not installed (node_modules holds Express 5 only), so only Express 5 is checked.
  test('Express 5: app.use("/metrics", auth) then app.use(metricsHandler()): normalised paths go to next(), never to the metrics', async () => {
    const app = express();
    app.use('/metrics', (request, response, next) => (request.headers.authorization === TOKEN ? next() : response.status(401).send('auth refused')));
    app.use(metricsHandler({ registry: registryWithCalls() }));
    app.use((_request, response) => response.status(404).send('app 404'));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    const port = await listening(server);

    await expectPassedOnToTheApp(port);
    // An absolute-form target is routed by Express as /metrics: auth runs, and then the metrics are served.
    expect((await rawRequest(port, `http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await rawRequest(port, `http://127.0.0.1:${port}/metrics`, { headers: { Authorization: TOKEN } })).body).toContain(CALLS);
    expect((await rawRequest(port, '/metrics')).status).toBe(401);
    const served = await rawRequest(port, '/metrics?name[]=method_calls_total', { headers: { Authorization: TOKEN } });
    expect(served.status).toBe(200);
    expect(served.body).toContain(CALLS);
  });

  test('Koa: an auth middleware on ctx.path in front of koaMetrics(): normalised paths pass on, never to the metrics', async () => {
    const app = new Koa();
    app.use(async (context, next) => {
      if (context.path === '/metrics' && context.get('authorization') !== TOKEN) {
        context.status = 401;
        context.body = 'auth refused';
        return;
      }
      await next();
    });
    app.use(koaMetrics({ registry: registryWithCalls() }));
    app.use((context) => {
      context.status = 404;
      context.body = 'app 404';
    });
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    const port = await listening(server);

    await expectPassedOnToTheApp(port);
    expect((await rawRequest(port, '/metrics')).status).toBe(401);
    const served = await rawRequest(port, '/metrics', { headers: { Authorization: TOKEN } });
    expect(served.status).toBe(200);
    expect(served.body).toContain(CALLS);
  });

  test('Fastify: the route decides; an onRequest auth hook on the route covers every path that reaches the metrics', async () => {
    const fastify: FastifyInstance = Fastify();
    try {
      fastify.addHook('onRequest', async (request, reply) => {
        if (request.routeOptions.url === '/metrics' && request.headers.authorization !== TOKEN) await reply.code(401).send('auth refused');
      });
      await fastify.register(fastifyMetrics, { registry: registryWithCalls() });
      await fastify.listen({ port: 0, host: '127.0.0.1' });
      const { port } = fastify.server.address() as AddressInfo;
      for (const target of NORMALISED_TO_METRICS) {
        const response = await rawRequest(port, target);
        expect([target, response.status === 200, response.body.includes(CALLS)]).toEqual([target, false, false]);
      }
      expect((await rawRequest(port, '/metrics')).status).toBe(401);
      expect((await rawRequest(port, '/metrics', { headers: { Authorization: TOKEN } })).body).toContain(CALLS);
    } finally {
      await fastify.close();
    }
  });
});

describe('request targets that are not the endpoint (issue 12 item 6)', () => {
  const started: ExposedMetrics[] = [];
  let warn: jest.SpyInstance;
  beforeEach(() => {
    resetWarnings();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((exposed) => exposed.close()));
    warn.mockRestore();
  });

  /** A registry that counts its collections, to show a refused request collected nothing. */
  function countingRegistry(): { registry: Registry; collections: () => number } {
    const registry = registryWithCalls();
    let collections = 0;
    new Gauge({ name: 'collections_seen', help: 'Counts its collections', registers: [registry], collect: () => void collections++ });
    return { registry, collections: () => collections };
  }

  test('exposeMetrics: a bad target is 400 before auth with nothing collected, other paths 404, both never cached', async () => {
    const { registry, collections } = countingRegistry();
    const exposed = await exposeMetrics(0, { host: '127.0.0.1', defaultMetrics: false, registry, bearerToken: 'path-token' });
    started.push(exposed);
    for (const target of ['//[', '*']) {
      const response = await rawRequest(exposed.port, target);
      expect([target, response.status, response.body, response.headers['cache-control']]).toEqual([target, 400, 'Bad Request\n', 'no-store']);
    }
    for (const target of [...NORMALISED_TO_METRICS, '/elsewhere', '/metrics/', '/METRICS', '/metrics#x']) {
      const response = await rawRequest(exposed.port, target, { headers: { Authorization: TOKEN } });
      expect([target, response.status, response.body, response.headers['cache-control']]).toEqual([target, 404, 'Not Found\n', 'no-store']);
    }
    expect(collections()).toBe(0);
    expect(warn).not.toHaveBeenCalled();
    // The one "scrape failed" warning is still there for a real failure, and the endpoint serves on.
    const served = await rawRequest(exposed.port, '/metrics', { headers: { Authorization: TOKEN } });
    expect([served.status, served.body.includes(CALLS), collections()]).toEqual([200, true, 1]);
  });

  test('Express middleware: a bad target goes to the app (next), nothing collected, nothing logged', async () => {
    const { registry, collections } = countingRegistry();
    const app = express();
    app.use(metricsHandler({ registry }));
    app.use((_request, response) => response.status(404).send('app 404'));
    const server = app.listen(0, '127.0.0.1');
    try {
      const port = await listening(server);
      const response = await rawRequest(port, '//[');
      expect([response.status, response.body]).toEqual([404, 'app 404']);
      expect(collections()).toBe(0);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
