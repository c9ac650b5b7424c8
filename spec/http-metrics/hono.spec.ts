import { Hono, type Context } from 'hono';
import { Counted } from '../../lib/decorators/counted.js';
import { honoMetrics } from '../../lib/exposition/hono.js';
import { honoHttpMetrics } from '../../lib/http-metrics/hono.js';
import { resetWarnings, setLogger } from '../../lib/log.js';
import { Gauge, Registry } from '../support/prometheus-client.js';
import { fetchUrl, PROMETHEUS_ACCEPT, sampleLines } from '../exposition/http-client.js';
import { startHono, type RunningApp } from './apps.js';
import { samples, scrapeWhenIdle, send } from './http-client.js';

/** What only Hono has: its router's matched routes, sub-apps and base paths, middleware that answers, and runtimes without node's response. */
describe('honoHttpMetrics() on @hono/node-server', () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  test('labels the route the request was routed to, never the /* of a catch-all middleware', async () => {
    const registry = new Registry();
    const hono = new Hono();
    hono.use(honoHttpMetrics({ registry }));
    hono.use('*', async (_c, next) => next()); // another catch-all middleware, as logger() or cors() are
    hono.use('/admin/*', async (c, next) => (c.req.header('authorization') === undefined ? c.text('no', 401) : next()));
    hono.get('/admin/users/:id', (c) => c.text('user'));
    hono.use('/static/*', async (c, next) => (c.req.path === '/static/app.js' ? c.text('file') : next())); // as serveStatic does
    hono.all('/graphql', (c) => c.json({ data: null }));
    const v2 = new Hono().basePath('/v2');
    v2.get('/items/:itemId', (c) => c.json({}));
    const shop = new Hono();
    shop.route('/shop', v2);
    hono.route('/api', shop);
    app = await startHono(hono);
    expect((await send(`${app.url}/admin/users/7`)).status).toBe(401);
    expect((await send(`${app.url}/admin/users/7`, { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    expect((await send(`${app.url}/static/app.js`)).status).toBe(200);
    expect((await send(`${app.url}/static/missing.js`)).status).toBe(404);
    expect((await send(`${app.url}/graphql`, { method: 'POST' })).status).toBe(200);
    expect((await send(`${app.url}/api/shop/v2/items/9`)).status).toBe(200);
    expect((await send(`${app.url}/nowhere`)).status).toBe(404);
    expect((await send(`${app.url}/admin/nothing-here`)).status).toBe(401);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/admin/users/:id",status_code="200"} 1',
      'http_requests_total{method="GET",route="/admin/users/:id",status_code="401"} 1',
      'http_requests_total{method="GET",route="/api/shop/v2/items/:itemId",status_code="200"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="200"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="401"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="404"} 2',
      'http_requests_total{method="POST",route="/graphql",status_code="200"} 1',
    ]);
  });

  test('takes skip, route and labelsFrom from the Hono context, and counts a request once when mounted twice', async () => {
    const registry = new Registry();
    const hono = new Hono();
    const options = {
      registry,
      skip: (c: Context) => c.req.header('x-synthetic') === '1',
      labelNames: ['tenant'],
      labelsFrom: (c: Context) => ({ tenant: c.req.header('x-tenant') ?? 'none' }),
    } as const;
    hono.use(honoHttpMetrics(options));
    const inner = new Hono();
    inner.use(honoHttpMetrics(options));
    inner.get('/ping', (c) => c.text('pong'));
    hono.route('/inner', inner);
    hono.get('/files/*', (c) => c.text('file'));
    app = await startHono(hono);
    await send(`${app.url}/inner/ping`, { headers: { 'x-tenant': 'acme' } });
    await send(`${app.url}/inner/ping`, { headers: { 'x-synthetic': '1' } });
    await send(`${app.url}/files/a/b.txt`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/files/*",status_code="200",tenant="none"} 1',
      'http_requests_total{method="GET",route="/inner/ping",status_code="200",tenant="acme"} 1',
    ]);
  });

  test('with prefix, writes its own names next to @hono/prometheus-style defaults', async () => {
    const registry = new Registry();
    const hono = new Hono();
    hono.use(honoHttpMetrics({ registry, prefix: 'shop_', names: { inFlight: 'shop_requests_open' } }));
    hono.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    app = await startHono(hono);
    await send(`${app.url}/users/1`);
    const text = await registry.metrics();
    expect(samples(text, 'shop_http_requests_total')).toEqual(['shop_http_requests_total{method="GET",route="/users/:id",status_code="200"} 1']);
    expect(samples(text, 'shop_http_request_duration_seconds_count')).toEqual(['shop_http_request_duration_seconds_count{method="GET",route="/users/:id",status_code="200"} 1']);
    expect(text).toContain('# TYPE shop_requests_open gauge\n');
    expect(text).not.toContain('\nhttp_requests_total');
  });
});

describe('honoHttpMetrics() without node (app.fetch, as on Bun, Deno and workers)', () => {
  test('counts by route and status until the handlers have answered, with the Content-Length they set', async () => {
    const registry = new Registry();
    const hono = new Hono();
    hono.use(honoHttpMetrics({ registry, responseSize: { buckets: [10, 100] } }));
    hono.get('/users/:id', (c) => c.body(JSON.stringify({ id: c.req.param('id') }), 200, { 'Content-Length': '10', 'Content-Type': 'application/json' }));
    expect((await hono.request('/users/1')).status).toBe(200);
    expect((await hono.request('/users/2', { method: 'HEAD' })).status).toBe(200);
    expect((await hono.request('/nowhere')).status).toBe(404);
    const text = await registry.metrics();
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/users/:id",status_code="200"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="404"} 1',
      'http_requests_total{method="HEAD",route="/users/:id",status_code="200"} 1',
    ]);
    expect(samples(text, 'http_response_size_bytes_sum')).toEqual([
      'http_response_size_bytes_sum{method="GET",route="/users/:id",status_code="200"} 10',
      'http_response_size_bytes_sum{method="GET",route="__unmatched__",status_code="404"} 0', // Hono's 404 text has no Content-Length: not observed
      'http_response_size_bytes_sum{method="HEAD",route="/users/:id",status_code="200"} 10',
    ]);
    expect(samples(text, 'http_requests_in_flight')).toEqual([]); // nothing open, and nothing was open at a scrape
  });

  test('shows a request in flight, and counts it once with status 0 when its signal aborts', async () => {
    const registry = new Registry();
    const hono = new Hono();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    hono.use(honoHttpMetrics({ registry }));
    hono.get('/slow', async (c) => {
      arrived();
      await released;
      return c.text('late');
    });
    const client = new AbortController();
    const answered = hono.fetch(new Request('http://localhost/slow', { signal: client.signal }));
    await arrival;
    expect(samples(await registry.metrics(), 'http_requests_in_flight')).toEqual(['http_requests_in_flight{method="GET",route="/slow"} 1']);
    client.abort();
    let text = await registry.metrics();
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/slow",status_code="0"} 1']);
    expect(samples(text, 'http_requests_in_flight')).toEqual(['http_requests_in_flight{method="GET",route="/slow"} 0']);
    release();
    await answered;
    text = await registry.metrics();
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/slow",status_code="0"} 1']);
  });
});

describe('honoMetrics()', () => {
  let app: RunningApp | undefined;
  const cleanups: (() => void)[] = [];
  const afterThis = (cleanup: () => void) => cleanups.push(cleanup);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await app?.close();
    app = undefined;
  });

  const registryWithCalls = () => {
    const registry = new Registry();
    class Kennel {
      @Counted({ registry })
      feed(): void {}
    }
    new Kennel().feed();
    return registry;
  };
  const CALL_LINES = ['method_calls_total{class="Kennel",method="feed",result="ok"} 1', 'method_calls_total{class="Kennel",method="feed",result="error"} 0'];

  test.each([
    ['app.on(GET, HEAD, OPTIONS, POST) at /metrics', (hono: Hono, registry: Registry) => hono.on(['GET', 'HEAD', 'OPTIONS', 'POST'], '/metrics', honoMetrics({ registry }))],
    ['app.use() with the default path', (hono: Hono, registry: Registry) => hono.use(honoMetrics({ registry }))],
  ])('%s answers as metricsHandler does: negotiation, gzip, HEAD, OPTIONS, 405, name[]', async (_how, mount) => {
    const registry = registryWithCalls();
    const hono = new Hono();
    mount(hono, registry);
    hono.get('/other', (c) => c.text('other'));
    app = await startHono(hono);
    const url = `${app.url}/metrics`;
    const get = await fetchUrl(url);
    expect(get.status).toBe(200);
    expect(get.headers).toMatchObject({ 'content-type': 'text/plain; version=0.0.4; charset=utf-8', vary: 'Accept, Accept-Encoding', 'cache-control': 'no-store' });
    expect(sampleLines(get.text, 'method_calls_total')).toEqual(CALL_LINES);

    const openMetrics = await fetchUrl(url, { headers: { Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip' } });
    expect(openMetrics.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(openMetrics.headers['content-encoding']).toBe('gzip');
    expect(sampleLines(openMetrics.text, 'method_calls_total')).toEqual(CALL_LINES);
    expect(sampleLines(openMetrics.text, 'method_calls_created')).toHaveLength(2); // OpenMetrics' created timestamps (issue 16)
    expect(openMetrics.text.endsWith('\n# EOF\n')).toBe(true);

    const head = await fetchUrl(`${url}?name[]=method_calls_total`, { method: 'HEAD' });
    const filteredGet = await fetchUrl(`${url}?name[]=method_calls_total`);
    expect([head.status, head.raw.length, head.headers['content-length']]).toEqual([200, 0, String(filteredGet.raw.length)]);
    expect(filteredGet.text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual(CALL_LINES);

    const options = await fetchUrl(url, { method: 'OPTIONS' });
    expect([options.status, options.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const post = await fetchUrl(url, { method: 'POST' });
    expect([post.status, post.headers.allow, post.text]).toEqual([405, 'GET, HEAD, OPTIONS', 'Method Not Allowed\n']);
    expect((await fetchUrl(`${app.url}/other`)).text).toBe('other');
    const scrapes = await fetchUrl(`${url}?name[]=prom_decorators_scrapes_total`);
    expect(sampleLines(scrapes.text, 'prom_decorators_scrapes_total')).toEqual([
      'prom_decorators_scrapes_total{code="200"} 4',
      'prom_decorators_scrapes_total{code="204"} 1',
      'prom_decorators_scrapes_total{code="405"} 1',
    ]);
  });

  test('asks for credentials, and answers 503 when collecting takes longer than the timeout', async () => {
    const warnings: string[] = [];
    resetWarnings();
    setLogger({ warn: (message) => warnings.push(message) });
    afterThis(() => setLogger(undefined));
    const registry = new Registry();
    new Gauge({
      name: 'slow_gauge',
      help: 'takes its time',
      registers: [registry],
      async collect() {
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
    });
    const hono = new Hono();
    hono.get('/metrics', honoMetrics({ registry, bearerToken: 's3cret', timeoutSeconds: 0.05 }));
    app = await startHono(hono);
    const refused = await fetchUrl(`${app.url}/metrics`);
    expect([refused.status, refused.headers['www-authenticate']]).toEqual([401, 'Bearer realm="metrics"']);
    const late = await fetchUrl(`${app.url}/metrics`, { headers: { Authorization: 'Bearer s3cret' } });
    expect([late.status, late.text]).toEqual([503, 'Collecting metrics took longer than 0.05s\n']);
    expect(warnings).toEqual(['prom-decorators: collecting metric "slow_gauge" had not answered after 0.05s; answered 503, and the next scrape collects afresh']);
  });

  test('answers without node too (app.fetch, as on Bun, Deno and workers), the path read from the Request URL', async () => {
    const registry = registryWithCalls();
    const hono = new Hono();
    hono.use(honoMetrics({ registry }));
    hono.get('/other', (c) => c.text('other'));
    const answer = await hono.request('http://localhost/metrics?name[]=method_calls_total', { headers: { Accept: PROMETHEUS_ACCEPT } });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([200, 'application/openmetrics-text; version=1.0.0; charset=utf-8']);
    expect(sampleLines(await answer.text(), 'method_calls_total')).toEqual(CALL_LINES);
    expect(await (await hono.request('/other')).text()).toBe('other');
  });

  test('serves a Hono app that records its own requests, scrapes left out', async () => {
    const registry = new Registry();
    const hono = new Hono();
    hono.use(honoHttpMetrics({ registry }));
    hono.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    hono.get('/metrics', honoMetrics({ registry }));
    app = await startHono(hono);
    await send(`${app.url}/users/42`);
    await scrapeWhenIdle(registry);
    const scraped = await send(`${app.url}/metrics`);
    expect(samples(scraped.body, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/users/:id",status_code="200"} 1']);
  });
});
