import { Histogram, Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, DEFAULT_BUCKETS, InProgress, LastCalled, Timed } from '../../lib/index';

/** The exposition of every default metric for a class whose methods were never called. */
describe('default metrics, before the first call', () => {
  test('every series exists at 0 from the moment the class is defined, under both result values', async () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      countTrees(region: string): number {
        return region.length;
      }
    }
    void TreeService;

    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      [
        '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
        '# TYPE method_calls_total counter',
        'method_calls_total{class="TreeService",method="countTrees",result="ok"} 0',
        'method_calls_total{class="TreeService",method="countTrees",result="error"} 0',
      ].join('\n'),
    );
    expect(await registry.getSingleMetricAsString('method_duration_seconds')).toBe(
      [
        '# HELP method_duration_seconds Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
        '# TYPE method_duration_seconds histogram',
        'method_duration_seconds_bucket{le="0.005",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.01",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.025",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.05",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.1",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.25",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.5",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="1",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="2.5",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="5",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="10",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="+Inf",class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_sum{class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_count{class="TreeService",method="countTrees",result="ok"} 0',
        'method_duration_seconds_bucket{le="0.005",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="0.01",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="0.025",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="0.05",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="0.1",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="0.25",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="0.5",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="1",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="2.5",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="5",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="10",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_bucket{le="+Inf",class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_sum{class="TreeService",method="countTrees",result="error"} 0',
        'method_duration_seconds_count{class="TreeService",method="countTrees",result="error"} 0',
      ].join('\n'),
    );
    expect(await registry.getSingleMetricAsString('method_in_progress')).toBe(
      [
        '# HELP method_in_progress Calls of instrumented methods currently running, by class and method.',
        '# TYPE method_in_progress gauge',
        'method_in_progress{class="TreeService",method="countTrees"} 0',
      ].join('\n'),
    );
    // The error label's values are only known once something is thrown: no series yet.
    expect(await registry.getSingleMetricAsString('method_exceptions_total')).toBe(
      [
        '# HELP method_exceptions_total Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
        '# TYPE method_exceptions_total counter',
      ].join('\n'),
    );
    expect(await registry.getSingleMetricAsString('method_last_called_timestamp_seconds')).toBe(
      [
        '# HELP method_last_called_timestamp_seconds Unix time in seconds when an instrumented method was last called, by class and method.',
        '# TYPE method_last_called_timestamp_seconds gauge',
        'method_last_called_timestamp_seconds{class="TreeService",method="countTrees"} 0',
      ].join('\n'),
    );
  });

  test('@LastCalled({ on: "success" }) writes method_last_success_timestamp_seconds', async () => {
    const registry = new Registry();
    class BackupJob {
      @LastCalled({ registry, on: 'success' })
      run(): void {}
    }
    void BackupJob;
    expect(await registry.getSingleMetricAsString('method_last_success_timestamp_seconds')).toBe(
      [
        '# HELP method_last_success_timestamp_seconds Unix time in seconds when an instrumented method last completed without error, by class and method.',
        '# TYPE method_last_success_timestamp_seconds gauge',
        'method_last_success_timestamp_seconds{class="BackupJob",method="run"} 0',
      ].join('\n'),
    );
  });

  test('every method of every class gets its own series in the one shared metric', async () => {
    const registry = new Registry();
    class Orders {
      @Counted({ registry }) place(): void {}
      @Counted({ registry }) cancel(): void {}
    }
    class Payments {
      @Counted({ registry }) charge(): void {}
    }
    new Orders().place();
    new Payments().charge();
    new Payments().charge();
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      [
        '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
        '# TYPE method_calls_total counter',
        'method_calls_total{class="Orders",method="place",result="ok"} 1',
        'method_calls_total{class="Orders",method="place",result="error"} 0',
        'method_calls_total{class="Orders",method="cancel",result="ok"} 0',
        'method_calls_total{class="Orders",method="cancel",result="error"} 0',
        'method_calls_total{class="Payments",method="charge",result="ok"} 2',
        'method_calls_total{class="Payments",method="charge",result="error"} 0',
      ].join('\n'),
    );
  });

  test('the default histogram buckets are exactly prom-client\'s', () => {
    const reference = new Histogram({ name: 'reference_seconds', help: 'reference', registers: [] }) as unknown as { upperBounds: number[] };
    expect([...DEFAULT_BUCKETS]).toEqual(reference.upperBounds);
  });
});
