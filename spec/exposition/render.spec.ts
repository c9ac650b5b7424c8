import { CLIENT_DEFAULT_METRIC_FINDINGS, CLIENT_DEFAULT_METRIC_LINES, collectDefaultMetrics, Counter, Gauge, Histogram, openMetricsContentType, Registry, Summary, type OpenMetricsContentType } from '../support/prometheus-client.js';
import { Counted, CountExceptions, InProgress, LastCalled, Timed } from '../../lib';
import { renderMetrics } from '../../lib/exposition/render';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import { promtoolCheckMetrics, promtoolParseOpenMetrics, sampleLines, withCreatedChecked } from './http-client';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

/** A registry with one of each prom-client type, labels, a default label and awkward text. */
function promClientRegistry(helpWithQuotes = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'trees' });
  const requests = new Counter({ name: 'requests_total', help: helpWithQuotes ? 'Requests "served"\nwith a \\ backslash' : 'Requests served\nwith a \\ backslash', labelNames: ['path'], registers: [registry] });
  requests.inc({ path: '/a"b\\c\nd' }, 3);
  const temperature = new Gauge({ name: 'temperature_celsius', help: 'Temperature', registers: [registry] });
  temperature.set(-1.5);
  const latency = new Histogram({ name: 'latency_seconds', help: 'Latency', buckets: [0.1, 1], labelNames: ['path'], registers: [registry] });
  latency.observe({ path: '/' }, 0.5);
  const sizes = new Summary({ name: 'size_bytes', help: 'Sizes', percentiles: [0.5], registers: [registry] });
  sizes.observe(10);
  return registry;
}

