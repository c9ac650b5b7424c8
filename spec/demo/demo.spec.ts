/**
 * The demo service in-process on loopback: each tutorial's route answers as the tutorial's
 * app does and moves exactly the metrics the tutorial defines.
 */
import { createServer } from 'node:net';
import { startDemo, type RunningDemo } from '../../demo/server.js';
import { formatSummary, runLoad } from '../../demo/load.js';
import { httpRequest, valueIn } from './support/http.js';
import { freePort } from './support/prometheus.js';

let demo: RunningDemo;
let app: string;

/** The middle of every die: no injected failure, no slow path, jobs succeed. */
const NO_DICE = () => 0.5;

beforeAll(async () => {
  demo = await startDemo({ host: '127.0.0.1', port: 0, metricsPort: 0, random: NO_DICE });
  app = demo.appUrl.replace(/\/$/, '');
});
afterAll(() => demo.close());

const scrape = async () => (await httpRequest(demo.metricsUrl)).body;

/** How much each listed series moved while `action` ran. */
async function changes(series: [name: string, labels?: Record<string, string>][], action: () => Promise<void>): Promise<(number | undefined)[]> {
  const before = await scrape();
  await action();
  const after = await scrape();
  return series.map(([name, labels]) => {
    const end = valueIn(after, name, labels);
    return end === undefined ? undefined : end - (valueIn(before, name, labels) ?? 0);
  });
}

