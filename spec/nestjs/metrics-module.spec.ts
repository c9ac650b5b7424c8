/**
 * MetricsModule in real Nest 12 apps (@nestjs/core, @nestjs/common, @nestjs/platform-express,
 * @nestjs/platform-fastify), one child process per platform running the apps of
 * fixtures/nest-apps.ts, each on 127.0.0.1 port 0. The tests of one platform share its apps,
 * so each sends requests to routes of its own and asserts only their series.
 */
import { gunzipSync } from 'node:zlib';
import { startFixture, type RunningFixture } from './support/child-apps.js';
import { samples, scrapeWhenIdle, send, sendAndAbort } from './support/http.js';

jest.setTimeout(30_000);

interface Ports {
  main: number;
  prefixed: number;
  async: number;
  asyncMetrics: number;
  control: number;
}

describe.each(['express', 'fastify'] as const)('MetricsModule on @nestjs/platform-%s', (platform) => {
  let apps: RunningFixture | undefined;
  let ports: Ports;
  const main = (path: string) => `http://127.0.0.1:${ports.main}${path}`;
  const prefixed = (path: string) => `http://127.0.0.1:${ports.prefixed}${path}`;
  const requests = (text: string) => samples(text, 'http_requests_total');

  beforeAll(async () => {
    apps = await startFixture('nest-apps', [platform], 60_000);
    ports = apps.output as Ports;
  }, 70_000);

  afterAll(async () => {
    await apps?.stop();
  });

  test('GET /metrics through Nest: the route template of /users/42 and the decorated provider in the same scrape', async () => {
    expect(await send(main('/users/42'))).toMatchObject({ status: 200, text: '{"id":"42"}' });
    const scrape = await send(main('/metrics'));
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(requests(scrape.text)).toContain('http_requests_total{method="GET",route="/users/:id",status_code="200"} 1');
    expect(samples(scrape.text, 'method_calls_total').filter((line) => line.includes('class="UserService"'))).toEqual([
      'method_calls_total{class="UserService",method="find",result="error"} 0',
      'method_calls_total{class="UserService",method="find",result="ok"} 1',
    ]);
    // @Timed below @Get() on the controller, @Counted above @Post(): both orders route and record.
    expect(samples(scrape.text, 'method_duration_seconds_count')).toEqual([
      'method_duration_seconds_count{class="UsersController",method="get",result="error"} 0',
      'method_duration_seconds_count{class="UsersController",method="get",result="ok"} 1',
    ]);
    expect(await send(main('/users'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ada"}' })).toMatchObject({
      status: 201,
      text: '{"created":"ada"}',
    });
    const after = await scrapeWhenIdle(main('/metrics'));
    expect(samples(after, 'method_calls_total').filter((line) => line.includes('class="UsersController"'))).toEqual([
      'method_calls_total{class="UsersController",method="create",result="error"} 0',
      'method_calls_total{class="UsersController",method="create",result="ok"} 1',
    ]);
    expect(requests(after)).toContain('http_requests_total{method="POST",route="/users",status_code="201"} 1');
  });

  test('exceptions are recorded with the status Nest sends: an HttpException its own, a guard 403, any other error 500', async () => {
    expect((await send(main('/errors/teapot'))).status).toBe(418);
    expect((await send(main('/errors/crash'))).status).toBe(500);
    expect((await send(main('/errors/guarded'))).status).toBe(403);
    expect(requests(await scrapeWhenIdle(main('/metrics'))).filter((line) => line.includes('/errors/'))).toEqual([
      'http_requests_total{method="GET",route="/errors/crash",status_code="500"} 1',
      'http_requests_total{method="GET",route="/errors/guarded",status_code="403"} 1',
      'http_requests_total{method="GET",route="/errors/teapot",status_code="418"} 1',
    ]);
  });

  test('a request no handler matched is __unmatched__, never the path nor the not-found handler', async () => {
    expect((await send(main('/no/such/page'))).status).toBe(404);
    expect((await send(main('/users/42/extra'), { method: 'DELETE' })).status).toBe(404);
    const text = await scrapeWhenIdle(main('/metrics'));
    expect(requests(text).filter((line) => line.includes('__unmatched__'))).toEqual([
      'http_requests_total{method="DELETE",route="__unmatched__",status_code="404"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="404"} 1',
    ]);
    expect(text).not.toContain('*path');
    expect(text).not.toContain('/no/such/page');
  });

  test('a request whose client went away is counted once with status 0', async () => {
    await sendAndAbort(main('/errors/slow'), 150);
    let lines: string[] = [];
    for (let attempt = 0; attempt < 100 && lines.length === 0; attempt++) {
      lines = requests((await send(main('/metrics'))).text).filter((line) => line.includes('/errors/slow'));
      if (lines.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lines).toEqual(['http_requests_total{method="GET",route="/errors/slow",status_code="0"} 1']);
  });

  test('a body the platform refuses is counted: before routing on Express (unmatched), after it on Fastify', async () => {
    const answer = await send(main('/users'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(answer.status).toBe(400);
    const route = platform === 'express' ? '__unmatched__' : '/users';
    expect(requests(await scrapeWhenIdle(main('/metrics'))).filter((line) => line.includes('status_code="400"'))).toEqual([
      `http_requests_total{method="POST",route="${route}",status_code="400"} 1`,
    ]);
  });

  test('the endpoint answers as metricsHandler does (HEAD, OPTIONS, 405, gzip, name[], OpenMetrics) and its scrapes are not counted', async () => {
    const head = await send(main('/metrics'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const options = await send(main('/metrics'), { method: 'OPTIONS' });
    expect([options.status, options.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const post = await send(main('/metrics'), { method: 'POST' });
    expect([post.status, post.headers.allow, post.text]).toEqual([405, 'GET, HEAD, OPTIONS', 'Method Not Allowed\n']);
    const zipped = await send(main('/metrics?name[]=http_requests_total'), { headers: { 'accept-encoding': 'gzip', accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const text = gunzipSync(zipped.body).toString('utf8');
    expect(text.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual(['# TYPE http_requests counter']);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).not.toContain('route="/metrics"');
  });

  test('default process metrics are on unless defaultMetrics: false', async () => {
    expect(samples((await send(main('/metrics'))).text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samples((await send(prefixed('/api/metrics'))).text, 'process_cpu_user_seconds_total')).toEqual([]);
  });

  test('global prefix and URI versioning: the route is the full template; unmatched inside and outside the prefix; the metrics under the prefix with globalPrefix: true', async () => {
    expect(await send(prefixed('/api/v1/users/7'))).toMatchObject({ status: 200, text: '{"id":"7"}' });
    expect((await send(prefixed('/health'))).status).toBe(200); // excluded from the prefix
    expect((await send(prefixed('/health'), { method: 'POST' })).status).toBe(404); // Nest's not-found route for the excluded path
    expect((await send(prefixed('/api/nope'))).status).toBe(404);
    expect((await send(prefixed('/nope'))).status).toBe(404);
    expect((await send(prefixed('/metrics'))).status).toBe(404); // served under the prefix only
    expect(requests(await scrapeWhenIdle(prefixed('/api/metrics')))).toEqual([
      'http_requests_total{method="GET",route="/api/v1/users/:id",status_code="200"} 1',
      'http_requests_total{method="GET",route="/health",status_code="200"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="404"} 3',
      'http_requests_total{method="POST",route="__unmatched__",status_code="404"} 1',
    ]);
  });

  test('forRootAsync from a ConfigService-like provider: a port of its own, the app path counted as any other, closed with the app', async () => {
    const item = await send(`http://127.0.0.1:${ports.async}/items/pen`, { headers: { 'user-agent': 'spec' } });
    expect(item).toMatchObject({ status: 200, text: `{"name":"pen","raw":${platform === 'fastify'}}` });
    expect((await send(`http://127.0.0.1:${ports.async}/metrics`, { headers: { 'user-agent': 'spec' } })).status).toBe(404);
    const text = await scrapeWhenIdle(`http://127.0.0.1:${ports.asyncMetrics}/metrics`);
    expect(requests(text)).toEqual([
      'http_requests_total{method="GET",route="/items/:name",status_code="2xx",agent="spec"} 1',
      'http_requests_total{method="GET",route="__unmatched__",status_code="4xx",agent="spec"} 1',
    ]);
    expect(samples(text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(await send(`http://127.0.0.1:${ports.control}/close-async`, { method: 'POST' })).toMatchObject({ status: 200, text: 'closed' });
    await expect(send(`http://127.0.0.1:${ports.asyncMetrics}/metrics`)).rejects.toThrow('ECONNREFUSED');
  });
});

/** This jest run's node, and $NODE24 when it names another binary (as .ci/run sets it). */
function nodeBinaries(): string[] {
  const nodes = [process.execPath];
  const node24 = process.env.NODE24;
  if (node24 !== undefined && node24 !== '' && node24 !== process.execPath) nodes.push(node24);
  return nodes;
}

describe.each(nodeBinaries())('bad options throw at setup, naming MetricsModule.forRoot() and the fix (CommonJS require() of Nest 12 on %s)', (node) => {
  let errors: Record<string, string>;

  beforeAll(async () => {
    const fixture = await startFixture('bad-options', [], 60_000, node);
    errors = fixture.output as Record<string, string>;
    await fixture.stop();
  }, 70_000);

  test('every mistake, with its class and message', () => {
    expect(errors).toEqual({
      'not an object':
        'EndpointOptionsError: MetricsModule.forRoot(): options must be an object, got null. Pass { ... }, or nothing for the defaults.',
      'unknown option':
        'EndpointOptionsError: MetricsModule.forRoot(): unknown option "pathh" (did you mean "path"?). Rename it to "path"',
      'unknown option, far from any':
        'EndpointOptionsError: MetricsModule.forRoot(): unknown option "metricsPort". Remove it; MetricsModule.forRoot() takes defaultMetrics, httpMetrics, port, host, globalPrefix, registry, path, compression, maxConcurrentScrapes, timeoutSeconds, onError, selfMetrics, cluster, basicAuth, bearerToken',
      'unknown httpMetrics option':
        'HttpMetricsOptionsError: MetricsModule.forRoot({ httpMetrics }): option "bucket": unknown option "bucket" (did you mean "buckets"?). Rename it to "buckets"',
      'defaultMetrics not a boolean':
        'EndpointOptionsError: MetricsModule.forRoot(): defaultMetrics must be true or false, got the string "no". Pass { defaultMetrics: false }, or leave it out.',
      'httpMetrics not a boolean or object':
        'EndpointOptionsError: MetricsModule.forRoot(): httpMetrics must be true, false or an object of options, got the string "yes". Pass { httpMetrics: true } or { httpMetrics: { buckets: [...] } }.',
      'httpMetrics buckets unsorted':
        'HttpMetricsOptionsError: MetricsModule.forRoot({ httpMetrics }): option "buckets": buckets must be sorted in increasing order without repeats (1 then 0.1). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]',
      'httpMetrics skip not a function':
        'HttpMetricsOptionsError: MetricsModule.forRoot({ httpMetrics }): option "skip": skip must be a function, got the boolean true. Pass (req) => boolean',
      "httpMetrics registry (the module's own option)":
        `HttpMetricsOptionsError: MetricsModule.forRoot({ httpMetrics }): option "registry": the HTTP metrics write to the module's registry. Pass it to the module: MetricsModule.forRoot({ registry, httpMetrics: { ... } })`,
      'httpMetrics prefix not a string':
        `HttpMetricsOptionsError: MetricsModule.forRoot({ httpMetrics }): option "prefix": prefix must be a string, got the number 3. Pass e.g. { prefix: 'myapp_' }`,
      'path not absolute':
        `EndpointOptionsError: MetricsModule.forRoot(): path "metrics" is not an absolute path (it must start with "/"). Pass { path: '/metrics' }.`,
      'path a pattern':
        `EndpointOptionsError: MetricsModule.forRoot(): path "/metrics/:format" is not a plain path (letters, digits and / . _ ~ -). Pass { path: '/metrics' }.`,
      'port out of range':
        'EndpointOptionsError: MetricsModule.forRoot(): port must be a whole number from 0 to 65535, got the number 70000. Pass { port: 9464 } (0 picks a free port), or leave it out to serve through the app.',
      'host without port':
        `EndpointOptionsError: MetricsModule.forRoot(): host is only used with port (the app binds its own interface). Pass { port: 9464, host: '127.0.0.1' }, or leave host out.`,
      'globalPrefix with port':
        'EndpointOptionsError: MetricsModule.forRoot(): globalPrefix applies to metrics served through the app, not with port. Leave globalPrefix out, or port to serve through the app.',
      'registry not a registry':
        'EndpointOptionsError: MetricsModule.forRoot(): registry must be a Registry of the Prometheus client, got an object. Pass { registry: new Registry() }, or leave it out for the global register.',
      'timeoutSeconds negative':
        'EndpointOptionsError: MetricsModule.forRoot(): timeoutSeconds -1 must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { timeoutSeconds: 10 }.',
      'empty bearer token':
        `EndpointOptionsError: MetricsModule.forRoot(): bearerToken must be a non-empty string. Pass { bearerToken: '<secret>' } or leave it out.`,
      'async: useClass':
        'EndpointOptionsError: MetricsModule.forRootAsync(): unknown option "useClass" (only useFactory is supported). Pass { imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ ... }) }.',
      'async: no useFactory':
        'EndpointOptionsError: MetricsModule.forRootAsync(): useFactory must be a function returning the options of forRoot(). Pass { imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ ... }) }.',
      'async: inject not an array':
        'EndpointOptionsError: MetricsModule.forRootAsync(): inject must be an array of providers. Pass { imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ ... }) }.',
      'async factory: path not absolute':
        `EndpointOptionsError: MetricsModule.forRootAsync(): path "metrics" is not an absolute path (it must start with "/"). Pass { path: '/metrics' }.`,
      'async factory: unknown option':
        'EndpointOptionsError: MetricsModule.forRootAsync(): unknown option "httpMetric" (did you mean "httpMetrics"?). Rename it to "httpMetrics"',
    });
  });
});
