import { prometheus } from '@hono/prometheus';
import express from 'express';
import promBundle from 'express-prom-bundle';
import { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
// express-prom-bundle and @hono/prometheus register on prom-client's metrics, so these tests
// hand a prom-client Registry to every side, whichever client the suite runs with.
import { Registry as PromClientRegistry } from 'prom-client';
import { metricsHandler } from '../../lib/exposition/handler.js';
import { honoMetrics } from '../../lib/exposition/hono.js';
import { HttpMetricsOptionsError } from '../../lib/http-metrics/errors.js';
import { expressHttpMetrics } from '../../lib/http-metrics/express.js';
import { honoHttpMetrics } from '../../lib/http-metrics/hono.js';
import { startHono, type RunningApp } from './apps.js';
import { listen, samples, send, stop } from './http-client.js';

/** Issue 14, item 4: our HTTP metrics next to the middlewares apps already run, in one registry. */
describe('HTTP metrics that coexist with other libraries', () => {
  let server: Server | undefined;
  let app: RunningApp | undefined;
  afterEach(async () => {
    if (server !== undefined) await stop(server);
    await app?.close();
    server = undefined;
    app = undefined;
  });

  const thrown = (create: () => unknown): HttpMetricsOptionsError => {
    try {
      create();
    } catch (error) {
      return error as HttpMetricsOptionsError;
    }
    throw new Error('expected a throw');
  };

  test('with a prefix, ours and express-prom-bundle record the same requests into one registry and one scrape', async () => {
    const registry = new PromClientRegistry();
    const web = express();
    web.use(promBundle({ promRegistry: registry, includeMethod: true, includePath: true, autoregister: false }));
    web.use(expressHttpMetrics({ registry, prefix: 'myapp_' }));
    web.get('/users/:id', (_req, res) => {
      res.json({});
    });
    web.get('/metrics', metricsHandler({ registry }));
    server = createServer(web);
    const url = await listen(server);
    await send(`${url}/users/42`);
    await send(`${url}/users/43`);
    const scraped = (await send(`${url}/metrics`)).body;
    expect(samples(scraped, 'myapp_http_requests_total')).toEqual(['myapp_http_requests_total{method="GET",route="/users/:id",status_code="200"} 2']);
    expect(samples(scraped, 'http_request_duration_seconds_count')).toEqual(['http_request_duration_seconds_count{status_code="200",method="GET",path="/users/#val"} 2']);
    expect(samples(scraped, 'up')).toEqual(['up 1']);
  });

  test('without one, the name express-prom-bundle has is an HttpMetricsOptionsError naming it and the option to change', () => {
    const registry = new PromClientRegistry();
    promBundle({ promRegistry: registry });
    const error = thrown(() => expressHttpMetrics({ registry }));
    expect(error).toBeInstanceOf(HttpMetricsOptionsError);
    expect(error).toMatchObject({ adapter: 'expressHttpMetrics()', option: 'names.duration' });
    expect(error.message).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.duration": metric "http_request_duration_seconds" is already registered in this registry by express-prom-bundle. Pass { prefix: 'myapp_' } (every HTTP metric of prom-decorators renamed) or { names: { duration: 'myapp_http_request_duration_seconds' } } (this one), or give the HTTP metrics a registry of their own with the registry option"`);
    expect(() => expressHttpMetrics({ registry, names: { duration: 'myapp_request_seconds' } })).not.toThrow();
  });

  test('with a prefix, ours and @hono/prometheus record the same Hono requests into one registry', async () => {
    const registry = new PromClientRegistry();
    const { registerMetrics } = prometheus({ registry });
    const hono = new Hono();
    hono.use(registerMetrics);
    hono.use(honoHttpMetrics({ registry, prefix: 'myapp_' }));
    hono.get('/users/:id', (c) => c.json({}));
    hono.get('/metrics', honoMetrics({ registry }));
    app = await startHono(hono);
    await send(`${app.url}/users/42`);
    await send(`${app.url}/nowhere`);
    const scraped = (await send(`${app.url}/metrics`)).body;
    expect(samples(scraped, 'myapp_http_requests_total')).toEqual([
      'myapp_http_requests_total{method="GET",route="/users/:id",status_code="200"} 1',
      'myapp_http_requests_total{method="GET",route="__unmatched__",status_code="404"} 1',
    ]);
    // @hono/prometheus labels the 404 with the /* of the catch-all middleware that ran last (and counts this scrape once it is sent).
    expect(samples(scraped, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/*",status="404",ok="false"} 1',
      'http_requests_total{method="GET",route="/users/:id",status="200",ok="true"} 1',
    ]);
  });

  test('without one, the name @hono/prometheus has is an HttpMetricsOptionsError naming it', () => {
    const registry = new PromClientRegistry();
    prometheus({ registry });
    const error = thrown(() => honoHttpMetrics({ registry }));
    expect(error).toMatchObject({ adapter: 'honoHttpMetrics()', option: 'names.requests' });
    expect(error.message).toMatchInlineSnapshot(`"honoHttpMetrics(): option "names.requests": metric "http_requests_total" is already registered in this registry by @hono/prometheus. Pass { prefix: 'myapp_' } (every HTTP metric of prom-decorators renamed) or { names: { requests: 'myapp_http_requests_total' } } (this one), or give the HTTP metrics a registry of their own with the registry option"`);
  });
});
