import { Counter, Registry, register } from '../support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index';

const CALLS_HELP = [
  '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
  '# TYPE method_calls_total counter',
];

describe('get-or-create: the same name, type and labels are the same metric', () => {
  test('defining the same class twice never throws and keeps counting in the same series', async () => {
    const registry = new Registry();
    const define = () => {
      class TreeService {
        @Counted({ registry }) countTrees(): void {}
      }
      return TreeService;
    };
    const First = define();
    new First().countTrees();
    const Second = define();
    new Second().countTrees();
    new Second().countTrees();
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      [...CALLS_HELP, 'method_calls_total{class="TreeService",method="countTrees",result="ok"} 3', 'method_calls_total{class="TreeService",method="countTrees",result="error"} 0'].join('\n'),
    );
  });

  test('re-importing a module under jest.isolateModules (a fresh copy of the library) never throws "already registered"', async () => {
    const registry = new Registry();
    const globals = globalThis as { specRegistry?: Registry; specBuckets?: number[] };
    globals.specRegistry = registry;
    try {
      for (let i = 0; i < 2; i++) {
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules is synchronous: only require() loads a fresh copy
          const { TreeService } = require('./fixtures/tree-service-module') as typeof import('./fixtures/tree-service-module');
          new TreeService().countTrees();
        });
      }
    } finally {
      delete globals.specRegistry;
    }
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      [...CALLS_HELP, 'method_calls_total{class="TreeService",method="countTrees",result="ok"} 2', 'method_calls_total{class="TreeService",method="countTrees",result="error"} 0'].join('\n'),
    );
    expect(await registry.getSingleMetricAsString('tree_count_seconds')).toMatch(/^tree_count_seconds_count 2$/m);
  });

  test('a re-imported copy of the library still reports a bucket conflict', () => {
    const registry = new Registry();
    const globals = globalThis as { specRegistry?: Registry; specBuckets?: number[] };
    globals.specRegistry = registry;
    try {
      globals.specBuckets = [0.1, 1];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules is synchronous: only require() loads a fresh copy
      jest.isolateModules(() => require('./fixtures/tree-service-module'));
      globals.specBuckets = [0.5, 5];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules is synchronous: only require() loads a fresh copy
      expect(() => jest.isolateModules(() => require('./fixtures/tree-service-module'))).toThrowErrorMatchingInlineSnapshot(
        `"@Timed on TreeService.countTrees: metric "tree_count_seconds" is declared here as a histogram with no labels, but @Timed on TreeService.countTrees already declared it as a histogram with no labels (buckets [0.1, 1] against [0.5, 5]). Use the same options in both places, or give one of them another name"`,
      );
    } finally {
      delete globals.specRegistry;
      delete globals.specBuckets;
    }
  });

  test('several decorators and methods may share one named metric', async () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'shop_requests', labels: { page: 'cart' } }) cart(): void {}
      @Counted({ registry, name: 'shop_requests', labels: { page: 'checkout' } }) checkout(): void {}
    }
    const shop = new Shop();
    shop.cart();
    shop.checkout();
    shop.checkout();
    expect(await registry.getSingleMetricAsString('shop_requests_total')).toBe(
      ['# HELP shop_requests_total Calls counted by @Counted.', '# TYPE shop_requests_total counter', 'shop_requests_total{page="cart"} 1', 'shop_requests_total{page="checkout"} 2'].join(
        '\n',
      ),
    );
  });
});

describe('the registry option', () => {
  afterEach(() => register.clear());

  test("defaults to prom-client's global register, next to the app's own metrics", async () => {
    const ownCounter = new Counter({ name: 'app_logins_total', help: 'Logins' });
    class Sessions {
      @Counted({ name: 'sessions_opened' }) open(): void {
        ownCounter.inc();
      }
    }
    new Sessions().open();
    const text = await register.metrics();
    expect(text).toContain('app_logins_total 1\n');
    expect(text).toContain('sessions_opened_total 1\n');
  });

  test('a registry given in the options receives the metric; the global register does not', async () => {
    const registry = new Registry();
    class Sessions {
      @Counted({ registry, name: 'sessions_opened' }) open(): void {}
    }
    new Sessions().open();
    expect(await registry.getSingleMetricAsString('sessions_opened_total')).toMatch(/^sessions_opened_total 1$/m);
    expect(register.getSingleMetric('sessions_opened_total')).toBeUndefined();
  });
});

