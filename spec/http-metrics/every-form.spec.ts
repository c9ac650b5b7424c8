import { Registry } from '../support/prometheus-client.js';
import { Counted } from '../../lib/decorators/counted.js';
import { FORMS, type RunningApp } from './apps.js';
import { Gate, samples, scrapeWhenIdle, send, sendAndAbortLater } from './http-client.js';

/** Every behaviour of the HTTP metrics, checked against real Express, Koa, Fastify and node:http on loopback. */
describe.each(FORMS)('HTTP request metrics with $name', (form) => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  test('counts each request once per method, route template and status code', async () => {
    const registry = new Registry();
    app = await form.start({ registry });
    for (const path of ['/users/1', '/users/2', '/users/3?expand=true']) expect((await send(app.url + path)).status).toBe(200);
    expect((await send(`${app.url}/users`, { method: 'POST' })).status).toBe(201);
    expect((await send(`${app.url}/api/v1/items/9`)).status).toBe(200);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/api/v1/items/:itemId",status_code="200"} 1',
      'http_requests_total{method="GET",route="/users/:id",status_code="200"} 3',
      'http_requests_total{method="POST",route="/users",status_code="201"} 1',
    ]);
    expect(samples(text, 'http_request_duration_seconds_count')).toEqual([
      'http_request_duration_seconds_count{method="GET",route="/api/v1/items/:itemId",status_code="200"} 1',
      'http_request_duration_seconds_count{method="GET",route="/users/:id",status_code="200"} 3',
      'http_request_duration_seconds_count{method="POST",route="/users",status_code="201"} 1',
    ]);
    expect(samples(text, 'http_request_duration_seconds_bucket').filter((line) => line.includes('le="+Inf"'))).toEqual([
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/items/:itemId",status_code="200"} 1',
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/users/:id",status_code="200"} 3',
      'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/users",status_code="201"} 1',
    ]);
  });

  test('never writes raw path values or query strings into a label', async () => {
    const registry = new Registry();
    app = await form.start({ registry });
    for (const id of ['alice', 'bob-the-builder', 'secret-token']) await send(`${app.url}/users/${id}?session=xyz`);
    await send(`${app.url}/api/v1/items/sku-777`);
    const text = await scrapeWhenIdle(registry);
    for (const raw of ['alice', 'bob', 'secret-token', 'session', 'xyz', 'sku-']) expect(text).not.toContain(raw);
  });

  test('groups requests that match no route under __unmatched__', async () => {
    const registry = new Registry();
    app = await form.start({ registry });
    for (const path of ['/wp-admin/setup.php', '/.env', '/random/a/b/c?x=1', '/users/1/extra']) expect((await send(app.url + path)).status).toBe(404);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="__unmatched__",status_code="404"} 4']);
  });

  test('keeps scrapes of the metrics path out of the request metrics', async () => {
    const registry = new Registry();
    app = await form.start({ registry });
    await send(`${app.url}/users/1`);
    for (const path of ['/metrics', '/metrics', '/metrics?name[]=up']) expect((await send(app.url + path)).status).toBe(200);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/users/:id",status_code="200"} 1']);
  });

  test('counts a request whose handler throws once, with the status the framework answered', async () => {
    const registry = new Registry();
    app = await form.start({ registry });
    expect((await send(`${app.url}/fail`)).status).toBe(500);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/fail",status_code="500"} 1']);
    expect(samples(text, 'http_request_duration_seconds_count')).toEqual(['http_request_duration_seconds_count{method="GET",route="/fail",status_code="500"} 1']);
  });

  test('shows a request in flight while it is served, and counts it once with status 0 when the client goes away', async () => {
    const registry = new Registry();
    const gate = new Gate();
    app = await form.start({ registry, gate });
    const client = sendAndAbortLater(`${app.url}/slow`);
    await gate.arrived;
    const during = await scrapeWhenIdle(registry, 1);
    expect(samples(during, 'http_requests_in_flight')).toEqual(['http_requests_in_flight{method="GET",route="/slow"} 1']);
    expect(samples(during, 'http_requests_total')).toEqual([]);

    client.abort();
    await client.ended;
    const after = await scrapeWhenIdle(registry);
    expect(samples(after, 'http_requests_in_flight')).toEqual(['http_requests_in_flight{method="GET",route="/slow"} 0']);
    expect(samples(after, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/slow",status_code="0"} 1']);

    gate.release(); // the handler answers a client that has gone: nothing more is counted
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = await scrapeWhenIdle(registry);
    expect(samples(late, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/slow",status_code="0"} 1']);
    expect(samples(late, 'http_requests_in_flight')).toEqual(['http_requests_in_flight{method="GET",route="/slow"} 0']);
  });

  test('counts HEAD and OPTIONS by default, and leaves out the methods in skipMethods', async () => {
    const registry = new Registry();
    app = await form.start({ registry, metrics: { skipMethods: ['options'] } });
    await send(`${app.url}/users/1`, { method: 'HEAD' });
    await send(`${app.url}/users/1`, { method: 'OPTIONS' });
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="HEAD",route="/users/:id",status_code="200"} 1']);
  });

  test('labels status codes by class with statusCodeGroups, and uses the given buckets', async () => {
    const registry = new Registry();
    app = await form.start({ registry, metrics: { statusCodeGroups: true, buckets: [0.5, 30] } });
    await send(`${app.url}/users/1`);
    await send(`${app.url}/users`, { method: 'POST' });
    await send(`${app.url}/nowhere`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/users/:id",status_code="2xx"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="4xx"} 1',
      'http_requests_total{method="POST",route="/users",status_code="2xx"} 1',
    ]);
    expect(samples(text, 'http_request_duration_seconds_bucket').filter((line) => line.includes('/users/:id'))).toEqual([
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/users/:id",status_code="2xx"} 1',
      'http_request_duration_seconds_bucket{le="0.5",method="GET",route="/users/:id",status_code="2xx"} 1',
      'http_request_duration_seconds_bucket{le="30",method="GET",route="/users/:id",status_code="2xx"} 1',
    ]);
  });

  test('shares one scrape with the method decorators', async () => {
    const registry = new Registry();
    class UserRepository {
      @Counted({ registry })
      async find(id: string): Promise<{ id: string }> {
        return { id };
      }
    }
    const users = new UserRepository();
    app = await form.start({ registry, loadUser: (id) => users.find(id) });
    await send(`${app.url}/users/1`);
    await send(`${app.url}/users/2`);
    await scrapeWhenIdle(registry);
    const scraped = await send(`${app.url}/metrics`);
    expect(samples(scraped.body, 'method_calls_total')).toEqual([
      'method_calls_total{class="UserRepository",method="find",result="error"} 0',
      'method_calls_total{class="UserRepository",method="find",result="ok"} 2',
    ]);
    expect(samples(scraped.body, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/users/:id",status_code="200"} 2']);
  });

  test('writes the Content-Length of responses with responseSize', async () => {
    const registry = new Registry();
    app = await form.start({ registry, metrics: { responseSize: { buckets: [5, 1000] } } });
    await send(`${app.url}/users/1`); // {"id":"1"}: 10 bytes
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_response_size_bytes_bucket')).toEqual([
      'http_response_size_bytes_bucket{le="+Inf",method="GET",route="/users/:id",status_code="200"} 1',
      'http_response_size_bytes_bucket{le="1000",method="GET",route="/users/:id",status_code="200"} 1',
      'http_response_size_bytes_bucket{le="5",method="GET",route="/users/:id",status_code="200"} 0',
    ]);
    expect(samples(text, 'http_response_size_bytes_sum')).toEqual(['http_response_size_bytes_sum{method="GET",route="/users/:id",status_code="200"} 10']);
  });
});