describe('the demo service', () => {
  it('prints where to look: the app and metrics URLs on the bound address and ports', () => {
    expect(demo.address).toBe('127.0.0.1');
    expect(demo.appUrl).toBe(`http://127.0.0.1:${demo.port}/`);
    expect(demo.metricsUrl).toBe(`http://127.0.0.1:${demo.metricsPort}/metrics`);
  });

  it('French TP: /example counts requests, exceptions (about 20%), latency, in-progress, last success and sales', async () => {
    const moved = await changes(
      [['example_app_total'], ['example_app_exceptions_total'], ['example_app_latency_seconds_count'], ['example_app_request_inprogress'], ['example_sales_total']],
      async () => {
        expect(await httpRequest(`${app}/example`)).toEqual({ status: 200, body: 'A sale of 0.50 EUR was made.\n' });
        expect(await httpRequest(`${app}/example?fail=1`)).toMatchObject({ status: 500, body: expect.stringMatching(/^ExampleAppFailure: /) });
      },
    );
    expect(moved).toEqual([2, 1, 2, 0, 0.5]);
    const text = await scrape();
    expect(valueIn(text, 'example_app_request_last_time_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(text).toContain('# TYPE example_app_latency_seconds histogram');
    expect(valueIn(text, 'example_app_latency_seconds_bucket', { le: '0.005' })).toBeDefined();
  });

  it('PyCon: /treecounter counts requests_total by status and endpoint, and TreeService carries the default metrics', async () => {
    const moved = await changes(
      [
        ['requests_total', { status: '200', endpoint: '/treecounter' }],
        ['requests_total', { status: '500', endpoint: '/treecounter' }],
        ['method_calls_total', { class: 'TreeService', method: 'countTrees', result: 'ok' }],
        ['method_calls_total', { class: 'TreeService', method: 'countTrees', result: 'error' }],
        ['method_exceptions_total', { class: 'TreeService', method: 'countTrees', error: 'TreeCountUnavailable' }],
        ['request_latency_seconds_count', { endpoint: '/treecounter' }],
      ],
      async () => {
        expect(await httpRequest(`${app}/treecounter`)).toMatchObject({ status: 200, body: expect.stringMatching(/^\d+ trees planted by Ecosia users\n$/) });
        expect((await httpRequest(`${app}/treecounter?fail=1`)).status).toBe(500);
      },
    );
    expect(moved).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('Flask: page counters, list_size as a gauge, the upstream call in a histogram and a summary, info and state', async () => {
    const moved = await changes(
      [['home_page_visits_total'], ['about_page_visits_total'], ['request_duration_seconds_count', { method: 'GET', endpoint: '/repos' }], ['request_processing_seconds_count', { method: 'get', endpoint: '/repos' }]],
      async () => {
        expect(await httpRequest(`${app}/`)).toEqual({ status: 200, body: 'Welcome to the Home Page\n' });
        expect(await httpRequest(`${app}/about`)).toEqual({ status: 200, body: 'Welcome to the About Page\n' });
        expect(JSON.parse((await httpRequest(`${app}/repos/prometheus/prometheus`)).body)).toMatchObject({ full_name: 'prometheus/prometheus' });
      },
    );
    expect(moved).toEqual([1, 1, 1, 1]);

    for (const path of ['/add/5', '/add/10', '/add/21', '/remove/5']) expect((await httpRequest(`${app}${path}`)).status).toBe(200);
    expect(await httpRequest(`${app}/remove/99`)).toEqual({ status: 500, body: 'NotInList: 99 is not in my_list\n' });
    const text = await scrape();
    expect(valueIn(text, 'list_size', { list: 'my_list' })).toBe(2);
    expect(valueIn(text, 'method_exceptions_total', { class: 'NumberList', method: 'remove', error: 'NotInList' })).toBe(1);
    expect(valueIn(text, 'application_info', { version: '0.1.0', author: 'prom-decorators' })).toBe(1);
    expect(['loading', 'missing', 'running', 'stopped'].map((state) => valueIn(text, 'application_state', { application_state: state }))).toEqual([0, 0, 1, 0]);
  });

  it('Japanese tutorial: GET/POST counters, one exception counter for both, summaries, status codes of every answer', async () => {
    const moved = await changes(
      [
        ['http_get_requests_total'],
        ['http_post_requests_total'],
        ['exceptions_total'],
        ['http_get_request_processing_seconds_count'],
        ['http_post_request_processing_seconds_count', { method: 'POST', url: '/echo' }],
        ['http_status_total', { method: 'GET', url: '/echo', status_code: '200' }],
        ['http_status_total', { method: 'POST', url: '/echo', status_code: '200' }],
        ['http_status_total', { method: 'GET', url: '/error', status_code: '500' }],
        ['http_status_total', { method: 'POST', url: '/deep/error', status_code: '500' }],
      ],
      async () => {
        expect(await httpRequest(`${app}/echo?message=hello`)).toEqual({ status: 200, body: 'Hello World!! from /echo as GET\n' });
        expect(await httpRequest(`${app}/echo`, 'POST', 'message=hello')).toEqual({ status: 200, body: 'Hello World!! from /echo as POST (13 bytes)\n' });
        expect((await httpRequest(`${app}/error`)).status).toBe(500);
        expect((await httpRequest(`${app}/deep/error`, 'POST', 'x')).status).toBe(500);
      },
    );
    expect(moved).toEqual([2, 2, 2, 2, 1, 1, 1, 1, 1]);
  });

  it('AYS jobs: counted and timed by status, running gauge, default metrics and last success', async () => {
    const moved = await changes(
      [
        ['ays_job_count_total', { status: 'ok' }],
        ['ays_job_count_total', { status: 'error' }],
        ['ays_job_count_total', { status: 'timeout' }],
        ['ays_job_latency_seconds_count', { status: 'timeout' }],
        ['ays_job_running'],
        ['method_calls_total', { class: 'JobRunner', method: 'execute', result: 'error' }],
        ['method_exceptions_total', { class: 'JobRunner', method: 'execute', error: 'JobTimeout' }],
      ],
      async () => {
        expect(await httpRequest(`${app}/jobs/run`)).toEqual({ status: 200, body: 'job finished: ok\n' });
        expect(await httpRequest(`${app}/jobs/run?outcome=error`)).toEqual({ status: 500, body: 'JobFailed: the job raised an error\n' });
        expect(await httpRequest(`${app}/jobs/run?outcome=timeout`)).toEqual({ status: 504, body: 'JobTimeout: job cancelled after 250 ms\n' });
      },
    );
    expect(moved).toEqual([1, 1, 1, 1, 0, 2, 1]);
    expect(valueIn(await scrape(), 'method_last_success_timestamp_seconds', { class: 'JobRunner', method: 'execute' })).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('counts every request by method, route template and status with the node:http request metrics (ids never become labels)', async () => {
    const series = (route: string, status: string): [string, Record<string, string>] => ['http_requests_total', { method: 'GET', route, status_code: status }];
    const moved = await changes(
      [series('/add/:n', '200'), series('/repos/:user/:repo', '200'), series('/*/error', '500'), series('__unmatched__', '404'), ['http_request_duration_seconds_count', { method: 'GET', route: '/add/:n', status_code: '200' }]],
      async () => {
        await httpRequest(`${app}/add/3`);
        await httpRequest(`${app}/add/40`);
        await httpRequest(`${app}/repos/prometheus/client_python`);
        await httpRequest(`${app}/users/error`);
        await httpRequest(`${app}/no/such/page`);
      },
    );
    expect(moved).toEqual([2, 1, 1, 1, 2]);
    const text = await scrape();
    expect(text).not.toContain('route="/add/3"');
    expect(text).not.toContain('client_python"');
    expect(valueIn(text, 'http_requests_in_flight', { method: 'GET', route: '/add/:n' }) ?? 0).toBe(0); // no request left in flight
  });

  it('answers 404 with the list of routes, and 405 to other methods', async () => {
    expect(await httpRequest(`${app}/nope`)).toMatchObject({ status: 404, body: expect.stringContaining('GET /treecounter') });
    expect((await httpRequest(`${app}/`, 'DELETE')).status).toBe(405);
  });
});

describe('the load generator', () => {
  it('sends the requested number of requests over every route and sums them up', async () => {
    const before = await scrape();
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const summary = await runLoad({ target: app, requests: 120, concurrency: 6, random });
    const after = await scrape();
    const moved = (name: string) => (valueIn(after, name) ?? 0) - (valueIn(before, name) ?? 0);

    expect(summary.requests).toBe(120);
    expect(Object.values(summary.byRoute).reduce((sum, route) => sum + route.requests, 0)).toBe(120);
    expect(Object.values(summary.byStatus).reduce((sum, count) => sum + count, 0)).toBe(120);
    expect(summary.byStatus.failed).toBeUndefined();
    expect(summary.errors).toBe(Object.entries(summary.byStatus).filter(([status]) => Number(status) >= 500).reduce((sum, [, count]) => sum + count, 0));
    expect(Object.keys(summary.byRoute).length).toBeGreaterThanOrEqual(10);
    expect(moved('example_app_total')).toBe(summary.byRoute['GET /example'].requests);
    expect(moved('home_page_visits_total')).toBe(summary.byRoute['GET /'].requests);
    expect(formatSummary(summary)).toMatch(/^120 requests in [\d.]+ s \([\d.]+ req\/s\), \d+ errors \([\d.]+%\)\n/);
  });

  it('stops on its signal and on its duration', async () => {
    const stop = new AbortController();
    stop.abort();
    expect((await runLoad({ target: app, signal: stop.signal })).requests).toBe(0);
    expect((await runLoad({ target: app, durationSeconds: 0.3, concurrency: 2 })).seconds).toBeLessThan(10);
  });

  it('paces its starts at ratePerSecond, however many workers it has', async () => {
    const summary = await runLoad({ target: app, requests: 4, ratePerSecond: 10, concurrency: 4 });
    expect(summary.requests).toBe(4);
    // Starts at 0, 100, 200 and 300 ms: unpaced, four requests take a few milliseconds.
    expect(summary.seconds).toBeGreaterThanOrEqual(0.29);
  });

  it('sends nothing past its duration when the next start would fall after it', async () => {
    const summary = await runLoad({ target: app, durationSeconds: 0.25, ratePerSecond: 10, concurrency: 4 });
    expect(summary.requests).toBe(3); // at 0, 100 and 200 ms
  });

  it('stops at once on its signal, leaving out the request it cut short', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    // Always GET /repos/<user>/<repo>, which takes 325 ms with the middle dice.
    const summary = await runLoad({ target: app, ratePerSecond: 0.5, concurrency: 2, signal: stop.signal, random: () => 0.7 });
    expect(summary).toMatchObject({ requests: 0, errors: 0, byStatus: {} });
    expect(summary.seconds).toBeLessThan(0.3);
  });

  it('counts requests that get no answer as errors', async () => {
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)));
    await new Promise((resolve) => closed.close(resolve));
    const summary = await runLoad({ target: `http://127.0.0.1:${port}`, requests: 3, concurrency: 1 });
    expect(summary).toMatchObject({ requests: 3, errors: 3, byStatus: { failed: 3 } });
  });
});

describe('startDemo', () => {
  it('rejects with the listen error of a taken app port, leaving the metrics port free', async () => {
    const metricsPort = await freePort();
    await expect(startDemo({ host: '127.0.0.1', port: demo.port, metricsPort })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(metricsPort, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
  });

  it('frees both ports on close', async () => {
    const second = await startDemo({ host: '127.0.0.1', port: 0, metricsPort: 0, random: NO_DICE });
    await second.close();
    const again = await startDemo({ host: '127.0.0.1', port: second.port, metricsPort: second.metricsPort, random: NO_DICE });
    await again.close();
    expect(again.port).toBe(second.port);
  });
});
