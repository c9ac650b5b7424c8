import { AggregatorRegistry, Registry, Summary, type OpenMetricsContentType } from '../support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index';
import { fakeClock } from '../core/fake-clock';

/** A class whose one call writes all five default metrics and a named summary; 0.5 s by the fake clock. */
function defineService(registry: Registry) {
  class TreeService {
    @Counted({ registry }) @Timed({ registry, buckets: [0.1, 1] }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
    @Timed({ registry, name: 'tree_count_summary_seconds', type: 'summary', percentiles: [0.5] })
    countTrees(seconds: number, fail: boolean): number {
      clock.advance(seconds);
      if (fail) throw new RangeError('no trees');
      return 3;
    }
  }
  return TreeService;
}

let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  clock = fakeClock();
});
afterEach(() => clock.restore());

const CALLS = [
  '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
  '# TYPE method_calls_total counter',
  'method_calls_total{class="TreeService",method="countTrees",result="ok"} 2',
  'method_calls_total{class="TreeService",method="countTrees",result="error"} 1',
].join('\n');

describe("the values reach prom-client in the metric's collect step", () => {
  test('registry.metrics(), getSingleMetricAsString() and getMetricsAsJSON() all see them', async () => {
    const registry = new Registry();
    const service = new (defineService(registry))();
    service.countTrees(0.5, false);
    service.countTrees(0.5, false);
    expect(() => service.countTrees(2, true)).toThrow(RangeError);

    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(CALLS);
    expect(await registry.metrics()).toContain(`${CALLS}\n`);
    const json = await registry.getMetricsAsJSON();
    expect(json.map((metric) => metric.name).sort()).toEqual([
      'method_calls_total',
      'method_duration_seconds',
      'method_exceptions_total',
      'method_in_progress',
      'method_last_called_timestamp_seconds',
      'tree_count_summary_seconds',
    ]);
    expect(json.find((metric) => metric.name === 'method_exceptions_total')).toEqual({
      name: 'method_exceptions_total',
      help: 'Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
      type: 'counter',
      aggregator: 'sum',
      // createdMs: when the series started counting (issue 16), which OpenMetrics writes as _created
      values: [{ labels: { class: 'TreeService', method: 'countTrees', error: 'RangeError' }, value: 1, createdMs: expect.any(Number) }],
    });
    expect(await registry.getSingleMetricAsString('method_duration_seconds')).toBe(
      [
        '# HELP method_duration_seconds Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
        '# TYPE method_duration_seconds histogram',
        'method_duration_seconds_bucket{le="0.1",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="1",class="TreeService",method="countTrees",result="ok"} 2',
        'method_duration_seconds_bucket{le="+Inf",class="TreeService",method="countTrees",result="ok"} 2',
        'method_duration_seconds_sum{class="TreeService",method="countTrees",result="ok"} 1',
        'method_duration_seconds_count{class="TreeService",method="countTrees",result="ok"} 2',
        'method_duration_seconds_bucket{le="0.1",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="1",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="+Inf",class="TreeService",method="countTrees",result="error"} 1',
        'method_duration_seconds_sum{class="TreeService",method="countTrees",result="error"} 2',
        'method_duration_seconds_count{class="TreeService",method="countTrees",result="error"} 1',
      ].join('\n'),
    );
    // The quantile is whatever prom-client's own Summary reports for the same observations.
    const reference = new Summary({ name: 'reference_seconds', help: 'reference', percentiles: [0.5], registers: [] });
    for (const seconds of [0.5, 0.5, 2]) reference.observe(seconds);
    const median = (await reference.get()).values[0].value;
    expect(await registry.getSingleMetricAsString('tree_count_summary_seconds')).toBe(
      [
        '# HELP tree_count_summary_seconds Call durations in seconds measured by @Timed.',
        '# TYPE tree_count_summary_seconds summary',
        `tree_count_summary_seconds{quantile="0.5"} ${median}`,
        'tree_count_summary_seconds_sum 3',
        'tree_count_summary_seconds_count 3',
      ].join('\n'),
    );
  });

  test('registry.resetMetrics() zeroes every series and keeps them; counting starts again', async () => {
    const registry = new Registry();
    const service = new (defineService(registry))();
    service.countTrees(0.5, false);
    expect(() => service.countTrees(2, true)).toThrow(RangeError);
    registry.resetMetrics();

    const json = await registry.getMetricsAsJSON();
    for (const metric of json) {
      // a quantile over no observation is NaN (OpenMetrics); every other value is 0
      for (const sample of metric.values) {
        const zero = 'quantile' in sample.labels ? NaN : 0;
        expect({ metric: metric.name, labels: sample.labels, value: sample.value }).toEqual({ metric: metric.name, labels: sample.labels, value: zero });
      }
    }
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      CALLS.replace('result="ok"} 2', 'result="ok"} 0').replace('result="error"} 1', 'result="error"} 0'),
    );
    expect(await registry.getSingleMetricAsString('tree_count_summary_seconds')).toBe(
      [
        '# HELP tree_count_summary_seconds Call durations in seconds measured by @Timed.',
        '# TYPE tree_count_summary_seconds summary',
        'tree_count_summary_seconds{quantile="0.5"} Nan',
        'tree_count_summary_seconds_sum 0',
        'tree_count_summary_seconds_count 0',
      ].join('\n'),
    );

    service.countTrees(0.5, false);
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      CALLS.replace('result="ok"} 2', 'result="ok"} 1').replace('result="error"} 1', 'result="error"} 0'),
    );
    expect(await registry.getSingleMetricAsString('tree_count_summary_seconds')).toMatch(/^tree_count_summary_seconds_count 1$/m);
  });

  test('an OpenMetrics registry: counters as OpenMetrics writes them, and get-or-create still works after a scrape', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    class Orders {
      @Counted({ registry }) place(): void {}
    }
    new Orders().place();
    const counterLines = (...series: string[]) =>
      [
        '# HELP method_calls Completed calls of instrumented methods, by class, method and result (ok or error).',
        '# TYPE method_calls counter',
        ...series,
      ].join('\n');
    expect(await registry.metrics()).toBe(
      counterLines('method_calls_total{class="Orders",method="place",result="ok"} 1', 'method_calls_total{class="Orders",method="place",result="error"} 0') + '\n# EOF\n',
    );
    // prom-client renamed the counter to "method_calls" while rendering; a later class must still find it.
    class Payments {
      @Counted({ registry }) charge(): void {}
    }
    new Payments().charge();
    expect(await registry.metrics()).toBe(
      counterLines(
        'method_calls_total{class="Orders",method="place",result="ok"} 1',
        'method_calls_total{class="Orders",method="place",result="error"} 0',
        'method_calls_total{class="Payments",method="charge",result="ok"} 1',
        'method_calls_total{class="Payments",method="charge",result="error"} 0',
      ) + '\n# EOF\n',
    );
  });

  test('static label values are escaped in the text format (quote, backslash, newline)', async () => {
    const registry = new Registry();
    class Files {
      @Counted({ registry, name: 'file_reads', labels: { path: 'C:\\data\n"trees".csv' } }) read(): void {}
    }
    new Files().read();
    expect(await registry.getSingleMetricAsString('file_reads_total')).toBe(
      ['# HELP file_reads_total Calls counted by @Counted.', '# TYPE file_reads_total counter', 'file_reads_total{path="C:\\\\data\\n\\"trees\\".csv"} 1'].join('\n'),
    );
  });

  test("prom-client's cluster aggregator sums counters and histograms and keeps the latest timestamp", async () => {
    const workers = [new Registry(), new Registry()];
    const services = workers.map((registry) => new (defineService(registry))());
    services[0].countTrees(0.5, false);
    clock.advance(10);
    services[1].countTrees(0.5, false);
    services[1].countTrees(0.5, false);
    const perWorker = await Promise.all(workers.map((registry) => registry.getMetricsAsJSON()));
    const timestamps = perWorker.map((json) => json.find((metric) => metric.name === 'method_last_called_timestamp_seconds')!.values[0].value);
    expect(timestamps[1]).toBeGreaterThan(timestamps[0]);

    const aggregated = AggregatorRegistry.aggregate(perWorker as never);
    expect(await aggregated.getSingleMetricAsString('method_calls_total')).toBe(
      CALLS.replace('result="ok"} 2', 'result="ok"} 3').replace('result="error"} 1', 'result="error"} 0'),
    );
    expect(await aggregated.getSingleMetricAsString('method_duration_seconds')).toMatch(/^method_duration_seconds_count\{class="TreeService",method="countTrees",result="ok"\} 3$/m);
    const latest = (await aggregated.getMetricsAsJSON()).find((metric) => metric.name === 'method_last_called_timestamp_seconds')!;
    expect(latest.values).toEqual([{ labels: { class: 'TreeService', method: 'countTrees' }, value: timestamps[1] }]);
  });
});
