import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from '../support/prometheus-client.js';
import { resetWarnings } from '../../lib/log.js';
import { nodeHttpMetrics } from '../../lib/http-metrics/node-http.js';
import type { NodeHttpMetricsOptions } from '../../lib/http-metrics/node-http.js';
import { listen, samples, scrapeWhenIdle, send, stop } from './http-client.js';

/** Issue 12, item 11: the HTTP metrics' caps bound memory per route, and idle series can expire. */
describe('HTTP metrics series limits', () => {
  let server: Server | undefined;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    resetWarnings();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    warn.mockRestore();
    jest.restoreAllMocks();
    if (server !== undefined) await stop(server);
    server = undefined;
  });
  const start = async (options: NodeHttpMetricsOptions<'tenant'>) => {
    server = createServer(nodeHttpMetrics((_req: IncomingMessage, res: ServerResponse) => res.end('ok'), options));
    return listen(server);
  };
  const byTenant = {
    route: (req: IncomingMessage) => req.url?.split('?')[0],
    labelNames: ['tenant'] as const,
    labelsFrom: (req: IncomingMessage) => ({ tenant: String(req.headers['x-tenant'] ?? 'none') }),
  };

  test('one noisy x-tenant on one route overflows that route only: other routes keep their own series', async () => {
    const registry = new Registry();
    const url = await start({ registry, ...byTenant, maxSeries: 6, maxSeriesPerRoute: 3 });
    for (let tenant = 0; tenant < 6; tenant++) await send(`${url}/a`, { headers: { 'x-tenant': `t${tenant}` } });
    await send(`${url}/b`, { headers: { 'x-tenant': 't0' } });
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/a",status_code="200",tenant="__overflow__"} 3',
      'http_requests_total{method="GET",route="/a",status_code="200",tenant="t0"} 1',
      'http_requests_total{method="GET",route="/a",status_code="200",tenant="t1"} 1',
      'http_requests_total{method="GET",route="/a",status_code="200",tenant="t2"} 1',
      'http_requests_total{method="GET",route="/b",status_code="200",tenant="t0"} 1',
    ]);
    expect(samples(text, 'prom_decorators_series_overflow_total')).toEqual([
      'prom_decorators_series_overflow_total{metric="http_request_duration_seconds"} 3',
      'prom_decorators_series_overflow_total{metric="http_requests_total"} 3',
    ]);
    expect(warn.mock.calls.map((call) => call[0])).toEqual([
      'prom-decorators: route "/a" reached its cap of 3 series of the HTTP metrics; its new label combinations are recorded with their labelsFrom labels as __overflow__ (raise it with the maxSeriesPerRoute option, or compute labels with fewer distinct values)',
    ]);
  });

  test('label values longer than 256 characters are cut, ending with …', async () => {
    const registry = new Registry();
    const url = await start({ registry, ...byTenant });
    // 10 KB: node refuses request headers past 16 KB before any middleware sees them
    await send(`${url}/a`, { headers: { 'x-tenant': 'x'.repeat(10_000) } });
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([`http_requests_total{method="GET",route="/a",status_code="200",tenant="${'x'.repeat(255)}…"} 1`]);
  });

  test('seriesTtlSeconds: a series not written for that long leaves the scrape, and comes back from zero', async () => {
    let now = 1_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const registry = new Registry();
    const url = await start({ registry, ...byTenant, seriesTtlSeconds: 60 });
    await send(`${url}/a`, { headers: { 'x-tenant': 'old' } });
    await send(`${url}/a`, { headers: { 'x-tenant': 'busy' } });
    await scrapeWhenIdle(registry);
    now += 30_000;
    await send(`${url}/a`, { headers: { 'x-tenant': 'busy' } });
    await scrapeWhenIdle(registry);
    now += 31_000;
    let text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/a",status_code="200",tenant="busy"} 2']);
    expect(samples(text, 'http_request_duration_seconds_count')).toEqual(['http_request_duration_seconds_count{method="GET",route="/a",status_code="200",tenant="busy"} 2']);
    await send(`${url}/a`, { headers: { 'x-tenant': 'old' } });
    text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/a",status_code="200",tenant="busy"} 2',
      'http_requests_total{method="GET",route="/a",status_code="200",tenant="old"} 1',
    ]);
  });

  test.each([
    { option: 'maxSeriesPerRoute', value: 0 },
    { option: 'seriesTtlSeconds', value: -1 },
    { option: 'seriesTtlSeconds', value: Infinity },
  ])('$option: $value is refused when the middleware is created', ({ option, value }) => {
    expect(() => nodeHttpMetrics(() => undefined, { route: () => '/', [option]: value })).toThrow(option);
  });
});
