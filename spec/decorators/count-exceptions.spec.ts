import { Registry } from '../support/prometheus-client.js';
import { CountExceptions } from '../../lib/index';
import { METHOD_SHAPES, settle } from '../core/method-shapes';

const HELP = [
  '# HELP method_exceptions_total Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
  '# TYPE method_exceptions_total counter',
];

/** The sample lines of an exposition, without HELP and TYPE. */
function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

class OrderRejected extends Error {}
class TimeoutError extends Error {}

describe.each(METHOD_SHAPES)('@CountExceptions on a $title method', (shape) => {
  test(shape.fails ? 'counts the error under its constructor name' : 'counts nothing when the call succeeds', async () => {
    const registry = new Registry();
    class Orders {
      @CountExceptions({ registry })
      place(id: number): unknown {
        return shape.body(id, id > 1 ? new OrderRejected('no stock') : new TypeError('bad id'));
      }
    }
    const orders = new Orders();
    await settle(() => orders.place(1));
    await settle(() => orders.place(2));
    await settle(() => orders.place(3));
    const lines = shape.fails
      ? ['method_exceptions_total{class="Orders",method="place",error="TypeError"} 1', 'method_exceptions_total{class="Orders",method="place",error="OrderRejected"} 2']
      : [];
    expect(await registry.getSingleMetricAsString('method_exceptions_total')).toBe([...HELP, ...lines].join('\n'));
  });

  test.each([
    { what: 'string', thrown: 'out of stock', label: 'string' },
    { what: 'number', thrown: 42, label: 'number' },
    { what: 'undefined', thrown: undefined, label: 'undefined' },
    { what: 'null', thrown: null, label: 'null' },
    { what: 'plain object', thrown: { code: 'E_STOCK' }, label: 'Object' },
    { what: 'object without prototype', thrown: Object.create(null) as object, label: 'Object' },
    // The nearest named constructor up the prototype chain, not "Object".
    { what: 'anonymous Error subclass', thrown: new (class extends Error {})(), label: 'Error' },
    { what: 'anonymous subclass of a named error', thrown: new (class extends OrderRejected {})(), label: 'OrderRejected' },
    { what: 'instance of an anonymous class', thrown: new [class {}][0](), label: 'Object' },
  ])('a thrown $what is labelled error="$label"', async ({ thrown, label }) => {
    const registry = new Registry();
    class Orders {
      @CountExceptions({ registry })
      place(): unknown {
        return shape.body('placed', thrown);
      }
    }
    await settle(() => new Orders().place());
    const lines = shape.fails ? [`method_exceptions_total{class="Orders",method="place",error="${label}"} 1`] : [];
    expect(await registry.getSingleMetricAsString('method_exceptions_total')).toBe([...HELP, ...lines].join('\n'));
  });

  test('only: [classes] counts only errors of those classes (instanceof), with their series at 0 from the start', async () => {
    const registry = new Registry();
    class Gateway {
      @CountExceptions({ registry, only: [TimeoutError] })
      fetch(error: Error): unknown {
        return shape.body('page', error);
      }
    }
    class SlowTimeout extends TimeoutError {}
    const gateway = new Gateway();
    await settle(() => gateway.fetch(new TimeoutError('slow')));
    await settle(() => gateway.fetch(new SlowTimeout('slower')));
    await settle(() => gateway.fetch(new TypeError('bug')));
    const timeouts = shape.fails ? 1 : 0;
    const lines = ['method_exceptions_total{class="Gateway",method="fetch",error="TimeoutError"} ' + timeouts];
    if (shape.fails) lines.push('method_exceptions_total{class="Gateway",method="fetch",error="SlowTimeout"} 1');
    expect(await registry.getSingleMetricAsString('method_exceptions_total')).toBe([...HELP, ...lines].join('\n'));
  });

  test('only: [an anonymous error class] starts the series its errors are counted under (its nearest named ancestor)', async () => {
    const registry = new Registry();
    const errors = [class extends TimeoutError {}];
    class Gateway {
      @CountExceptions({ registry, only: errors })
      fetch(): unknown {
        return shape.body('page', new errors[0]('slow'));
      }
    }
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual(['method_exceptions_total{class="Gateway",method="fetch",error="TimeoutError"} 0']);
    await settle(() => new Gateway().fetch());
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual([
      `method_exceptions_total{class="Gateway",method="fetch",error="TimeoutError"} ${shape.fails ? 1 : 0}`,
    ]);
  });

  test('only: a predicate counts the errors it accepts', async () => {
    const registry = new Registry();
    class Gateway {
      @CountExceptions({ registry, only: (error) => error instanceof Error && error.message.startsWith('5') })
      fetch(status: string): unknown {
        return shape.body(status, new Error(status));
      }
    }
    const gateway = new Gateway();
    await settle(() => gateway.fetch('503'));
    await settle(() => gateway.fetch('404'));
    await settle(() => gateway.fetch('500'));
    const lines = shape.fails ? ['method_exceptions_total{class="Gateway",method="fetch",error="Error"} 2'] : [];
    expect(await registry.getSingleMetricAsString('method_exceptions_total')).toBe([...HELP, ...lines].join('\n'));
  });

  test('only: a lone error class (not a list) is matched with instanceof, not called as a predicate; its series starts at 0', async () => {
    const registry = new Registry();
    class Gateway {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
      @CountExceptions({ registry, only: TimeoutError as any })
      fetch(error: Error): unknown {
        return shape.body('page', error);
      }
    }
    const gateway = new Gateway();
    await settle(() => gateway.fetch(new TimeoutError('slow')));
    await settle(() => gateway.fetch(new TypeError('bug')));
    const lines = [`method_exceptions_total{class="Gateway",method="fetch",error="TimeoutError"} ${shape.fails ? 1 : 0}`];
    expect(await registry.getSingleMetricAsString('method_exceptions_total')).toBe([...HELP, ...lines].join('\n'));
  });

  test('a named counter with only: counts matching errors on every method that names it, series at 0 from the start', async () => {
    const registry = new Registry();
    class ExampleApp {
      @CountExceptions({ registry, name: 'example_app_exceptions', help: 'Exceptions serving requests', only: [OrderRejected] })
      doGet(): unknown {
        return shape.body('page', new OrderRejected('get'));
      }
      @CountExceptions({ registry, name: 'example_app_exceptions', help: 'Exceptions serving requests', only: [OrderRejected] })
      doPost(): unknown {
        return shape.body('created', new OrderRejected('post'));
      }
    }
    expect(await registry.getSingleMetricAsString('example_app_exceptions_total')).toBe(
      ['# HELP example_app_exceptions_total Exceptions serving requests', '# TYPE example_app_exceptions_total counter', 'example_app_exceptions_total 0'].join('\n'),
    );
    const app = new ExampleApp();
    await settle(() => app.doGet());
    await settle(() => app.doPost());
    await settle(() => app.doPost());
    expect(await registry.getSingleMetricAsString('example_app_exceptions_total')).toBe(
      [
        '# HELP example_app_exceptions_total Exceptions serving requests',
        '# TYPE example_app_exceptions_total counter',
        `example_app_exceptions_total ${shape.fails ? 3 : 0}`,
      ].join('\n'),
    );
  });
});

