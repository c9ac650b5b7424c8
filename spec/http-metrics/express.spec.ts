import type { Express } from 'express';
import { createServer, type Server } from 'node:http';
import { Registry } from '../support/prometheus-client.js';
import { resetWarnings, setLogger } from '../../lib/log.js';
import { expressHttpMetrics, httpMetrics } from '../../lib/http-metrics/express.js';
import { EXPRESS_VERSIONS } from './express-versions.js';
import { listen, samples, scrapeWhenIdle, send, stop } from './http-client.js';

/** What only Express has: mounted routers and sub-apps, req/res in the options; the same suite on Express 5 and Express 4. */
describe.each(EXPRESS_VERSIONS)('expressHttpMetrics() on $name', ({ name, express }) => {
  let server: Server | undefined;
  const warnings: string[] = [];
  beforeEach(() => {
    resetWarnings();
    setLogger({ warn: (message) => warnings.push(message) });
  });
  afterEach(async () => {
    setLogger(undefined);
    warnings.length = 0;
    if (server !== undefined) await stop(server);
    server = undefined;
  });
  const httpMetrics = expressHttpMetrics;
  const start = async (app: Express) => {
    server = createServer(app);
    return listen(server);
  };

  test('labels routes of routers mounted on parameterised paths with the mount pattern, also when the handler fails', async () => {
    const registry = new Registry();
    const app = express();
    app.use(httpMetrics({ registry }));
    const posts = express.Router({ mergeParams: true });
    posts.get('/posts/:postId', (_req, res) => {
      res.json({});
    });
    posts.get('/broken', () => {
      throw new Error('boom'); // leaves the router: Express restores req.baseUrl before answering 500
    });
    app.use('/users/:userId', posts);
    const admin = express();
    admin.get('/things/:thing', (_req, res) => {
      res.json({});
    });
    app.use('/admin', admin);
    const url = await start(app);
    await send(`${url}/users/77/posts/5`);
    await send(`${url}/users/78/posts/6`);
    await send(`${url}/users/77/broken`);
    await send(`${url}/admin/things/x1`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/admin/things/:thing",status_code="200"} 1',
      'http_requests_total{method="GET",route="/users/:userId/broken",status_code="500"} 1',
      'http_requests_total{method="GET",route="/users/:userId/posts/:postId",status_code="200"} 2',
    ]);
    expect(warnings).toEqual([]);
  });

  test('records the template of a route for /users/42, and of routes under optional, dotted and root mount paths', async () => {
    const registry = new Registry();
    const app = express();
    app.use(httpMetrics({ registry }));
    app.get('/users/:id', (_req, res) => {
      res.json({});
    });
    const files = express.Router({ mergeParams: true });
    files.get('/:file', (_req, res) => {
      res.send('file');
    });
    const optional = name === 'Express 4' ? '/:owner?' : '{/:owner}'; // path-to-regexp 0.1 against 8
    app.use(`/v1.2${optional}`, files);
    const root = express.Router();
    root.get('/health', (_req, res) => {
      res.send('ok');
    });
    app.use(root);
    const url = await start(app);
    await send(`${url}/users/42`);
    await send(`${url}/v1.2/ada/notes.txt`);
    await send(`${url}/health`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/health",status_code="200"} 1',
      'http_requests_total{method="GET",route="/users/:id",status_code="200"} 1',
      `http_requests_total{method="GET",route="/v1.2${optional}/:file",status_code="200"} 1`,
    ]);
    expect(warnings).toEqual([]);
  });

  test('writes a RegExp mount path as the expression, never the matched URL', async () => {
    const registry = new Registry();
    const app = express();
    app.use(httpMetrics({ registry }));
    const things = express.Router();
    things.get('/:thing', (_req, res) => {
      res.send('thing');
    });
    app.use(/^\/re\d+/, things);
    const url = await start(app);
    await send(`${url}/re12/a`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/^\\\\/re\\\\d+/:thing",status_code="200"} 1']);
  });

  test('keeps the mount path of a router mounted at two static paths apart', async () => {
    const registry = new Registry();
    const app = express();
    app.use(httpMetrics({ registry }));
    const items = express.Router();
    items.get('/items/:id', (_req, res) => {
      res.json({});
    });
    app.use('/v1', items);
    app.use('/v2', items);
    const url = await start(app);
    await send(`${url}/v1/items/1`);
    await send(`${url}/v2/items/2`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/v1/items/:id",status_code="200"} 1',
      'http_requests_total{method="GET",route="/v2/items/:id",status_code="200"} 1',
    ]);
  });

  test('counts a request once when the middleware is mounted twice (app and sub-router)', async () => {
    const registry = new Registry();
    const app = express();
    app.use(httpMetrics({ registry }));
    const api = express.Router();
    api.use(httpMetrics({ registry }));
    api.get('/ping', (_req, res) => {
      res.send('pong');
    });
    app.use('/api', api);
    const url = await start(app);
    await send(`${url}/api/ping`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/api/ping",status_code="200"} 1']);
  });

  test('takes extra labels, skip and route from the Express request and response', async () => {
    const registry = new Registry();
    const app = express();
    app.use(
      httpMetrics({
        registry,
        skip: (req) => req.get('x-synthetic') === '1',
        route: (req) => (req.originalUrl.startsWith('/static/') ? '/static/*' : req.route === undefined ? undefined : String(req.route.path)),
        labelNames: ['tenant', 'cache'], labelsFrom: (req, res) => ({ tenant: req.get('x-tenant') ?? 'none', cache: String(res.get('x-cache') ?? 'miss') }),
      }),
    );
    app.use('/static', (_req, res) => {
      res.send('file');
    });
    app.get('/hit', (_req, res) => {
      res.set('x-cache', 'hit').send('ok');
    });
    const url = await start(app);
    await send(`${url}/static/app.js`, { headers: { 'x-tenant': 'acme' } });
    await send(`${url}/hit`);
    await send(`${url}/hit`, { headers: { 'x-synthetic': '1' } });
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/hit",status_code="200",tenant="none",cache="hit"} 1',
      'http_requests_total{method="GET",route="/static/*",status_code="200",tenant="acme",cache="miss"} 1',
    ]);
  });
});

test('httpMetrics is the old name of expressHttpMetrics, the same function', () => {
  expect(httpMetrics).toBe(expressHttpMetrics);
});
