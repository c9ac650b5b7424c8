import { Registry } from '../support/prometheus-client.js';
import { Timed } from '../../lib/index';
import { fakeClock, type FakeClock } from '../core/fake-clock';
import { METHOD_SHAPES, deferred, settle } from '../core/method-shapes';

const HELP = [
  '# HELP method_duration_seconds Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
  '# TYPE method_duration_seconds histogram',
];
const DEFAULT_LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10'];

/** The exposition lines of one histogram series, from its cumulative bucket counts. */
function seriesLines(name: string, labels: string, les: string[], cumulative: number[], sum: number, count: number): string[] {
  // le first, as prom-client renders its own histograms
  const sep = labels === '' ? '' : ',';
  const buckets = les.map((le, i) => `${name}_bucket{le="${le}"${sep}${labels}} ${cumulative[i]}`);
  const plain = labels === '' ? '' : `{${labels}}`;
  return [...buckets, `${name}_bucket{le="+Inf"${sep}${labels}} ${count}`, `${name}_sum${plain} ${sum}`, `${name}_count${plain} ${count}`];
}

const zeros = DEFAULT_LE.map(() => 0);

let clock: FakeClock;
beforeEach(() => {
  clock = fakeClock();
});
afterEach(() => clock.restore());

describe.each(METHOD_SHAPES)('@Timed on a $title method', (shape) => {
  test(`observes the call's duration under result="${shape.result}", in prom-client's default buckets`, async () => {
    const registry = new Registry();
    class TreeService {
      @Timed({ registry })
      countTrees(seconds: number): unknown {
        clock.advance(seconds);
        return shape.body(seconds, new Error('timeout'));
      }
    }
    const service = new TreeService();
    await settle(() => service.countTrees(0.25)); // on a bound: le is inclusive
    await settle(() => service.countTrees(3));
    const observed = seriesLines('method_duration_seconds', `class="TreeService",method="countTrees",result="${shape.result}"`, DEFAULT_LE, [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2], 3.25, 2);
    const empty = seriesLines('method_duration_seconds', `class="TreeService",method="countTrees",result="${shape.fails ? 'ok' : 'error'}"`, DEFAULT_LE, zeros, 0, 0);
    expect(await registry.getSingleMetricAsString('method_duration_seconds')).toBe(
      [...HELP, ...(shape.fails ? [...empty, ...observed] : [...observed, ...empty])].join('\n'),
    );
  });

  test('a named histogram with buckets and static labels', async () => {
    const registry = new Registry();
    class ExampleApp {
      @Timed({ registry, name: 'example_app_latency_seconds', help: 'Request latency', buckets: [0.1, 0.5, 1], labels: { endpoint: '/treecounter' } })
      handle(seconds: number): unknown {
        clock.advance(seconds);
        return shape.body('page', new Error('down'));
      }
    }
    const app = new ExampleApp();
    await settle(() => app.handle(0.5));
    await settle(() => app.handle(0.75));
    await settle(() => app.handle(4));
    expect(await registry.getSingleMetricAsString('example_app_latency_seconds')).toBe(
      [
        '# HELP example_app_latency_seconds Request latency',
        '# TYPE example_app_latency_seconds histogram',
        ...seriesLines('example_app_latency_seconds', 'endpoint="/treecounter"', ['0.1', '0.5', '1'], [0, 1, 2], 5.25, 3),
      ].join('\n'),
    );
  });

  test('a summary: quantile lines, _sum and _count', async () => {
    const registry = new Registry();
    class ExampleApp {
      @Timed({ registry, name: 'example_app_summary_seconds', help: 'Request latency', type: 'summary', percentiles: [0.5, 0.9], labels: { endpoint: '/' } })
      handle(seconds: number): unknown {
        clock.advance(seconds);
        return shape.body('page', new Error('down'));
      }
    }
    expect(await registry.getSingleMetricAsString('example_app_summary_seconds')).toBe(
      [
        '# HELP example_app_summary_seconds Request latency',
        '# TYPE example_app_summary_seconds summary',
        // NaN before the first observation (OpenMetrics; the client's text rendering spells it Nan)
        'example_app_summary_seconds{quantile="0.5",endpoint="/"} Nan',
        'example_app_summary_seconds{quantile="0.9",endpoint="/"} Nan',
        'example_app_summary_seconds_sum{endpoint="/"} 0',
        'example_app_summary_seconds_count{endpoint="/"} 0',
      ].join('\n'),
    );
    const app = new ExampleApp();
    for (let i = 0; i < 4; i++) await settle(() => app.handle(0.5));
    expect(await registry.getSingleMetricAsString('example_app_summary_seconds')).toBe(
      [
        '# HELP example_app_summary_seconds Request latency',
        '# TYPE example_app_summary_seconds summary',
        'example_app_summary_seconds{quantile="0.5",endpoint="/"} 0.5',
        'example_app_summary_seconds{quantile="0.9",endpoint="/"} 0.5',
        'example_app_summary_seconds_sum{endpoint="/"} 2',
        'example_app_summary_seconds_count{endpoint="/"} 4',
      ].join('\n'),
    );
  });
});

