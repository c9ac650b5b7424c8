import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed, listInstrumented, type CallInfo } from '../../lib/index';
import { resetWarnings } from '../../lib/log';
import { MODE } from './mode';

// Runs in both decorator modes (jest projects "legacy" and "standard"). A method's wrapper is
// picked for its set of probes (static signals, one computed-label counter, the general path);
// whichever is picked, and however the method completes, the same series get the same writes.

afterEach(() => {
  jest.restoreAllMocks();
  resetWarnings();
});

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** A decorator from another library: wraps the method it is given in its own function. */
function Audited(log: string[]) {
  type Method = (...args: unknown[]) => unknown;
  const wrap = (inner: Method) =>
    function (this: unknown, ...args: unknown[]) {
      log.push('audit');
      return inner.apply(this, args);
    };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one decorator for both standards: a legacy one returns the descriptor, a standard one the method
  return (value: any, _context: any, descriptor?: PropertyDescriptor): any => {
    // Legacy: (prototype, key, descriptor); standard: (method, context).
    if (descriptor !== undefined) {
      descriptor.value = wrap(descriptor.value as Method);
      return descriptor;
    }
    return wrap(value as Method);
  };
}

describe('a counter with one computed label, alone on its method', () => {
  const regions = ['north', 'south'];

  test('a known value is counted in the very series every other way of completing writes: returned, thrown, resolved, rejected, iterated', async () => {
    const registry = new Registry();
    class Shipping {
      @Counted({ name: 'shipments', registry, labelNames: ['region'], labelsFrom: ({ args }) => ({ region: regions[args[1] as number] }) })
      ship(how: 'return' | 'throw' | 'resolve' | 'reject' | 'iterate', region: number): unknown {
        if (how === 'throw') throw new Error(`no ship ${region}`);
        if (how === 'resolve') return Promise.resolve('shipped');
        if (how === 'reject') return Promise.reject(new Error('sunk'));
        if (how === 'iterate') return (function* () { yield 1; })();
        return 'shipped';
      }
    }
    const shipping = new Shipping();
    for (let i = 0; i < 3; i++) expect(shipping.ship('return', 0)).toBe('shipped');
    expect(() => shipping.ship('throw', 0)).toThrow('no ship 0');
    await expect(shipping.ship('resolve', 0)).resolves.toBe('shipped');
    await expect(shipping.ship('reject', 0)).rejects.toThrow('sunk');
    expect([...(shipping.ship('iterate', 0) as Iterable<number>)]).toEqual([1]);
    expect(shipping.ship('return', 1)).toBe('shipped');
    expect(lines(await registry.getSingleMetricAsString('shipments_total'))).toEqual(['shipments_total{region="north"} 7', 'shipments_total{region="south"} 1']);
  });

  test('each call gives the label function a call info of its own: that call arguments, instance and outcome, kept after the call', async () => {
    const registry = new Registry();
    const seen: CallInfo[] = [];
    class Orders {
      @Counted({
        name: 'orders',
        registry,
        labelNames: ['kind'],
        labelsFrom: (call) => {
          seen.push(call);
          return { kind: 'any' };
        },
      })
      place(id: number): string {
        if (id < 0) throw new RangeError('negative');
        return `order ${id}`;
      }
    }
    const orders = new Orders();
    orders.place(1);
    orders.place(2);
    expect(() => orders.place(-1)).toThrow('negative');
    expect(seen.map(({ args, instance, result, failed }) => ({ args, self: instance === orders, result, failed }))).toEqual([
      { args: [1], self: true, result: 'order 1', failed: false },
      { args: [2], self: true, result: 'order 2', failed: false },
      { args: [-1], self: true, result: undefined, failed: true },
    ]);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0].args).not.toBe(seen[1].args);
    expect(seen[2].error).toBeInstanceOf(RangeError);
    expect(lines(await registry.getSingleMetricAsString('orders_total'))).toEqual(['orders_total{kind="any"} 3']);
  });

  test('a label function that calls the method again counts both calls, each under its own value', async () => {
    const registry = new Registry();
    class Tree {
      @Counted({
        name: 'visits',
        registry,
        labelNames: ['depth'],
        labelsFrom: ({ args, instance }) => {
          const depth = args[0] as number;
          if (depth === 0) (instance as Tree).visit(1);
          return { depth: `d${depth}` };
        },
      })
      visit(depth: number): number {
        return depth;
      }
    }
    new Tree().visit(0);
    expect(lines(await registry.getSingleMetricAsString('visits_total'))).toEqual(['visits_total{depth="d1"} 1', 'visits_total{depth="d0"} 1']);
  });

  test('numbers, values to cut and values past the cap take the full path; known values keep their own series after the cap', async () => {
    const registry = new Registry();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    class Lookup {
      @Counted({ name: 'lookups', registry, maxSeries: 3, labelNames: ['key'], labelsFrom: ({ args }) => ({ key: args[0] as string | number }) })
      find(_key: string | number): void {}
    }
    const lookup = new Lookup();
    const long = 'k'.repeat(300);
    for (const key of [7, 7, long, long, 'a', 'b', 'a', 7]) lookup.find(key);
    expect(lines(await registry.getSingleMetricAsString('lookups_total'))).toEqual([
      'lookups_total{key="7"} 3',
      `lookups_total{key="${'k'.repeat(255)}…"} 2`,
      'lookups_total{key="a"} 2',
      'lookups_total{key="__overflow__"} 1',
    ]);
  });

  test('with another of our decorators stacked on it, it is counted the same way, through the general path', async () => {
    const registry = new Registry();
    class Jobs {
      @Timed({ registry, buckets: [10] })
      @Counted({ name: 'jobs', registry, labelNames: ['queue'], labelsFrom: ({ args }) => ({ queue: args[0] as string }) })
      run(_queue: string): string {
        return 'ran';
      }
    }
    const jobs = new Jobs();
    jobs.run('fast');
    jobs.run('fast');
    expect(lines(await registry.getSingleMetricAsString('jobs_total'))).toEqual(['jobs_total{queue="fast"} 2']);
    expect(lines(await registry.getSingleMetricAsString('method_duration_seconds'))).toContain('method_duration_seconds_count{class="Jobs",method="run",result="ok"} 2');
  });
});

