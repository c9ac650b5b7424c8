import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, DecoratorMisuseError, InProgress, LastCalled, Timed } from '../../lib/index';

/** Misuse found when a class is defined: an Error naming the decorator, class, method and fix. */
describe('misuse is a decoration-time error naming decorator, class, method and fix', () => {
  test('an invalid metric name', () => {
    const registry = new Registry();
    expect(() => {
      class UserService {
        @Timed({ registry, name: 'user-find' }) find(): void {}
      }
      void UserService;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on UserService.find: metric name "user-find" is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass { name: "user_find" }"`,
    );
  });

  test('a metric name that is not a string', () => {
    const registry = new Registry();
    expect(() => {
      class UserService {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted({ registry, name: 42 as any }) find(): void {}
      }
      void UserService;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on UserService.find: metric name 42 is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass { name: "_42" }"`,
    );
  });

  test('a metric name starting with a digit', () => {
    const registry = new Registry();
    expect(() => {
      class UserService {
        @Counted({ registry, name: '2fa_checks' }) verify(): void {}
      }
      void UserService;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on UserService.verify: metric name "2fa_checks" is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass { name: "_2fa_checks" }"`,
    );
  });

  test.each(['le', 'quantile', '__tenant'])('the reserved label name %s', (label) => {
    const registry = new Registry();
    let thrown: unknown;
    try {
      class Api {
        @Counted({ registry, name: 'api_requests', labels: { [label]: 'x' } }) get(): void {}
      }
      void Api;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DecoratorMisuseError);
    expect((thrown as Error).message).toMatch(new RegExp(`^@Counted on Api\\.get: label name "${label}" is reserved \\(.+\\)\\. Rename the label in the labels option$`));
  });

  test('the reserved label le', () => {
    const registry = new Registry();
    expect(() => {
      class Api {
        @Timed({ registry, name: 'api_seconds', labels: { le: '1' } }) get(): void {}
      }
      void Api;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Api.get: label name "le" is reserved (histograms and summaries use it). Rename the label in the labels option"`,
    );
  });

  test('the reserved label quantile', () => {
    const registry = new Registry();
    expect(() => {
      class Api {
        @Timed({ registry, name: 'api_seconds', type: 'summary', labels: { quantile: 'p99' } }) get(): void {}
      }
      void Api;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Api.get: label name "quantile" is reserved (histograms and summaries use it). Rename the label in the labels option"`,
    );
  });

  test('the reserved __ prefix', () => {
    const registry = new Registry();
    expect(() => {
      class Api {
        @InProgress({ registry, name: 'api_inflight', labels: { __name__: 'x' } }) get(): void {}
      }
      void Api;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@InProgress on Api.get: label name "__name__" is reserved (the "__" prefix belongs to Prometheus). Rename the label in the labels option"`,
    );
  });

  test('an invalid label name', () => {
    const registry = new Registry();
    expect(() => {
      class Api {
        @CountExceptions({ registry, name: 'api_errors', labels: { 'http-method': 'GET' } }) get(): void {}
      }
      void Api;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@CountExceptions on Api.get: label name "http-method" is invalid (it must match [a-zA-Z_][a-zA-Z0-9_]*). Rename the label in the labels option"`,
    );
  });

  test('a label value that is neither string nor number', () => {
    const registry = new Registry();
    expect(() => {
      class Api {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted({ registry, name: 'api_requests', labels: { cached: true as any } }) get(): void {}
      }
      void Api;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Api.get: label "cached" has a boolean value. Give static labels string or number values"`,
    );
  });

  test('static labels on a default metric: the message says to give the metric a name', () => {
    const registry = new Registry();
    expect(() => {
      class TreeService {
        @Counted({ registry, labels: { endpoint: '/treecounter' } }) countTrees(): void {}
      }
      void TreeService;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on TreeService.countTrees: static labels need a named metric (the default "method_calls_total" has fixed labels class, method, result). Give the metric a name: { name: "my_metric", labels: {"endpoint":"/treecounter"} }"`,
    );
  });

  test('static labels on the default timestamp gauge', () => {
    const registry = new Registry();
    expect(() => {
      class Backup {
        @LastCalled({ registry, on: 'success', labels: { target: 's3' } }) run(): void {}
      }
      void Backup;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@LastCalled on Backup.run: static labels need a named metric (the default "method_last_success_timestamp_seconds" has fixed labels class, method). Give the metric a name: { name: "my_metric", labels: {"target":"s3"} }"`,
    );
  });

  test('unsorted buckets', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, buckets: [0.1, 1, 0.5] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: buckets must be sorted in increasing order without repeats (1 then 0.5). Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
  });

  test('repeated buckets', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, name: 'search_seconds', buckets: [0.1, 0.1, 1] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: buckets must be sorted in increasing order without repeats (0.1 then 0.1). Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
  });

  test('empty buckets', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, name: 'search_seconds', buckets: [] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: buckets must be a non-empty array of numbers. Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
  });

  test.each([
    { what: 'a negative bound', buckets: [-1, 0, 1] },
    { what: '-Infinity', buckets: [-Infinity, 1] },
    { what: 'only +Inf', buckets: [Infinity] },
    { what: '+Inf before the last bound', buckets: [1, Infinity, Infinity] },
  ])('buckets with $what (OpenMetrics has no _sum next to negative buckets; a histogram needs a finite bound)', ({ buckets }) => {
    const registry = new Registry();
    let thrown: unknown;
    try {
      class Search {
        @Timed({ registry, name: 'search_seconds', buckets }) find(): void {}
      }
      void Search;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DecoratorMisuseError);
    expect((thrown as Error).message).toMatch(/^@Timed on Search\.find: .+\. Pass buckets as increasing upper bounds in seconds, e.g\. \[0\.01, 0\.1, 1\]$/);
  });

  test('negative buckets and +Inf alone: the messages', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, name: 'search_seconds', buckets: [-0.5, 1] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: bucket -0.5 is negative (bounds must be 0 or more). Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(() => {
      class Search {
        @Timed({ registry, name: 'search_seconds', buckets: [Infinity] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: buckets [Infinity] have no finite bound (+Inf is always there). Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
  });

  test('a bound of 0 and a trailing +Inf are fine', () => {
    const registry = new Registry();
    class Search {
      @Timed({ registry, name: 'search_seconds', buckets: [0, 1, Infinity] }) find(): void {}
    }
    void Search;
  });

  test.each([Counted, CountExceptions])('a counter named "_total": its family would have no name (%p)', (decorator) => {
    const registry = new Registry();
    expect(() => {
      class Jobs {
        @decorator({ registry, name: '_total' }) run(): void {}
      }
      void Jobs;
    }).toThrow(DecoratorMisuseError);
  });

  test('a counter named "_total": the message', () => {
    const registry = new Registry();
    expect(() => {
      class Jobs {
        @Counted({ registry, name: '_total' }) run(): void {}
      }
      void Jobs;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Jobs.run: metric name "_total" is nothing but the suffix "_total" (the family is named without it, so it would have no name). Name what is counted, e.g. { name: "jobs" } (written jobs_total)"`,
    );
  });

  test('names that only look like the suffix are fine: "a_total", "_total_total", a gauge "_total"', () => {
    // Each on a registry of its own: "_total_total" and a gauge "_total" would clash.
    const [first, second, third] = [new Registry(), new Registry(), new Registry()];
    class Jobs {
      @Counted({ registry: first, name: 'a_total' }) @Counted({ registry: second, name: '_total_total' }) @InProgress({ registry: third, name: '_total' }) run(): void {}
    }
    void Jobs;
  });

  test('a bucket that is not a number', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Timed({ registry, name: 'search_seconds', buckets: [0.1, '1' as any] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: bucket "1" is not a number. Pass buckets as increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
  });

  test('a percentile outside (0, 1)', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, type: 'summary', percentiles: [0.5, 99] }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: percentile 99 is not between 0 and 1. Pass percentiles such as [0.5, 0.9, 0.99]"`,
    );
  });

  test('ageBuckets without maxAgeSeconds (prom-client would ignore both)', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, type: 'summary', ageBuckets: 5 }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: ageBuckets needs maxAgeSeconds. Pass maxAgeSeconds too, e.g. { maxAgeSeconds: 600, ageBuckets: 5 }"`,
    );
  });

  test('a maxAgeSeconds that is not a positive number', () => {
    const registry = new Registry();
    expect(() => {
      class Search {
        @Timed({ registry, type: 'summary', maxAgeSeconds: -60 }) find(): void {}
      }
      void Search;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Search.find: maxAgeSeconds -60 is not a positive number of seconds. Pass e.g. { maxAgeSeconds: 600 }"`,
    );
  });

  test("an unknown @LastCalled 'on'", () => {
    const registry = new Registry();
    expect(() => {
      class Backup {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @LastCalled({ registry, on: 'failure' as any }) run(): void {}
      }
      void Backup;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@LastCalled on Backup.run: on: "failure" is not known. Pass on: 'call' or on: 'success'"`,
    );
  });

  test('only: with an entry that is not an error class', () => {
    const registry = new Registry();
    expect(() => {
      class Gateway {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @CountExceptions({ registry, only: ['TimeoutError' as any] }) fetch(): void {}
      }
      void Gateway;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@CountExceptions on Gateway.fetch: only: every entry must be an error class. Pass only: [TypeError, MyError] or a predicate (error) => boolean"`,
    );
  });

  test('a registry option that is not a Prometheus client Registry', () => {
    expect(() => {
      class Gateway {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted({ registry: { metrics: () => '' } as any }) fetch(): void {}
      }
      void Gateway;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Gateway.fetch: registry is not a Prometheus client Registry. Pass registry: new Registry() or register, from @prometheus-io/client or prom-client, or leave it out"`,
    );
  });

  test('options that are not an object', () => {
    expect(() => {
      class Gateway {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted('gateway_calls' as any) fetch(): void {}
      }
      void Gateway;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Gateway.fetch: options must be an object, got gateway_calls. Pass { name: '...' } or nothing"`,
    );
  });

  test('the error is a DecoratorMisuseError carrying the decorator and the place', () => {
    const registry = new Registry();
    let thrown: unknown;
    try {
      class UserService {
        @Timed({ registry, name: 'user-find' }) find(): void {}
      }
      void UserService;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DecoratorMisuseError);
    expect(thrown).toMatchObject({ name: 'DecoratorMisuseError', decorator: 'Timed', place: 'UserService.find' });
  });

  test('a failed decoration registers nothing', async () => {
    const registry = new Registry();
    expect(() => {
      class UserService {
        @Timed({ registry, name: 'user_find_seconds', buckets: [2, 1] }) find(): void {}
      }
      void UserService;
    }).toThrow(DecoratorMisuseError);
    expect(await registry.metrics()).toBe('\n');
  });
});