describe('@Timed on an async method', () => {
  test.each([
    { outcome: 'resolves', result: 'ok' },
    { outcome: 'rejects', result: 'error' },
  ])('times the call until its promise $outcome, not until it returns', async ({ outcome, result }) => {
    const registry = new Registry();
    const pending = deferred<string>();
    class Downloader {
      @Timed({ registry, name: 'download_seconds', buckets: [1, 5] })
      fetch(): Promise<string> {
        return pending.promise;
      }
    }
    const call = settle(() => new Downloader().fetch());
    clock.advance(2);
    if (outcome === 'resolves') pending.resolve('bytes');
    else pending.reject(new Error(result));
    await call;
    expect(await registry.getSingleMetricAsString('download_seconds')).toBe(
      ['# HELP download_seconds Call durations in seconds measured by @Timed.', '# TYPE download_seconds histogram', ...seriesLines('download_seconds', '', ['1', '5'], [0, 1], 2, 1)].join('\n'),
    );
  });
});

describe('@Timed options', () => {
  test('a summary on the default metric keeps the class, method and result labels', async () => {
    const registry = new Registry();
    class Search {
      @Timed({ registry, type: 'summary', percentiles: [0.99] })
      find(): void {
        clock.advance(1.5);
      }
    }
    new Search().find();
    expect(await registry.getSingleMetricAsString('method_duration_seconds')).toBe(
      [
        '# HELP method_duration_seconds Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
        '# TYPE method_duration_seconds summary',
        'method_duration_seconds{quantile="0.99",class="Search",method="find",result="error"} Nan',
        'method_duration_seconds_sum{class="Search",method="find",result="error"} 0',
        'method_duration_seconds_count{class="Search",method="find",result="error"} 0',
        'method_duration_seconds{quantile="0.99",class="Search",method="find",result="ok"} 1.5',
        'method_duration_seconds_sum{class="Search",method="find",result="ok"} 1.5',
        'method_duration_seconds_count{class="Search",method="find",result="ok"} 1',
      ].join('\n'),
    );
  });

  test('a named summary without labels publishes each line once before its first observation', async () => {
    const registry = new Registry();
    class ExampleApp {
      @Timed({ registry, name: 'request_processing_seconds', help: 'Time spent processing request', type: 'summary', percentiles: [0.5] })
      process(): void {
        clock.advance(0.25);
      }
    }
    const lines = (count: number, seconds: number) => [
      '# HELP request_processing_seconds Time spent processing request',
      '# TYPE request_processing_seconds summary',
      `request_processing_seconds{quantile="0.5"} ${count === 0 ? 'Nan' : seconds}`,
      `request_processing_seconds_sum ${seconds * count}`,
      `request_processing_seconds_count ${count}`,
    ];
    expect(await registry.getSingleMetricAsString('request_processing_seconds')).toBe(lines(0, 0).join('\n'));
    new ExampleApp().process();
    expect(await registry.getSingleMetricAsString('request_processing_seconds')).toBe(lines(1, 0.25).join('\n'));
  });

  test('maxAgeSeconds alone gives a sliding window (ageBuckets defaults to 5): old observations leave the quantiles', async () => {
    const registry = new Registry();
    let wallMs = Date.now();
    const wallClock = jest.spyOn(Date, 'now').mockImplementation(() => wallMs);
    try {
      class Search {
        @Timed({ registry, name: 'search_seconds', type: 'summary', percentiles: [0.5], maxAgeSeconds: 60 })
        find(seconds: number): void {
          clock.advance(seconds);
        }
      }
      const search = new Search();
      search.find(5);
      expect(await registry.getSingleMetricAsString('search_seconds')).toMatch(/^search_seconds\{quantile="0\.5"\} 5$/m);
      wallMs += 120_000; // two windows later
      search.find(1);
      expect(await registry.getSingleMetricAsString('search_seconds')).toBe(
        [
          '# HELP search_seconds Call durations in seconds measured by @Timed.',
          '# TYPE search_seconds summary',
          'search_seconds{quantile="0.5"} 1',
          'search_seconds_sum 6', // _sum and _count stay cumulative, as prom-client's
          'search_seconds_count 2',
        ].join('\n'),
      );
    } finally {
      wallClock.mockRestore();
    }
  });

  test('buckets ending in +Inf are accepted; +Inf is not repeated', async () => {
    const registry = new Registry();
    class Jobs {
      @Timed({ registry, name: 'job_seconds', buckets: [1, 10, Infinity] })
      run(): void {
        clock.advance(20);
      }
    }
    new Jobs().run();
    expect(await registry.getSingleMetricAsString('job_seconds')).toBe(
      ['# HELP job_seconds Call durations in seconds measured by @Timed.', '# TYPE job_seconds histogram', ...seriesLines('job_seconds', '', ['1', '10'], [0, 0], 20, 1)].join('\n'),
    );
  });
});