describe('wrappers made for an earlier set of probes', () => {
  test('a foreign decorator stacked between ours keeps the wrapper it was given, which records the decorators stacked after it too, once each', async () => {
    const registry = new Registry();
    const log: string[] = [];
    class Reports {
      @Timed({ registry, buckets: [10] })
      @InProgress({ registry })
      @Audited(log)
      @Counted({ name: 'reports', registry, labelNames: ['format'], labelsFrom: ({ args }) => ({ format: args[0] as string }) })
      build(format: string): string {
        log.push('body');
        return format;
      }
    }
    expect(new Reports().build('pdf')).toBe('pdf');
    expect(log).toEqual(['audit', 'body']);
    expect(lines(await registry.getSingleMetricAsString('reports_total'))).toEqual(['reports_total{format="pdf"} 1']);
    expect(lines(await registry.getSingleMetricAsString('method_in_progress'))).toEqual(['method_in_progress{class="Reports",method="build"} 0']);
    expect(lines(await registry.getSingleMetricAsString('method_duration_seconds'))).toContain('method_duration_seconds_count{class="Reports",method="build",result="ok"} 1');
  });

  test('a reference to a static method taken while its class is defined (standard: our general wrapper) records once per call, like the method the class holds afterwards', async () => {
    const registry = new Registry();
    let early: (() => string) | undefined;
    class Clock {
      @Counted({ registry })
      @LastCalled({ registry })
      static tick(): string {
        return 'tick';
      }
      static {
        early = Clock.tick;
      }
    }
    await Promise.resolve(); // a standard static method's probes are built a microtask after its class
    expect(early!()).toBe('tick');
    expect(Clock.tick()).toBe('tick');
    expect(Clock.tick.name).toBe('tick');
    // Legacy decorators run after the class body: its static block saw the undecorated method.
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      `method_calls_total{class="Clock",method="tick",result="ok"} ${MODE === 'standard' ? 2 : 1}`,
      'method_calls_total{class="Clock",method="tick",result="error"} 0',
    ]);
  });

  test('static signals stacked in any number record each call once, whichever wrapper runs it', async () => {
    const registry = new Registry();
    class Billing {
      @Counted({ registry })
      @Counted({ name: 'invoices', registry })
      @CountExceptions({ registry })
      charge(amount: number): number {
        if (amount < 0) throw new TypeError('refund');
        return amount;
      }
    }
    const billing = new Billing();
    billing.charge(1);
    expect(() => billing.charge(-1)).toThrow('refund');
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Billing",method="charge",result="ok"} 1',
      'method_calls_total{class="Billing",method="charge",result="error"} 1',
    ]);
    expect(lines(await registry.getSingleMetricAsString('invoices_total'))).toEqual(['invoices_total 2']);
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual(['method_exceptions_total{class="Billing",method="charge",error="TypeError"} 1']);
  });
});

describe('what methods decorated alike share', () => {
  test('each method is listed with its own metrics, and a changed listing changes no other', () => {
    const registry = new Registry();
    class Alike {
      @Counted({ registry })
      first(): void {}
      @Counted({ registry })
      second(): void {}
    }
    new Alike(); // a standard method decorator learns its class with the first instance
    const listed = () => listInstrumented().find((entry) => entry.target === Alike)!;
    const methods = listed().methods;
    expect(methods.map((method) => [method.name, method.metrics.map((metric) => metric.name)])).toEqual([
      ['first', ['method_calls_total']],
      ['second', ['method_calls_total']],
    ]);
    methods[0].metrics[0].labelNames.push('changed');
    methods[0].metrics[0].name = 'changed';
    expect(listed().methods[1].metrics[0]).toEqual({
      decorator: 'Counted',
      name: 'method_calls_total',
      type: 'counter',
      labelNames: ['class', 'method', 'result'],
      help: 'Completed calls of instrumented methods, by class, method and result (ok or error).',
      staticLabels: {},
    });
  });
});
