import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from '../support/prometheus-client.js';
import { Counted, exposeMetrics, metricsHandler, type ExposedMetrics } from '../../lib';
import { fetchUrl, sampleLines } from './http-client';

// Issue 2 §7: exposeMetrics(port, options) and metricsHandler(options).
describe('exposeMetrics', () => {
  const started: ExposedMetrics[] = [];
  const expose = async (port: number, options: Parameters<typeof exposeMetrics>[1]) => {
    const exposed = await exposeMetrics(port, { host: '127.0.0.1', ...options });
    started.push(exposed);
    return exposed;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((exposed) => exposed.close().catch(() => undefined)));
  });

  test('port 0 picks a free port, reported in port and url; GET /metrics serves the registry', async () => {
    const registry = new Registry();
    class Orchard {
      @Counted({ registry })
      pick(): number {
        return 1;
      }
    }
    new Orchard().pick();
    const exposed = await expose(0, { registry, defaultMetrics: false });
    expect(exposed.port).toBeGreaterThan(0);
    expect(exposed.url).toBe(`http://127.0.0.1:${exposed.port}/metrics`);
    const response = await fetchUrl(exposed.url);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sampleLines(response.text, 'method_calls_total')).toEqual([
      'method_calls_total{class="Orchard",method="pick",result="ok"} 1',
      'method_calls_total{class="Orchard",method="pick",result="error"} 0',
    ]);
  });

  test('other paths answer 404; the path option moves the endpoint', async () => {
    const registry = new Registry();
    const exposed = await expose(0, { registry, defaultMetrics: false, path: '/internal/metrics' });
    expect(exposed.url).toBe(`http://127.0.0.1:${exposed.port}/internal/metrics`);
    const base = `http://127.0.0.1:${exposed.port}`;
    expect((await fetchUrl(`${base}/internal/metrics`)).status).toBe(200);
    expect((await fetchUrl(`${base}/internal/metrics?name[]=x`)).status).toBe(200);
    for (const path of ['/metrics', '/', '/internal/metrics/', '/favicon.ico']) {
      const response = await fetchUrl(`${base}${path}`);
      expect([path, response.status, response.text]).toEqual([path, 404, 'Not Found\n']);
    }
  });

  test('host binds one interface and is shown in url', async () => {
    const exposed = await expose(0, { registry: new Registry(), defaultMetrics: false, host: '127.0.0.1' });
    expect(exposed.url.startsWith('http://127.0.0.1:')).toBe(true);
    expect((await fetchUrl(exposed.url)).status).toBe(200);
  });

  test('a port in use rejects the promise with EADDRINUSE', async () => {
    const first = await expose(0, { registry: new Registry(), defaultMetrics: false });
    await expect(exposeMetrics(first.port, { host: '127.0.0.1', registry: new Registry(), defaultMetrics: false })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  test('close() frees the port, and later connections are refused', async () => {
    const first = await exposeMetrics(0, { host: '127.0.0.1', registry: new Registry(), defaultMetrics: false });
    await fetchUrl(first.url);
    await first.close();
    await expect(fetchUrl(first.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const second = await expose(first.port, { registry: new Registry(), defaultMetrics: false });
    expect(second.port).toBe(first.port);
  });

  test("prom-client's default Node.js and process metrics are on, once per registry", async () => {
    const registry = new Registry();
    const one = await expose(0, { registry });
    const two = await expose(0, { registry }); // a second server on the registry must not register them twice
    const text = (await fetchUrl(two.url)).text;
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toContain(`\n# TYPE ${name} `);
    }
    expect(text.split('\n').filter((line) => line === '# TYPE process_cpu_seconds_total counter')).toHaveLength(1);
    expect((await fetchUrl(one.url)).status).toBe(200);
  });

  test('defaultMetrics: false leaves them off', async () => {
    const registry = new Registry();
    const exposed = await expose(0, { registry, defaultMetrics: false });
    const text = (await fetchUrl(exposed.url)).text;
    expect(text).not.toContain('process_cpu_seconds_total');
    expect(text).not.toContain('nodejs_');
  });
});

describe('metricsHandler', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  const listen = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  function registryWithCalls(): Registry {
    const registry = new Registry();
    class Barn {
      @Counted({ registry })
      open(): void {}
    }
    new Barn().open();
    return registry;
  }

  test('as a node:http handler: /metrics served, other paths 404', async () => {
    const base = await listen(metricsHandler({ registry: registryWithCalls() }));
    const response = await fetchUrl(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(sampleLines(response.text, 'method_calls_total{class="Barn"')).toEqual([
      'method_calls_total{class="Barn",method="open",result="ok"} 1',
      'method_calls_total{class="Barn",method="open",result="error"} 0',
    ]);
    expect((await fetchUrl(`${base}/elsewhere`)).status).toBe(404);
  });

  test('in Express: on a route (the route decides the path) and as app.use middleware that passes other paths on', async () => {
    const registry = registryWithCalls();
    const app = express();
    app.get('/internal/stats', metricsHandler({ registry }));
    app.use(metricsHandler({ registry }));
    app.get('/hello', (_request, response) => {
      response.send('hello from the app');
    });
    const base = await listen(app);
    for (const path of ['/internal/stats', '/metrics']) {
      const response = await fetchUrl(`${base}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.text).toContain('method_calls_total{class="Barn",method="open",result="ok"} 1\n');
    }
    expect((await fetchUrl(`${base}/hello`)).text).toBe('hello from the app');
    expect((await fetchUrl(`${base}/nothing`)).status).toBe(404);
  });
});
