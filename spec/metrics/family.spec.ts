import { Registry } from '../support/prometheus-client.js';
import { CountExceptions } from '../../lib/index';
import { resetWarnings } from '../../lib/log';
import { CounterFamily } from '../../lib/metrics/counter-family';
import { HistogramFamily } from '../../lib/metrics/histogram-family';

let warn: jest.SpyInstance;
beforeEach(() => {
  resetWarnings();
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('series chosen at run time are capped', () => {
  test('past maxSeries, new combinations of computed labels share one __overflow__ series; a warning is logged once', async () => {
    const registry = new Registry();
    const family = new CounterFamily({ shape: { kind: 'counter', name: 'jobs_total', help: 'Jobs', labelNames: ['queue', 'kind'], declaredAt: '@Counted on Jobs.run' }, maxSeries: 2 });
    registry.registerMetric(family as never);
    for (const kind of ['a', 'b', 'c', 'd', 'a']) family.seriesFor({ queue: 'main', kind }, ['kind']).value++;
    expect(await registry.getSingleMetricAsString('jobs_total')).toBe(
      ['# HELP jobs_total Jobs', '# TYPE jobs_total counter', 'jobs_total{queue="main",kind="a"} 2', 'jobs_total{queue="main",kind="b"} 1', 'jobs_total{queue="main",kind="__overflow__"} 2'].join(
        '\n',
      ),
    );
    expect(warn.mock.calls.map((call) => call[0])).toEqual([
      'prom-decorators: metric "jobs_total" reached its cap of 2 series; new label combinations are recorded with __overflow__ (raise it with the maxSeries option, or compute labels with fewer distinct values)',
    ]);
  });

  test('series resolved when a class is defined (no computed labels) are never capped', () => {
    const family = new CounterFamily({ shape: { kind: 'counter', name: 'calls_total', help: 'Calls', labelNames: ['method'], declaredAt: '@Counted on A.b' }, maxSeries: 1 });
    for (const method of ['a', 'b', 'c']) family.seriesFor({ method });
    expect(family.size).toBe(3);
    expect(warn).not.toHaveBeenCalled();
  });

  test('@CountExceptions: a thousand distinct error types at most, then __overflow__', async () => {
    const registry = new Registry();
    const errorClasses = Array.from({ length: 1003 }, (_unused, index) => {
      const errorClass = class extends Error {};
      Object.defineProperty(errorClass, 'name', { value: `Error${index}` });
      return errorClass;
    });
    class Parser {
      @CountExceptions({ registry })
      parse(index: number): void {
        throw new errorClasses[index]();
      }
    }
    const parser = new Parser();
    for (let index = 0; index < errorClasses.length; index++) expect(() => parser.parse(index)).toThrow(errorClasses[index]);
    const lines = (await registry.getSingleMetricAsString('method_exceptions_total')).split('\n').slice(2);
    expect(lines).toHaveLength(1001);
    expect(lines[999]).toBe('method_exceptions_total{class="Parser",method="parse",error="Error999"} 1');
    expect(lines[1000]).toBe('method_exceptions_total{class="Parser",method="parse",error="__overflow__"} 3');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('histogram observations', () => {
  test('le is inclusive: a value on a bound falls in that bucket; past the last bound only +Inf counts it', async () => {
    const registry = new Registry();
    const family = new HistogramFamily({ shape: { kind: 'histogram', name: 'size_bytes', help: 'Sizes', labelNames: [], buckets: [10, 100], declaredAt: '@Timed on A.b' } });
    registry.registerMetric(family as never);
    const series = family.seriesFor({});
    for (const value of [0, 10, 10.5, 100, 1000]) series.observe(value);
    expect(await registry.getSingleMetricAsString('size_bytes')).toBe(
      ['# HELP size_bytes Sizes', '# TYPE size_bytes histogram', 'size_bytes_bucket{le="10"} 2', 'size_bytes_bucket{le="100"} 4', 'size_bytes_bucket{le="+Inf"} 5', 'size_bytes_sum 1120.5', 'size_bytes_count 5'].join(
        '\n',
      ),
    );
  });
});
