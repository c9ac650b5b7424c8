import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from '../support/prometheus-client.js';
import { resetWarnings } from '../../lib/log.js';
import { nodeHttpMetrics } from '../../lib/http-metrics/node-http.js';
import { listen, samples, scrapeWhenIdle, send, stop } from './http-client.js';

/** The node:http wrapper: the listener untouched, the route from the user, and every run-time failure contained. */
describe('nodeHttpMetrics() for node:http', () => {
  let server: Server | undefined;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    resetWarnings();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    warn.mockRestore();
    if (server !== undefined) await stop(server);
    server = undefined;
  });
  const start = async (listener: (req: IncomingMessage, res: ServerResponse) => unknown) => {
    server = createServer(listener);
    return listen(server);
  };
  const hello = (_req: IncomingMessage, res: ServerResponse) => res.end('hello');

  test('calls the listener with the same this, arguments and return value', async () => {
    const registry = new Registry();
    const seen: unknown[] = [];
    const listener = function (this: unknown, req: IncomingMessage, res: ServerResponse) {
      seen.push(this, req.url);
      res.end('ok');
      return 'returned';
    };
    const wrapped = nodeHttpMetrics(listener, { registry, route: () => '/x' });
    const url = await start(function (this: unknown, req, res) {
      seen.push(wrapped.call(this, req, res));
    });
    await send(`${url}/x?q=1`);
    expect(seen).toEqual([server, '/x?q=1', 'returned']);
  });

  test('caps the series when route returns raw values, recording the rest under __overflow__', async () => {
    const registry = new Registry();
    const url = await start(nodeHttpMetrics(hello, { registry, route: (req) => req.url, maxSeries: 2 }));
    for (const id of ['a', 'b', 'c', 'd']) await send(`${url}/${id}`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/a",status_code="200"} 1',
      'http_requests_total{method="GET",route="/b",status_code="200"} 1',
      'http_requests_total{method="GET",route="__overflow__",status_code="200"} 2',
    ]);
    expect(warn.mock.calls.map((call) => String(call[0]).split(';')[0])).toEqual([
      'prom-decorators: metric "http_requests_total" reached its cap of 2 series',
      'prom-decorators: metric "http_request_duration_seconds" reached its cap of 2 series',
    ]);
  });

  test('records computed labels that throw or are not strings as __error__, logs once, and serves the request', async () => {
    const registry = new Registry();
    let calls = 0;
    const url = await start(
      nodeHttpMetrics(hello, {
        registry,
        route: () => '/hello',
        labelNames: ['region'],
        labelsFrom: () => {
          calls++;
          if (calls === 1) throw new Error('no region');
          return { region: (calls === 2 ? null : 'eu') as string };
        },
      }),
    );
    for (let i = 0; i < 3; i++) expect((await send(`${url}/hello`)).body).toBe('hello');
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/hello",status_code="200",region="__error__"} 2',
      'http_requests_total{method="GET",route="/hello",status_code="200",region="eu"} 1',
    ]);
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      'prom-decorators: labelsFrom of nodeHttpMetrics() threw; its labels were recorded as __error__',
      'prom-decorators: labelsFrom of nodeHttpMetrics() gave label "region" a null value; recorded as __error__ (labels must be strings or numbers)',
    ]);
  });

  test('counts a request whose route or skip function throws, as __unmatched__, and serves it', async () => {
    const registry = new Registry();
    const url = await start(
      nodeHttpMetrics(hello, {
        registry,
        route: () => {
          throw new Error('router broken');
        },
        skip: () => {
          throw new Error('skip broken');
        },
      }),
    );
    expect((await send(`${url}/a`)).body).toBe('hello');
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="__unmatched__",status_code="200"} 1']);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  test('shares its metrics with another form on the same registry', async () => {
    const registry = new Registry();
    const first = nodeHttpMetrics(hello, { registry, route: () => '/one' });
    const second = nodeHttpMetrics(hello, { registry, route: () => '/two' });
    const url = await start((req, res) => (req.url === '/one' ? first(req, res) : second(req, res)));
    await send(`${url}/one`);
    await send(`${url}/two`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/one",status_code="200"} 1',
      'http_requests_total{method="GET",route="/two",status_code="200"} 1',
    ]);
  });

  test('counts a request the server times out once, with status 0', async () => {
    const registry = new Registry();
    const neverAnswers = () => undefined;
    const url = await start(nodeHttpMetrics(neverAnswers, { registry, route: () => '/hang' }));
    server!.setTimeout(50); // an idle socket is destroyed after 50 ms
    await expect(send(`${url}/hang`)).rejects.toThrow('socket hang up');
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/hang",status_code="0"} 1']);
    expect(samples(text, 'http_request_duration_seconds_count')).toEqual(['http_request_duration_seconds_count{method="GET",route="/hang",status_code="0"} 1']);
  });

  test('counts the metrics path when metricsPath is false', async () => {
    const registry = new Registry();
    const url = await start(nodeHttpMetrics(hello, { registry, route: (req) => req.url, metricsPath: false }));
    await send(`${url}/metrics`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/metrics",status_code="200"} 1']);
  });
});