describe('renderMetrics', () => {
  test('text format is what prom-client itself writes for the same registry', async () => {
    const registry = promClientRegistry();
    const ours = await renderMetrics({ registry });
    expect(ours.contentType).toBe(TEXT_CONTENT_TYPE);
    expect(ours.body).toBe(await registry.metrics());
  });

  test('without Accept, with */* or an unknown type the answer is text', async () => {
    const registry = promClientRegistry();
    for (const accept of [undefined, '*/*', 'application/json']) {
      expect((await renderMetrics({ registry, accept })).contentType).toBe(TEXT_CONTENT_TYPE);
    }
  });

  test('OpenMetrics: counter family without _total, samples with it, escaped help, canonical le, # EOF at the end', async () => {
    const registry = promClientRegistry();
    const { contentType, body } = await renderMetrics({ registry, accept: OPENMETRICS });
    expect(contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(body.split('\n').slice(0, 3)).toEqual([
      '# HELP requests Requests \\"served\\"\\nwith a \\\\ backslash',
      '# TYPE requests counter',
      'requests_total{path="/a\\"b\\\\c\\nd",service="trees"} 3',
    ]);
    expect(sampleLines(body, 'latency_seconds')).toEqual([
      'latency_seconds_bucket{le="0.1",service="trees",path="/"} 0',
      'latency_seconds_bucket{le="1.0",service="trees",path="/"} 1',
      'latency_seconds_bucket{le="+Inf",service="trees",path="/"} 1',
      'latency_seconds_sum{service="trees",path="/"} 0.5',
      'latency_seconds_count{service="trees",path="/"} 1',
    ]);
    expect(body.endsWith('\n# EOF\n')).toBe(true);
    expect(body).not.toContain('\n\n');
    expect(promtoolParseOpenMetrics(body)).toMatchObject({ status: 0 });
  });

  test('one registry serves both formats, interleaved, without changing its metrics', async () => {
    const registry = promClientRegistry();
    const text = await renderMetrics({ registry });
    const renders = await Promise.all(
      Array.from({ length: 20 }, (_, index) => renderMetrics({ registry, accept: index % 2 === 0 ? OPENMETRICS : 'text/plain' })),
    );
    const openMetrics = renders[0].body;
    renders.forEach((render, index) => expect(render.body).toBe(index % 2 === 0 ? openMetrics : text.body));
    expect((registry.getSingleMetric('requests_total') as unknown as { name: string }).name).toBe('requests_total');
    expect(registry.contentType).toBe(TEXT_CONTENT_TYPE);
    expect(sampleLines((await renderMetrics({ registry })).body, 'requests')).toEqual(['requests_total{path="/a\\"b\\\\c\\nd",service="trees"} 3']);
  });

  test('a counter named without _total gets it in OpenMetrics only', async () => {
    const registry = new Registry();
    new Counter({ name: 'jobs', help: 'Jobs', registers: [registry] }).inc();
    expect(sampleLines((await renderMetrics({ registry })).body, 'jobs')).toEqual(['jobs 1']);
    expect((await renderMetrics({ registry, accept: OPENMETRICS })).body).toBe('# HELP jobs Jobs\n# TYPE jobs counter\njobs_total 1\n# EOF\n');
  });

  test('exemplars appear in OpenMetrics only (and an OpenMetrics registry serves text too)', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(openMetricsContentType);
    const counter = new Counter<string>({ name: 'orders_total', help: 'Orders', labelNames: ['shop'], enableExemplars: true, registers: [registry] });
    counter.inc({ labels: { shop: 'north' }, value: 2, exemplarLabels: { trace_id: 'abc123' } });
    const text = (await renderMetrics({ registry })).body;
    const openMetrics = (await renderMetrics({ registry, accept: OPENMETRICS })).body;
    expect(sampleLines(text, 'orders')).toEqual(['orders_total{shop="north"} 2']);
    expect(sampleLines(openMetrics, 'orders')[0]).toMatch(/^orders_total\{shop="north"\} 2 # \{trace_id="abc123"\} 2 \d+(\.\d+)?$/);
    expect(promtoolParseOpenMetrics(openMetrics)).toMatchObject({ status: 0 });
  });

  test('name[] selects families by registered name, a counter also without _total', async () => {
    const registry = promClientRegistry();
    const { body } = await renderMetrics({ registry, names: ['requests', 'temperature_celsius'] });
    expect(body.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual(['# TYPE requests_total counter', '# TYPE temperature_celsius gauge']);
  });

  test('a collector that throws rejects the render', async () => {
    const registry = new Registry();
    new Gauge({ name: 'broken', help: 'Broken', registers: [registry], collect: () => { throw new Error('boom'); } });
    await expect(renderMetrics({ registry })).rejects.toThrow('collecting metric "broken" failed');
  });

  test('the decorators\' metrics, exact in both formats', async () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry }) @Timed({ registry, buckets: [0.5] }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      countTrees(fail: boolean): number {
        if (fail) throw new RangeError('no trees');
        return 3;
      }
    }
    const service = new TreeService();
    service.countTrees(false);
    expect(() => service.countTrees(true)).toThrow(RangeError);

    const text = (await renderMetrics({ registry })).body;
    expect(sampleLines(text, 'method_calls_total')).toEqual([
      'method_calls_total{class="TreeService",method="countTrees",result="ok"} 1',
      'method_calls_total{class="TreeService",method="countTrees",result="error"} 1',
    ]);
    expect(sampleLines(text, 'method_in_progress')).toEqual(['method_in_progress{class="TreeService",method="countTrees"} 0']);
    const openMetrics = (await renderMetrics({ registry, accept: OPENMETRICS })).body;
    expect(openMetrics).toContain('# TYPE method_calls counter\n');
    expect(withCreatedChecked(sampleLines(openMetrics, 'method_calls'))).toEqual([
      'method_calls_total{class="TreeService",method="countTrees",result="ok"} 1',
      'method_calls_created{class="TreeService",method="countTrees",result="ok"} <created>',
      'method_calls_total{class="TreeService",method="countTrees",result="error"} 1',
      'method_calls_created{class="TreeService",method="countTrees",result="error"} <created>',
    ]);
    expect(withCreatedChecked(sampleLines(openMetrics, 'method_exceptions'))).toEqual([
      'method_exceptions_total{class="TreeService",method="countTrees",error="RangeError"} 1',
      'method_exceptions_created{class="TreeService",method="countTrees",error="RangeError"} <created>',
    ]);
    expect(sampleLines(openMetrics, 'method_duration_seconds_count')).toEqual([
      'method_duration_seconds_count{class="TreeService",method="countTrees",result="ok"} 1',
      'method_duration_seconds_count{class="TreeService",method="countTrees",result="error"} 1',
    ]);
  });

  test('promtool accepts both formats of a registry like the demo\'s (decorators, prom-client metrics, default metrics)', async () => {
    // (help without double quotes: OpenMetrics escapes them, which promtool's text parser refuses)
    const registry = promClientRegistry(false);
    collectDefaultMetrics({ register: registry });
    class Shop {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      async sell(amount: number): Promise<number> {
        if (amount < 0) throw new TypeError('negative');
        return amount;
      }
      @Counted({ registry, name: 'example_app', help: 'Requests served', labels: { endpoint: '/treecounter' } })
      @Timed({ registry, name: 'example_latency_seconds', type: 'summary', percentiles: [0.5, 0.9] })
      page(): string {
        return 'ok';
      }
    }
    const shop = new Shop();
    await shop.sell(3);
    await expect(shop.sell(-1)).rejects.toThrow(TypeError);
    shop.page();

    const text = (await renderMetrics({ registry })).body;
    expect(text).toContain('\nexample_app_total{service="trees",endpoint="/treecounter"} 1\n');
    // The only findings are about the client's own default metrics.
    expect(promtoolCheckMetrics(text).output.trim().split('\n')).toEqual([...CLIENT_DEFAULT_METRIC_FINDINGS]);
    expect(promtoolCheckMetrics(text.replace(CLIENT_DEFAULT_METRIC_LINES, ''))).toEqual({ status: 0, output: '' });

    const openMetrics = (await renderMetrics({ registry, accept: OPENMETRICS })).body;
    expect(promtoolParseOpenMetrics(openMetrics)).toMatchObject({ status: 0 });
    // promtool check metrics reads the text format; on OpenMetrics it must at least parse (exit 1 = parse error)
    expect(promtoolCheckMetrics(openMetrics).status).not.toBe(1);
  });

  test('the OpenMetrics check can fail: the text format is not valid OpenMetrics', async () => {
    const text = (await renderMetrics({ registry: promClientRegistry() })).body;
    expect(promtoolParseOpenMetrics(text).status).not.toBe(0);
  });
});
