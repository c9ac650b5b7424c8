import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { Registry } from '../support/prometheus-client.js';
import { Counted, metricsHandler } from '../../lib';
import { fastifyMetrics } from '../../lib/exposition/fastify';
import { koaMetrics } from '../../lib/exposition/koa';
import { fetchUrl, PROMETHEUS_ACCEPT, sampleLines, withCreatedChecked } from './http-client';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const CALL_LINES = ['method_calls_total{class="Kennel",method="feed",result="ok"} 1', 'method_calls_total{class="Kennel",method="feed",result="error"} 0'];

function registryWithCalls(): Registry {
  const registry = new Registry();
  class Kennel {
    @Counted({ registry })
    feed(): void {}
  }
  new Kennel().feed();
  return registry;
}

/** The behaviour every adapter shares with metricsHandler (one code path): checked the same way for each. */
async function expectTheSharedBehaviour(url: string): Promise<void> {
  const get = await fetchUrl(url);
  expect(get.status).toBe(200);
  expect(get.headers).toMatchObject({ 'content-type': TEXT, vary: 'Accept, Accept-Encoding', 'cache-control': 'no-store' });
  expect(sampleLines(get.text, 'method_calls_total')).toEqual(CALL_LINES);

  const openMetrics = await fetchUrl(url, { headers: { Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip' } });
  expect(openMetrics.headers['content-type']).toBe(OPENMETRICS);
  expect(openMetrics.headers['content-encoding']).toBe('gzip');
  expect(withCreatedChecked(sampleLines(openMetrics.text, 'method_calls'))).toEqual([
    CALL_LINES[0],
    'method_calls_created{class="Kennel",method="feed",result="ok"} <created>',
    CALL_LINES[1],
    'method_calls_created{class="Kennel",method="feed",result="error"} <created>',
  ]);
  expect(openMetrics.text.endsWith('\n# EOF\n')).toBe(true);

  // (filtered: the self-metrics in a full body change from one request to the next)
  const head = await fetchUrl(`${url}?name[]=method_calls_total`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.raw.length).toBe(0);
  const filteredGet = await fetchUrl(`${url}?name[]=method_calls_total`);
  expect(head.headers['content-length']).toBe(filteredGet.headers['content-length']);
  expect(head.headers['content-length']).toBe(String(filteredGet.raw.length));
  expect(head.headers['content-type']).toBe(TEXT);

  const options = await fetchUrl(url, { method: 'OPTIONS' });
  expect([options.status, options.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS']);
  const post = await fetchUrl(url, { method: 'POST' });
  expect([post.status, post.headers.allow, post.text]).toEqual([405, 'GET, HEAD, OPTIONS', 'Method Not Allowed\n']);

  const filtered = await fetchUrl(`${url}?name[]=prom_decorators_scrapes_total`);
  expect(sampleLines(filtered.text, 'prom_decorators_scrapes_total')).toEqual([
    'prom_decorators_scrapes_total{code="200"} 4',
    'prom_decorators_scrapes_total{code="204"} 1',
    'prom_decorators_scrapes_total{code="405"} 1',
  ]);
}

describe('Express (issue 5 §3)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  test('app.all(path, metricsHandler()) behaves exactly like the other adapters', async () => {
    const app = express();
    app.all('/metrics', metricsHandler({ registry: registryWithCalls() }));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    await expectTheSharedBehaviour(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
  });
});

describe('Koa middleware (issue 5 §3)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });
  const listen = async (app: Koa): Promise<string> => {
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  test('app.use(koaMetrics()) serves /metrics like metricsHandler and passes other requests on', async () => {
    const app = new Koa();
    app.use(koaMetrics({ registry: registryWithCalls() }));
    app.use((context) => {
      context.body = `app saw ${context.path}`;
    });
    const base = await listen(app);
    await expectTheSharedBehaviour(`${base}/metrics`);
    expect((await fetchUrl(`${base}/orders`)).text).toBe('app saw /orders');
  });

  test('on a @koa/router route, the route decides the path; auth works as everywhere', async () => {
    const app = new Koa();
    const router = new Router();
    router.all('/internal/stats', koaMetrics({ registry: registryWithCalls(), bearerToken: 'koa-token' }));
    app.use(router.routes());
    const base = await listen(app);
    expect((await fetchUrl(`${base}/internal/stats`)).status).toBe(401);
    const response = await fetchUrl(`${base}/internal/stats`, { headers: { Authorization: 'Bearer koa-token' } });
    expect(response.status).toBe(200);
    expect(sampleLines(response.text, 'method_calls_total')).toEqual(CALL_LINES);
    expect((await fetchUrl(`${base}/metrics`)).status).toBe(404);
  });
});

describe('Fastify plugin (issue 5 §3)', () => {
  let fastify: FastifyInstance | undefined;
  afterEach(async () => {
    await fastify?.close();
    fastify = undefined;
  });

  test('fastify.register(fastifyMetrics, options) serves the path like metricsHandler', async () => {
    fastify = Fastify();
    await fastify.register(fastifyMetrics, { registry: registryWithCalls() });
    fastify.get('/hello', async () => 'hello');
    const address = await fastify.listen({ port: 0, host: '127.0.0.1' });
    await expectTheSharedBehaviour(`${address}/metrics`);
    expect((await fetchUrl(`${address}/hello`)).text).toBe('hello');
    expect((await fetchUrl(`${address}/other`)).status).toBe(404);
  });

  test('the path option and the error policy reach the plugin', async () => {
    fastify = Fastify();
    const registry = registryWithCalls();
    const { Gauge } = await import('../support/prometheus-client.js');
    new Gauge({ name: 'broken_gauge', help: 'Broken', registers: [registry], collect: () => { throw new Error('down'); } });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await fastify.register(fastifyMetrics, { registry, path: '/stats' });
      const address = await fastify.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetchUrl(`${address}/stats`);
      expect([response.status, response.text]).toEqual([500, 'Collecting metric "broken_gauge" failed\n']);
      expect((await fetchUrl(`${address}/metrics`)).status).toBe(404);
    } finally {
      warn.mockRestore();
    }
  });
});