describe('@CountExceptions error types at run time (issue 12, item 11)', () => {
  afterEach(() => jest.restoreAllMocks());

  test('seriesTtlSeconds drops an error type not thrown for that long; the error classes of only are kept', async () => {
    let now = 1_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const registry = new Registry();
    class Jobs {
      @CountExceptions({ registry, seriesTtlSeconds: 60, only: [TimeoutError, RangeError] })
      run(error: Error): void {
        throw error;
      }
    }
    const jobs = new Jobs();
    expect(() => jobs.run(new RangeError('once'))).toThrow('once');
    expect(() => jobs.run(new TimeoutError('t'))).toThrow('t');
    await registry.metrics();
    now += 61_000;
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual([
      'method_exceptions_total{class="Jobs",method="run",error="TimeoutError"} 1',
      'method_exceptions_total{class="Jobs",method="run",error="RangeError"} 1',
    ]);
    class Parser {
      @CountExceptions({ registry, seriesTtlSeconds: 60 })
      parse(error: Error): void {
        throw error;
      }
    }
    const parser = new Parser();
    expect(() => parser.parse(new SyntaxError('a'))).toThrow('a');
    await registry.metrics();
    now += 61_000;
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual([
      'method_exceptions_total{class="Jobs",method="run",error="TimeoutError"} 1',
      'method_exceptions_total{class="Jobs",method="run",error="RangeError"} 1',
    ]);
  });

  test('an error type named with a whole upstream message is cut to 256 characters', async () => {
    const registry = new Registry();
    const Upstream = class extends Error {};
    Object.defineProperty(Upstream, 'name', { value: `Upstream${'m'.repeat(10_000)}` });
    class Client {
      @CountExceptions({ registry })
      call(): void {
        throw new Upstream('x');
      }
    }
    expect(() => new Client().call()).toThrow('x');
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual([`method_exceptions_total{class="Client",method="call",error="Upstream${'m'.repeat(247)}…"} 1`]);
  });

  test('maxSeriesPerSite and seriesTtlSeconds are checked when the class is defined', () => {
    expect(() => {
      class Bad {
        @CountExceptions({ maxSeriesPerSite: 1.5 })
        run(): void {}
      }
      return Bad;
    }).toThrow('@CountExceptions on Bad.run: maxSeriesPerSite 1.5 is not a positive integer');
  });
});
