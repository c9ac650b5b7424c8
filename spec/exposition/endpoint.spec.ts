import { Gauge, Registry } from '../support/prometheus-client.js';
import { Counted, exposeMetrics, metricsHandler, type ExposedMetrics, type ExposeMetricsOptions } from '../../lib';
import { EndpointOptionsError } from '../../lib/errors';
import { koaMetrics } from '../../lib/exposition/koa';
import { resetWarnings } from '../../lib/log';
import { fetchUrl, PROMETHEUS_ACCEPT, sampleLines, withCreatedChecked } from './http-client';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** A collector the test holds open until it calls release(); counts how often it ran. */
function gatedGauge(registry: Registry, name: string) {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const state = { collections: 0 };
  new Gauge({
    name,
    help: 'A gauge whose collection waits for the test',
    registers: [registry],
    async collect() {
      state.collections++;
      await gate;
      this.set(state.collections);
    },
  });
  return {
    state,
    release: () => release(),
    rearm: () => {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
  };
}

/**
 * A gauge whose every collection waits for its own gate: `answer(n)` lets the nth collection
 * (from 1) finish. A collection never answered is a hung collector.
 */
function hangingGauge(registry: Registry, name: string) {
  const gates: Array<() => void> = [];
  const state = { collections: 0 };
  new Gauge({
    name,
    help: 'A gauge whose collections each wait for the test',
    registers: [registry],
    async collect() {
      const call = ++state.collections;
      await new Promise<void>((resolve) => (gates[call] = resolve));
      this.set(call);
    },
  });
  return {
    state,
    answer: (call: number) => gates[call]?.(),
    answerAll: () => gates.forEach((release) => release()),
    /** Bounded wait until `count` collections have started. */
    async started(count: number) {
      for (let i = 0; i < 300 && state.collections < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(state.collections).toBe(count);
    },
  };
}

function registryWithCalls(): Registry {
  const registry = new Registry();
  class Orchard {
    @Counted({ registry })
    pick(): number {
      return 1;
    }
  }
  new Orchard().pick();
  return registry;
}

describe('the /metrics endpoint (issue 5 §1)', () => {
  const started: ExposedMetrics[] = [];
  const releases: Array<() => void> = [];
  const expose = async (options: ExposeMetricsOptions): Promise<ExposedMetrics> => {
    const exposed = await exposeMetrics(0, { host: '127.0.0.1', defaultMetrics: false, ...options });
    started.push(exposed);
    return exposed;
  };
  let warn: jest.SpyInstance;
  beforeEach(() => {
    resetWarnings();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    releases.splice(0).forEach((release) => release());
    await Promise.all(started.splice(0).map((exposed) => exposed.close()));
    warn.mockRestore();
  });

  describe('methods', () => {
    test('GET 200 with the text format, Vary and Cache-Control', async () => {
      const { url } = await expose({ registry: registryWithCalls(), selfMetrics: false });
      const response = await fetchUrl(url);
      expect(response.status).toBe(200);
      expect(response.headers).toMatchObject({ 'content-type': TEXT, vary: 'Accept, Accept-Encoding', 'cache-control': 'no-store' });
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.text).toBe(
        [
          '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
          '# TYPE method_calls_total counter',
          'method_calls_total{class="Orchard",method="pick",result="ok"} 1',
          'method_calls_total{class="Orchard",method="pick",result="error"} 0',
          '',
        ].join('\n'),
      );
      expect(response.headers['content-length']).toBe(String(response.raw.length));
    });

    test('HEAD: the same status and headers as GET, no body', async () => {
      const { url } = await expose({ registry: registryWithCalls(), selfMetrics: false });
      const get = await fetchUrl(url);
      const head = await fetchUrl(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.raw.length).toBe(0);
      for (const name of ['content-type', 'content-length', 'vary', 'cache-control']) expect([name, head.headers[name]]).toEqual([name, get.headers[name]]);
    });

    test('OPTIONS 204 with Allow; every other method 405 with the same Allow', async () => {
      const { url } = await expose({ registry: registryWithCalls() });
      const options = await fetchUrl(url, { method: 'OPTIONS' });
      expect(options.status).toBe(204);
      expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(options.raw.length).toBe(0);
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await fetchUrl(url, { method, headers: { 'Accept-Encoding': 'gzip' } });
        expect([method, response.status, response.headers.allow, response.text]).toEqual([method, 405, 'GET, HEAD, OPTIONS', 'Method Not Allowed\n']);
        expect(response.headers['content-encoding']).toBeUndefined();
      }
    });
  });

  describe('negotiation', () => {
    test.each([
      ['Prometheus 2.x', PROMETHEUS_ACCEPT, OPENMETRICS],
      ['OpenMetrics weighted higher', 'text/plain;version=0.0.4;q=0.3,application/openmetrics-text;version=1.0.0;q=0.8', OPENMETRICS],
      ['text weighted higher', 'application/openmetrics-text;version=1.0.0;q=0.2,text/plain;version=0.0.4;q=0.8', TEXT],
      ['*/*', '*/*', TEXT],
      ['an unknown type', 'application/json', TEXT],
      ['no Accept', undefined, TEXT],
    ])('%s (Accept: %s) gets %s, never 406', async (_label, accept, contentType) => {
      const { url } = await expose({ registry: registryWithCalls(), selfMetrics: false });
      const response = await fetchUrl(url, { headers: accept === undefined ? {} : { Accept: accept } });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(contentType);
      if (contentType === OPENMETRICS) {
        expect(withCreatedChecked(sampleLines(response.text, 'method_calls'))).toEqual([
          'method_calls_total{class="Orchard",method="pick",result="ok"} 1',
          'method_calls_created{class="Orchard",method="pick",result="ok"} <created>',
          'method_calls_total{class="Orchard",method="pick",result="error"} 0',
          'method_calls_created{class="Orchard",method="pick",result="error"} <created>',
        ]);
        expect(response.text.endsWith('\n# EOF\n')).toBe(true);
      } else {
        expect(response.text).not.toContain('# EOF');
      }
    });

    test('one registry answers concurrent text and OpenMetrics scrapes correctly', async () => {
      const { url } = await expose({ registry: registryWithCalls(), selfMetrics: false });
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, index) => fetchUrl(url, { headers: { Accept: index % 2 === 0 ? PROMETHEUS_ACCEPT : 'text/plain' } })),
      );
      responses.forEach((response, index) => {
        const openMetrics = index % 2 === 0;
        expect(response.headers['content-type']).toBe(openMetrics ? OPENMETRICS : TEXT);
        expect(response.text).toContain(openMetrics ? '# TYPE method_calls counter\n' : '# TYPE method_calls_total counter\n');
      });
    });
  });

  describe('compression', () => {
    test('gzip when Accept-Encoding allows it; the decoded body is the plain one', async () => {
      const { url } = await expose({ registry: registryWithCalls(), selfMetrics: false });
      const plain = await fetchUrl(url);
      const zipped = await fetchUrl(url, { headers: { 'Accept-Encoding': 'gzip, deflate' } });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['content-length']).toBe(String(zipped.raw.length));
      expect(zipped.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(zipped.text).toBe(plain.text);
      const refused = await fetchUrl(url, { headers: { 'Accept-Encoding': 'gzip;q=0' } });
      expect(refused.headers['content-encoding']).toBeUndefined();
    });

    test('compression: false never gzips', async () => {
      const { url } = await expose({ registry: registryWithCalls(), compression: false });
      const response = await fetchUrl(url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.text).toContain('method_calls_total{class="Orchard",method="pick",result="ok"} 1\n');
    });
  });

  test('name[] keeps only the named families (repeatable)', async () => {
    const registry = registryWithCalls();
    new Gauge({ name: 'queue_depth', help: 'Depth', registers: [registry] }).set(4);
    new Gauge({ name: 'other_gauge', help: 'Other', registers: [registry] }).set(1);
    const { url } = await expose({ registry });
    const response = await fetchUrl(`${url}?name[]=queue_depth&name[]=method_calls_total`);
    expect(response.text.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual(['# TYPE method_calls_total counter', '# TYPE queue_depth gauge']);
    expect(sampleLines(response.text, 'queue_depth')).toEqual(['queue_depth 4']);
    const encoded = await fetchUrl(`${url}?name%5B%5D=other_gauge`);
    expect(encoded.text).toBe('# HELP other_gauge Other\n# TYPE other_gauge gauge\nother_gauge 1\n');
  });

  describe('load', () => {
    test('scrapes over the cap are answered 503; concurrent scrapes share one collection', async () => {
      const registry = new Registry();
      const slow = gatedGauge(registry, 'slow_gauge');
      releases.push(slow.release);
      const { url } = await expose({ registry, maxConcurrentScrapes: 2 });
      const first = fetchUrl(url);
      const second = fetchUrl(url, { headers: { Accept: PROMETHEUS_ACCEPT } });
      // Bounded wait until both are inside the handler (the collector has started).
      for (let i = 0; i < 200 && slow.state.collections === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const third = await fetchUrl(url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(third.status).toBe(503);
      expect(third.text).toBe('Too many concurrent scrapes (limit 2)\n');
      expect(third.headers['content-encoding']).toBeUndefined();
      slow.release();
      const [one, two] = await Promise.all([first, second]);
      expect([one.status, two.status]).toEqual([200, 200]);
      expect(slow.state.collections).toBe(1);
      expect(sampleLines(one.text, 'slow_gauge')).toEqual(['slow_gauge 1']);
      expect(sampleLines(two.text, 'slow_gauge')).toEqual(['slow_gauge 1']);
      expect(two.text.endsWith('# EOF\n')).toBe(true);
      expect(sampleLines(one.text, 'prom_decorators_scrapes_in_flight')).toEqual(['prom_decorators_scrapes_in_flight 2']);
      const after = await fetchUrl(url);
      expect(sampleLines(after.text, 'prom_decorators_scrapes_total')).toEqual([
        'prom_decorators_scrapes_total{code="503"} 1',
        'prom_decorators_scrapes_total{code="200"} 2',
      ]);
      expect(slow.state.collections).toBe(2);
    });

    test('a collection slower than timeoutSeconds is answered 503', async () => {
      const registry = new Registry();
      const slow = gatedGauge(registry, 'stuck_gauge');
      releases.push(slow.release);
      const { url } = await expose({ registry, timeoutSeconds: 0.2 });
      const response = await fetchUrl(url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(response.status).toBe(503);
      expect(response.text).toBe('Collecting metrics took longer than 0.2s\n');
      expect(response.headers['content-encoding']).toBeUndefined();
    });

    test('a hung collector breaks only the scrapes that wait for it: a timeout evicts it, logs it once, counts it, and the next scrape collects afresh (issue 12 item 1)', async () => {
      const registry = registryWithCalls();
      const stuck = hangingGauge(registry, 'stuck_gauge');
      releases.push(stuck.answerAll);
      const { url } = await expose({ registry, timeoutSeconds: 0.2 });
      for (const call of [1, 2]) {
        const response = await fetchUrl(url);
        expect([response.status, response.text]).toEqual([503, 'Collecting metrics took longer than 0.2s\n']);
        expect(stuck.state.collections).toBe(call); // a fresh collection each time, never the hung one joined
      }
      expect(warn.mock.calls).toEqual([
        ['prom-decorators: collecting metric "stuck_gauge" had not answered after 0.2s; answered 503, and the next scrape collects afresh'],
      ]);
      // Healthy again: the third collection answers, and is served (the first two still hang).
      const third = fetchUrl(url);
      await stuck.started(3);
      stuck.answer(3);
      const served = await third;
      expect(served.status).toBe(200);
      expect(sampleLines(served.text, 'stuck_gauge')).toEqual(['stuck_gauge 3']);
      expect(sampleLines(served.text, 'method_calls_total')).toEqual([
        'method_calls_total{class="Orchard",method="pick",result="ok"} 1',
        'method_calls_total{class="Orchard",method="pick",result="error"} 0',
      ]);
      expect(sampleLines(served.text, 'prom_decorators_collect_timeouts_total')).toEqual(['prom_decorators_collect_timeouts_total 2']);
      expect(sampleLines(served.text, 'prom_decorators_scrapes_total')).toEqual(['prom_decorators_scrapes_total{code="503"} 2']);
      expect(warn).toHaveBeenCalledTimes(1);
    });

    test('an evicted collection that settles late leaves the collection that replaced it shared (issue 12 item 1)', async () => {
      const registry = new Registry();
      const slow = hangingGauge(registry, 'slow_gauge');
      releases.push(slow.answerAll);
      const { url } = await expose({ registry, timeoutSeconds: 5, selfMetrics: false });
      const gaveUp = await fetchUrl(url, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '0.2' } });
      expect(gaveUp.status).toBe(503);
      const second = fetchUrl(url);
      await slow.started(2);
      const third = fetchUrl(url);
      await new Promise((resolve) => setTimeout(resolve, 50));
      slow.answer(1); // the evicted collection settles now
      await new Promise((resolve) => setTimeout(resolve, 50));
      const fourth = fetchUrl(url);
      await new Promise((resolve) => setTimeout(resolve, 50));
      slow.answer(2);
      const answers = await Promise.all([second, third, fourth]);
      expect(answers.map((response) => [response.status, ...sampleLines(response.text, 'slow_gauge')])).toEqual([
        [200, 'slow_gauge 2'],
        [200, 'slow_gauge 2'],
        [200, 'slow_gauge 2'],
      ]);
      expect(slow.state.collections).toBe(2);
    });

    test('X-Prometheus-Scrape-Timeout-Seconds shortens the timeout', async () => {
      const registry = new Registry();
      const slow = gatedGauge(registry, 'stuck_gauge');
      releases.push(slow.release);
      const { url } = await expose({ registry, timeoutSeconds: 60 });
      const response = await fetchUrl(url, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '0.25' } });
      expect(response.status).toBe(503);
      expect(response.text).toBe('Collecting metrics took longer than 0.25s\n');
    });

    test('X-Prometheus-Scrape-Timeout-Seconds never lengthens it', async () => {
      const registry = new Registry();
      const slow = gatedGauge(registry, 'stuck_gauge');
      releases.push(slow.release);
      const { url } = await expose({ registry, timeoutSeconds: 0.2 });
      const response = await fetchUrl(url, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '120' } });
      expect(response.status).toBe(503);
      expect(response.text).toBe('Collecting metrics took longer than 0.2s\n');
    });
  });

  describe('collector errors', () => {
    function registryWithBrokenCollector(kind: 'throws' | 'rejects'): Registry {
      const registry = registryWithCalls();
      new Gauge({
        name: 'broken_gauge',
        help: 'A gauge whose collector fails',
        registers: [registry],
        collect: kind === 'throws' ? () => { throw new Error('sensor unplugged'); } : () => Promise.reject(new Error('sensor unplugged')),
      });
      return registry;
    }

    test.each(['throws', 'rejects'] as const)('a collector that %s gives 500 with a short text body (never gzipped), logged and counted', async (kind) => {
      const { url } = await expose({ registry: registryWithBrokenCollector(kind) });
      const response = await fetchUrl(url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.text).toBe('Collecting metric "broken_gauge" failed\n');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe('prom-decorators: collecting metric "broken_gauge" failed during a scrape');
      expect((warn.mock.calls[0][1] as Error).message).toBe('sensor unplugged');
      await fetchUrl(url);
      expect(warn).toHaveBeenCalledTimes(1); // logged once, not per scrape
      const filtered = await fetchUrl(`${url}?name[]=prom_decorators_collect_errors_total&name[]=prom_decorators_scrapes_total`);
      expect(filtered.status).toBe(200);
      expect(sampleLines(filtered.text, 'prom_decorators_')).toEqual([
        'prom_decorators_scrapes_total{code="500"} 2',
        'prom_decorators_collect_errors_total 2',
      ]);
    });

    test("onError: 'continue' serves every family that could be collected", async () => {
      const { url } = await expose({ registry: registryWithBrokenCollector('throws'), onError: 'continue' });
      const response = await fetchUrl(url);
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('broken_gauge');
      expect(sampleLines(response.text, 'method_calls_total')).toEqual([
        'method_calls_total{class="Orchard",method="pick",result="ok"} 1',
        'method_calls_total{class="Orchard",method="pick",result="error"} 0',
      ]);
      expect(sampleLines(response.text, 'prom_decorators_collect_errors_total')).toEqual(['prom_decorators_collect_errors_total 1']);
    });
  });

  test('self-metrics have their own names and never appear among the method metrics', async () => {
    const { url } = await expose({ registry: registryWithCalls() });
    await fetchUrl(url);
    await fetchUrl(url, { method: 'POST' });
    await fetchUrl(url, { method: 'HEAD' });
    const text = (await fetchUrl(url)).text;
    expect(sampleLines(text, 'prom_decorators_')).toEqual([
      'prom_decorators_scrapes_total{code="200"} 2',
      'prom_decorators_scrapes_total{code="405"} 1',
      'prom_decorators_scrapes_in_flight 1',
      'prom_decorators_collect_errors_total 0',
      'prom_decorators_collect_timeouts_total 0',
    ]);
    expect(sampleLines(text, 'method_')).toEqual([
      'method_calls_total{class="Orchard",method="pick",result="ok"} 1',
      'method_calls_total{class="Orchard",method="pick",result="error"} 0',
    ]);
  });

  test('bad options are refused when the endpoint is created, with the fix', async () => {
    await expect(exposeMetrics(0, { host: '127.0.0.1', path: 'metrics' })).rejects.toThrow(
      `exposeMetrics(): path "metrics" is not an absolute path (it must start with "/"). Pass { path: '/metrics' }.`,
    );
    await expect(exposeMetrics(0, { host: '127.0.0.1', maxConcurrentScrapes: 0 })).rejects.toThrow('maxConcurrentScrapes 0 must be a whole number of at least 1');
    await expect(exposeMetrics(0, { host: '127.0.0.1', timeoutSeconds: -1 })).rejects.toThrow('timeoutSeconds -1 must be a number above 0');
    await expect(exposeMetrics(0, { host: '127.0.0.1', onError: 'ignore' as 'fail' })).rejects.toThrow(`onError "ignore" is not 'fail' or 'continue'`);
  });

  test('timeoutSeconds above the longest timer Node keeps is refused; Infinity means none (issue 12 item 6)', async () => {
    // A longer timer would fire after 1 ms and answer every scrape 503.
    for (const create of [() => metricsHandler({ timeoutSeconds: 2_147_483 }), () => koaMetrics({ timeoutSeconds: 30 * 86_400 })]) {
      expect(create).toThrow(EndpointOptionsError);
    }
    expect(() => metricsHandler({ timeoutSeconds: 2_147_483 })).toThrow(
      'metricsHandler(): timeoutSeconds 2147483 must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { timeoutSeconds: 10 }.',
    );
    await expect(exposeMetrics(0, { host: '127.0.0.1', timeoutSeconds: 1e9 })).rejects.toThrow(EndpointOptionsError);
    for (const timeoutSeconds of [2_147_482, Infinity]) {
      const { url } = await expose({ registry: registryWithCalls(), timeoutSeconds, selfMetrics: false });
      const response = await fetchUrl(url);
      expect([timeoutSeconds, response.status]).toEqual([timeoutSeconds, 200]);
    }
  });
});
