import Router from '@koa/router';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import { Registry } from '../support/prometheus-client.js';
import { koaHttpMetrics } from '../../lib/http-metrics/koa.js';
import { listen, samples, scrapeWhenIdle, send, stop } from './http-client.js';

/** What only Koa has: nested @koa/router routers, allowedMethods, ctx in the options. */
describe('koaHttpMetrics() for Koa', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server !== undefined) await stop(server);
    server = undefined;
  });
  const start = async (app: Koa) => {
    server = createServer(app.callback());
    return listen(server);
  };

  test('labels routes of nested routers with their parameterised prefix', async () => {
    const registry = new Registry();
    const app = new Koa();
    app.use(koaHttpMetrics({ registry }));
    const posts = new Router();
    posts.get('/posts/:postId', (ctx) => {
      ctx.body = {};
    });
    const users = new Router();
    users.use('/users/:userId', posts.routes());
    app.use(users.routes());
    const url = await start(app);
    await send(`${url}/users/77/posts/5`);
    await send(`${url}/users/78/posts/6`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/users/:userId/posts/:postId",status_code="200"} 2']);
  });

  test('counts 405 answers of allowedMethods under the route that exists for another method', async () => {
    const registry = new Registry();
    const app = new Koa();
    app.use(koaHttpMetrics({ registry }));
    const router = new Router();
    router.post('/orders', (ctx) => {
      ctx.status = 201;
    });
    app.use(router.routes());
    app.use(router.allowedMethods());
    const url = await start(app);
    expect((await send(`${url}/orders`, { method: 'DELETE' })).status).toBe(405);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="DELETE",route="__unmatched__",status_code="405"} 1']);
  });

  test('takes extra labels and skip from the Koa context', async () => {
    const registry = new Registry();
    const app = new Koa();
    app.use(
      koaHttpMetrics({
        registry,
        skip: (ctx) => ctx.get('user-agent') === 'kube-probe',
        labelNames: ['tenant'], labelsFrom: (ctx) => ({ tenant: String(ctx.state.tenant ?? 'none') }),
      }),
    );
    app.use(async (ctx, next) => {
      ctx.state.tenant = ctx.get('x-tenant') || undefined;
      await next();
    });
    const router = new Router();
    router.get('/health', (ctx) => {
      ctx.body = 'ok';
    });
    app.use(router.routes());
    const url = await start(app);
    await send(`${url}/health`, { headers: { 'x-tenant': 'acme' } });
    await send(`${url}/health`);
    await send(`${url}/health`, { headers: { 'user-agent': 'kube-probe' } });
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/health",status_code="200",tenant="acme"} 1',
      'http_requests_total{method="GET",route="/health",status_code="200",tenant="none"} 1',
    ]);
  });
});
