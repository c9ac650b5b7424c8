import { Counter, Gauge, Histogram, Registry } from '../support/prometheus-client.js';
import { Counted, DecoratorMisuseError, Enum, getOrCreateMetric, Info, InProgress, LastCalled, MetricOptionsError, setLogger, Timed } from '../../lib/index';
import { httpMetrics } from '../../lib/http-metrics/express.js';
import { resetWarnings } from '../../lib/log';
import { SeriesIndex } from '../../lib/metrics/series-index';

/** The error a function throws, so a test can check its class and its whole message. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const warnings: unknown[][] = [];
beforeEach(() => {
  resetWarnings();
  warnings.length = 0;
  setLogger({ warn: (...args: unknown[]) => void warnings.push(args) });
});
afterEach(() => setLogger(undefined));

describe('every name a metric writes is reserved for it (issue 11: one conflict check)', () => {
  test('a gauge named like a histogram\'s _count is refused, naming both declarations', () => {
    const registry = new Registry();
    class Orchard {
      @Timed({ registry, name: 'pick_seconds' }) pick(): void {}
    }
    const error = thrown(() => {
      class Shed {
        @InProgress({ registry, name: 'pick_seconds_count' }) store(): void {}
      }
      return Shed;
    });
    expect(error).toBeInstanceOf(DecoratorMisuseError);
    expect(error.message).toBe(
      '@InProgress on Shed.store: metric "pick_seconds_count" (a gauge with no labels) would write "pick_seconds_count", which the histogram "pick_seconds" registered by @Timed on Orchard.pick already writes. Use the same options in both places, or give one of them another name',
    );
    expect(Orchard).toBeDefined();
  });

  test('the other way round: a histogram whose _sum a timestamp gauge already writes', () => {
    const registry = new Registry();
    class Backup {
      @LastCalled({ registry, name: 'backup_sum' }) run(): void {}
    }
    expect(() => {
      class Restore {
        @Timed({ registry, name: 'backup' }) run(): void {}
      }
      return Restore;
    }).toThrow(
      '@Timed on Restore.run: metric "backup" (a histogram with no labels) would write "backup_sum", which the gauge "backup_sum" registered by @LastCalled on Backup.run already writes. Use the same options in both places, or give one of them another name',
    );
    expect(Backup).toBeDefined();
  });

  test("a counter's OpenMetrics family name and its _created are its own", () => {
    const registry = new Registry();
    class Jobs {
      @Counted({ registry, name: 'jobs' }) run(): void {}
    }
    for (const name of ['jobs', 'jobs_created']) {
      expect(() => {
        class Queue {
          @InProgress({ registry, name }) take(): void {}
        }
        return Queue;
      }).toThrow(`@InProgress on Queue.take: metric "${name}" (a gauge with no labels) would write "${name}", which the counter "jobs_total" registered by @Counted on Jobs.run already writes.`);
    }
    expect(Jobs).toBeDefined();
  });

  test("a plain client metric registered first: the decorator's error says so and how to fix it", () => {
    const registry = new Registry();
    new Counter({ name: 'sales_sum', help: 'theirs', registers: [registry] });
    expect(() => {
      class Shop {
        @Timed({ registry, name: 'sales', type: 'summary' }) sell(): void {}
      }
      return Shop;
    }).toThrow(
      '@Timed on Shop.sell: metric "sales" (a summary with no labels) would write "sales_sum", which the counter "sales_sum" registered by code outside prom-decorators already writes. Give the decorator another name, or remove the other registration',
    );
  });

  test('the HTTP metrics word a clash for their user: the option, not a decorator', () => {
    const registry = new Registry();
    new Gauge({ name: 'http_request_duration_seconds_bucket', help: 'theirs', registers: [registry] });
    expect(thrown(() => httpMetrics({ registry })).message).toBe(
      `expressHttpMetrics(): option "names.duration": metric "http_request_duration_seconds" (a histogram with labels method, route, status_code) would write "http_request_duration_seconds_bucket", which the gauge "http_request_duration_seconds_bucket" registered by code outside prom-decorators already writes. Pass { prefix: 'myapp_' } (every HTTP metric of prom-decorators renamed) or { names: { duration: 'myapp_http_request_duration_seconds' } } (this one), or give the HTTP metrics a registry of their own with the registry option`,
    );
  });

  test('Info and Enum word it as a MetricOptionsError', () => {
    const registry = new Registry();
    class Deploy {
      @LastCalled({ registry, name: 'app_info' }) run(): void {}
    }
    const error = thrown(() => new Info({ name: 'app', registry }));
    expect(error).toBeInstanceOf(MetricOptionsError);
    expect(error.message).toBe(
      'Info "app_info": metric "app_info" is declared here as an Info metric with no labels, but @LastCalled on Deploy.run already declared it as a timestamp gauge with no labels (the types differ). Give one of them another name.',
    );
    new Enum({ name: 'app_state', states: ['up', 'down'], registry });
    expect(() => new Enum({ name: 'app_state', states: ['up', 'down', 'draining'], registry })).not.toThrow();
    expect(Deploy).toBeDefined();
  });
});

describe('a second declaration with another help', () => {
  test('keeps the first help and warns once, naming both places', async () => {
    const registry = new Registry();
    const define = (help: string) => {
      class Billing {
        @Counted({ registry, name: 'invoices', help }) issue(): void {}
      }
      return Billing;
    };
    define('Invoices issued.');
    define('Invoices sent.');
    define('Invoices sent.');
    expect(warnings).toEqual([
      [
        'prom-decorators: metric "invoices_total" is declared by @Counted on Billing.issue with help "Invoices sent.", but @Counted on Billing.issue declared it with help "Invoices issued."; the first help is kept (give both the same help)',
      ],
    ]);
    expect(await registry.getSingleMetricAsString('invoices_total')).toMatch(/^# HELP invoices_total Invoices issued\.$/m);
  });
});

describe("getOrCreateMetric: the app's own client metrics through the same check", () => {
  test('the same configuration twice is the same object, counting on', async () => {
    const registry = new Registry();
    const configuration = { name: 'sales_euros_total', help: 'Sales in euros.', labelNames: ['item'], registers: [registry] };
    const first = getOrCreateMetric(Counter, configuration);
    first.inc({ item: 'apple' }, 0.5);
    const second = getOrCreateMetric(Counter, configuration);
    second.inc({ item: 'apple' }, 0.25);
    expect(second).toBe(first);
    expect(await registry.metrics()).toBe('# HELP sales_euros_total Sales in euros.\n# TYPE sales_euros_total counter\nsales_euros_total{item="apple"} 0.75\n');
  });

  test('other labels, another type or other buckets are a conflict naming both', () => {
    const registry = new Registry();
    getOrCreateMetric(Histogram, { name: 'basket_size', help: 'Items per basket.', buckets: [1, 5], registers: [registry] });
    const error = thrown(() => getOrCreateMetric(Histogram, { name: 'basket_size', help: 'Items per basket.', buckets: [1, 10], registers: [registry] }));
    expect(error).toBeInstanceOf(MetricOptionsError);
    expect(error.message).toBe(
      'getOrCreateMetric() "basket_size": metric "basket_size" is declared here as a client Histogram with no labels, but getOrCreateMetric(Histogram) already declared it as a client Histogram with no labels (buckets [1, 5] against [1, 10]). Declare it with the same type, labels and options everywhere, or give one of them another name',
    );
    expect(() => getOrCreateMetric(Gauge, { name: 'basket_size', help: 'Items per basket.', registers: [registry] })).toThrow('(the types differ)');
    expect(() => getOrCreateMetric(Gauge, { name: 'basket_size_bucket', help: 'x', registers: [registry] })).toThrow(
      'would write "basket_size_bucket", which the histogram "basket_size" registered by getOrCreateMetric(Histogram) already writes',
    );
  });

  test('a decorator meeting a client metric of the same name is a conflict too', () => {
    const registry = new Registry();
    getOrCreateMetric(Counter, { name: 'orders_total', help: 'Orders.', registers: [registry] });
    expect(() => {
      class Orders {
        @Counted({ registry, name: 'orders' }) place(): void {}
      }
      return Orders;
    }).toThrow('(the types differ)');
  });

  test('misuse is named: no class, no name, several registries', () => {
    const registry = new Registry();
    expect(() => getOrCreateMetric(undefined as never, { name: 'x', help: 'x' })).toThrow(
      "getOrCreateMetric(): the metric type is not a class (got undefined). Pass the client's Counter, Gauge, Histogram or Summary, e.g. getOrCreateMetric(Counter, { name, help })",
    );
    expect(() => getOrCreateMetric(Counter, {} as never)).toThrow("getOrCreateMetric(): the configuration has no name. Pass the client's configuration, e.g. { name: 'sales_euros_total', help: '...' }");
    expect(() => getOrCreateMetric(Counter, { name: 'x_total', help: 'x', registers: [registry, new Registry()] })).toThrow(
      'getOrCreateMetric() "x_total": registers must list exactly one registry. Pass registers: [registry], or leave it out for the global register',
    );
  });
});

describe('SeriesIndex: one lookup for computed labels and HTTP series', () => {
  test('finds an entry by its values, level by level; unknown values and prefixes are misses', () => {
    const index = new SeriesIndex<string>(3);
    index.set(['GET', '/trees', '200'], 'a');
    index.set(['GET', '/trees', '500'], 'b');
    index.set(['POST', '/trees', '200'], 'c');
    expect(index.get(['GET', '/trees', '200'])).toBe('a');
    expect(index.get(['GET', '/trees', '500'])).toBe('b');
    expect(index.get(['POST', '/trees', '200'])).toBe('c');
    expect(index.get(['POST', '/trees', '500'])).toBeUndefined();
    expect(index.get(['PUT', '/trees', '200'])).toBeUndefined();
    // The values are separate keys, never joined: no separator can make two combinations collide.
    index.set(['a\u0000b', 'c', 'd'], 'joined');
    expect(index.get(['a', 'b\u0000c', 'd'])).toBeUndefined();
  });
});
