import { Registry } from '../support/prometheus-client.js';
import { Counted } from '../../lib/index';
import { METHOD_SHAPES, deferred, settle } from '../core/method-shapes';

const HELP = [
  '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
  '# TYPE method_calls_total counter',
];

function callsText(...series: string[]): string {
  return [...HELP, ...series].join('\n');
}

describe.each(METHOD_SHAPES)('@Counted on a $title method', (shape) => {
  test(`counts the completed call under result="${shape.result}"`, async () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry })
      countTrees(region: string): unknown {
        return shape.body(region.length, new RangeError(region));
      }
    }
    const service = new TreeService();
    await settle(() => service.countTrees('north'));
    await settle(() => service.countTrees('south'));
    const ok = shape.fails ? 0 : 2;
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText(
        `method_calls_total{class="TreeService",method="countTrees",result="ok"} ${ok}`,
        `method_calls_total{class="TreeService",method="countTrees",result="error"} ${2 - ok}`,
      ),
    );
  });

  test('a static method is counted under its class', async () => {
    const registry = new Registry();
    class Forest {
      @Counted({ registry })
      static plant(count: number): unknown {
        return shape.body(count, new Error('no room'));
      }
    }
    await settle(() => Forest.plant(3));
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText(
        `method_calls_total{class="Forest",method="plant",result="ok"} ${shape.fails ? 0 : 1}`,
        `method_calls_total{class="Forest",method="plant",result="error"} ${shape.fails ? 1 : 0}`,
      ),
    );
  });

  test('a subclass calling the inherited method is counted under the declaring class', async () => {
    const registry = new Registry();
    class Repository {
      @Counted({ registry })
      load(id: number): unknown {
        return shape.body(id, new Error('missing'));
      }
    }
    class UserRepository extends Repository {}
    await settle(() => new UserRepository().load(7));
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText(
        `method_calls_total{class="Repository",method="load",result="ok"} ${shape.fails ? 0 : 1}`,
        `method_calls_total{class="Repository",method="load",result="error"} ${shape.fails ? 1 : 0}`,
      ),
    );
  });

  test('super.method() from an undecorated override is counted once, under the declaring class', async () => {
    const registry = new Registry();
    class Repository {
      @Counted({ registry })
      load(id: number): unknown {
        return shape.body(id, new Error('missing'));
      }
    }
    class CachedRepository extends Repository {
      override load(id: number): unknown {
        return super.load(id);
      }
    }
    await settle(() => new CachedRepository().load(7));
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText(
        `method_calls_total{class="Repository",method="load",result="ok"} ${shape.fails ? 0 : 1}`,
        `method_calls_total{class="Repository",method="load",result="error"} ${shape.fails ? 1 : 0}`,
      ),
    );
  });

  test('a decorated override calling super.method() counts each class once', async () => {
    const registry = new Registry();
    class Repository {
      @Counted({ registry })
      load(id: number): unknown {
        return shape.body(id, new Error('missing'));
      }
    }
    class CachedRepository extends Repository {
      @Counted({ registry })
      override load(id: number): unknown {
        return super.load(id);
      }
    }
    await settle(() => new CachedRepository().load(7));
    const ok = shape.fails ? 0 : 1;
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText(
        `method_calls_total{class="Repository",method="load",result="ok"} ${ok}`,
        `method_calls_total{class="Repository",method="load",result="error"} ${1 - ok}`,
        `method_calls_total{class="CachedRepository",method="load",result="ok"} ${ok}`,
        `method_calls_total{class="CachedRepository",method="load",result="error"} ${1 - ok}`,
      ),
    );
  });

  test('a named counter gets _total appended and counts every call with only its static labels', async () => {
    const registry = new Registry();
    class ExampleApp {
      @Counted({ registry, name: 'example_app', help: 'Requests served', labels: { endpoint: '/treecounter' } })
      handle(): unknown {
        return shape.body('ok', new Error('down'));
      }
    }
    await settle(() => new ExampleApp().handle());
    await settle(() => new ExampleApp().handle());
    expect(await registry.getSingleMetricAsString('example_app_total')).toBe(
      ['# HELP example_app_total Requests served', '# TYPE example_app_total counter', 'example_app_total{endpoint="/treecounter"} 2'].join('\n'),
    );
  });
});

test('a counter name that already ends in _total is kept as it is', async () => {
  const registry = new Registry();
  class Jobs {
    @Counted({ registry, name: 'jobs_run_total' }) run(): void {}
  }
  new Jobs().run();
  expect(await registry.getSingleMetricAsString('jobs_run_total')).toBe(
    ['# HELP jobs_run_total Calls counted by @Counted.', '# TYPE jobs_run_total counter', 'jobs_run_total 1'].join('\n'),
  );
});

describe('@Counted on a pending call', () => {
  test.each([
    { outcome: 'resolves', result: 'ok' },
    { outcome: 'rejects', result: 'error' },
  ])('counts nothing while the promise is pending, and once under result="$result" when it $outcome', async ({ outcome, result }) => {
    const registry = new Registry();
    const pending = deferred<number>();
    class TreeService {
      @Counted({ registry })
      async countTrees(): Promise<number> {
        const trees = await pending.promise; // the async keyword changes nothing: the returned promise is followed
        return trees * 2;
      }
    }
    const call = settle(() => new TreeService().countTrees());
    await new Promise((resolve) => setImmediate(resolve));
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText('method_calls_total{class="TreeService",method="countTrees",result="ok"} 0', 'method_calls_total{class="TreeService",method="countTrees",result="error"} 0'),
    );
    if (outcome === 'resolves') pending.resolve(3);
    else pending.reject(new Error('lost count'));
    const settled = await call;
    expect(settled.failed).toBe(result === 'error');
    expect(await registry.getSingleMetricAsString('method_calls_total')).toBe(
      callsText(
        `method_calls_total{class="TreeService",method="countTrees",result="ok"} ${result === 'ok' ? 1 : 0}`,
        `method_calls_total{class="TreeService",method="countTrees",result="error"} ${result === 'error' ? 1 : 0}`,
      ),
    );
  });
});