describe('conflicts are decoration-time errors naming both places', () => {
  test('a different type under a name in use', () => {
    const registry = new Registry();
    class Jobs {
      @Counted({ registry, name: 'jobs_total' }) run(): void {}
    }
    void Jobs;
    expect(() => {
      class Workers {
        @InProgress({ registry, name: 'jobs_total' }) work(): void {}
      }
      void Workers;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@InProgress on Workers.work: metric "jobs_total" is declared here as a gauge with no labels, but @Counted on Jobs.run already declared it as a counter with no labels (the types differ). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('a different label set under a name in use', () => {
    const registry = new Registry();
    class Api {
      @Counted({ registry, name: 'api_requests', labels: { endpoint: '/a' } }) a(): void {}
    }
    void Api;
    expect(() => {
      class Admin {
        @Counted({ registry, name: 'api_requests', labels: { route: '/b' } }) b(): void {}
      }
      void Admin;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Admin.b: metric "api_requests_total" is declared here as a counter with labels route, but @Counted on Api.a already declared it as a counter with labels endpoint (labels [endpoint] against [route]). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('a named metric that takes a default metric\'s name but not its labels', () => {
    const registry = new Registry();
    class Api {
      @Counted({ registry }) a(): void {}
    }
    void Api;
    expect(() => {
      class Admin {
        @Counted({ registry, name: 'method_calls_total' }) b(): void {}
      }
      void Admin;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Admin.b: metric "method_calls_total" is declared here as a counter with no labels, but @Counted on Api.a already declared it as a counter with labels class, method, result (labels [class,method,result] against []). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('different buckets under a histogram name in use', () => {
    const registry = new Registry();
    class Api {
      @Timed({ registry, name: 'api_seconds', buckets: [0.1, 1] }) a(): void {}
    }
    void Api;
    expect(() => {
      class Admin {
        @Timed({ registry, name: 'api_seconds', buckets: [0.1, 2] }) b(): void {}
      }
      void Admin;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Admin.b: metric "api_seconds" is declared here as a histogram with no labels, but @Timed on Api.a already declared it as a histogram with no labels (buckets [0.1, 1] against [0.1, 2]). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('buckets on the default histogram differ from the default ones already declared', () => {
    const registry = new Registry();
    class Api {
      @Timed({ registry }) a(): void {}
    }
    void Api;
    expect(() => {
      class Admin {
        @Timed({ registry, buckets: [1, 2] }) b(): void {}
      }
      void Admin;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Admin.b: metric "method_duration_seconds" is declared here as a histogram with labels class, method, result, but @Timed on Api.a already declared it as a histogram with labels class, method, result (buckets [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] against [1, 2]). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('a histogram and a summary under one name', () => {
    const registry = new Registry();
    class Api {
      @Timed({ registry, name: 'api_seconds' }) a(): void {}
    }
    void Api;
    expect(() => {
      class Admin {
        @Timed({ registry, name: 'api_seconds', type: 'summary' }) b(): void {}
      }
      void Admin;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Admin.b: metric "api_seconds" is declared here as a summary with no labels, but @Timed on Api.a already declared it as a histogram with no labels (the types differ). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('a gauge of timestamps and a plain gauge under one name', () => {
    const registry = new Registry();
    class Api {
      @LastCalled({ registry, name: 'api_marker' }) a(): void {}
    }
    void Api;
    expect(() => {
      class Admin {
        @InProgress({ registry, name: 'api_marker' }) b(): void {}
      }
      void Admin;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@InProgress on Admin.b: metric "api_marker" is declared here as a gauge with no labels, but @LastCalled on Api.a already declared it as a timestamp gauge with no labels (the types differ). Use the same options in both places, or give one of them another name"`,
    );
  });

  test('a name already used by a plain prom-client metric', () => {
    const registry = new Registry();
    new Counter({ name: 'orders_failed_total', help: 'Orders that failed', registers: [registry] });
    expect(() => {
      class Orders {
        @CountExceptions({ registry, name: 'orders_failed' }) place(): void {}
      }
      void Orders;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@CountExceptions on Orders.place: metric "orders_failed_total" is already registered in this registry by code outside prom-decorators. Give the decorator another name, or remove the other registration"`,
    );
  });
});
