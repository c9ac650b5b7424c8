import { Registry } from '../support/prometheus-client.js';
import { Counted, InProgress, SkipMetrics, Timed, listInstrumented } from '../../lib/index';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

describe('decorators on a class', () => {
  test('methods are told apart by their key itself: two symbols with one description are two methods (issue 11)', async () => {
    const registry = new Registry();
    const first = Symbol('job');
    const second = Symbol('job');
    @InProgress({ registry })
    class Worker {
      @Counted({ registry, name: 'first_runs' })
      [first](): string {
        return 'first';
      }
      @Counted({ registry, name: 'second_runs' })
      @SkipMetrics()
      [second](): string {
        return 'second';
      }
    }
    const worker = new Worker();
    expect(worker[first]()).toBe('first');
    expect(worker[second]()).toBe('second');
    expect(worker[second]()).toBe('second');
    expect(lines(await registry.getSingleMetricAsString('first_runs_total'))).toEqual(['first_runs_total 1']);
    expect(lines(await registry.getSingleMetricAsString('second_runs_total'))).toEqual(['second_runs_total 2']);
    // The class-level gauge skipped only the method marked @SkipMetrics().
    expect(lines(await registry.getSingleMetricAsString('method_in_progress'))).toEqual(['method_in_progress{class="Worker",method="job"} 0']);
  });

  test('instrument every method the class declares, prototype and static, and nothing else', async () => {
    const registry = new Registry();
    let getterCalls = 0;
    @Counted({ registry })
    class OrderService {
      field = () => 'a field';
      static staticField = () => 'a static field';
      constructor() {}
      get total(): number {
        getterCalls++;
        return 1;
      }
      set total(value: number) {
        void value;
      }
      place(): string {
        return 'placed';
      }
      async cancel(): Promise<string> {
        return 'cancelled';
      }
      static create(): OrderService {
        return new OrderService();
      }
    }
    expect(getterCalls).toBe(0);
    const service = OrderService.create();
    expect(service.place()).toBe('placed');
    await expect(service.cancel()).resolves.toBe('cancelled');
    expect(service.field()).toBe('a field');
    expect(OrderService.staticField()).toBe('a static field');
    expect(service.total).toBe(1);
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="OrderService",method="place",result="ok"} 1',
      'method_calls_total{class="OrderService",method="place",result="error"} 0',
      'method_calls_total{class="OrderService",method="cancel",result="ok"} 1',
      'method_calls_total{class="OrderService",method="cancel",result="error"} 0',
      'method_calls_total{class="OrderService",method="create",result="ok"} 1',
      'method_calls_total{class="OrderService",method="create",result="error"} 0',
    ]);
  });

  test('a method-level decorator of the same kind overrides the class-level one; other kinds still apply', async () => {
    const registry = new Registry();
    @Counted({ registry })
    @InProgress({ registry })
    class Payments {
      @Counted({ registry, name: 'charges' })
      charge(): void {}
      refund(): void {}
    }
    const payments = new Payments();
    payments.charge();
    payments.refund();
    expect(lines(await registry.getSingleMetricAsString('charges_total'))).toEqual(['charges_total 1']);
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Payments",method="refund",result="ok"} 1',
      'method_calls_total{class="Payments",method="refund",result="error"} 0',
    ]);
    expect(lines(await registry.getSingleMetricAsString('method_in_progress'))).toEqual([
      'method_in_progress{class="Payments",method="charge"} 0',
      'method_in_progress{class="Payments",method="refund"} 0',
    ]);
  });

  test('@SkipMetrics() opts a method out', async () => {
    const registry = new Registry();
    @Timed({ registry, buckets: [1] })
    class Service {
      work(): void {}
      @SkipMetrics()
      healthCheck(): string {
        return 'up';
      }
    }
    expect(new Service().healthCheck()).toBe('up');
    const text = await registry.getSingleMetricAsString('method_duration_seconds');
    expect(text).toContain('method="work"');
    expect(text).not.toContain('healthCheck');
  });

  test('a compiled class (a function with prototype or static methods, as Babel and TypeScript\'s ES5 target emit it) is a class; plain functions stay functions (issue 12, item 17)', async () => {
    const registry = new Registry();
    // TypeScript's ES5 output (Babel's loose mode is the same) for
    // `class InvoiceService { prefix = 'invoice-'; find(id) { ... } static create() { ... } }`.
    const InvoiceService = (function () {
      function InvoiceService(this: { prefix: string }) {
        this.prefix = 'invoice-';
      }
      InvoiceService.prototype.find = function (this: { prefix: string }, id: number): string {
        return this.prefix + id;
      };
      InvoiceService.create = function (): { find(id: number): string } {
        return new (InvoiceService as unknown as new () => { find(id: number): string })();
      };
      return InvoiceService;
    })();
    // Babel's _createClass defines methods non-enumerable: here a class with static methods only.
    function Parser(): void {}
    Object.defineProperty(Parser, 'parse', { value: (text: string) => text.length, enumerable: false, writable: true, configurable: true });
    function fetchRepo(): string {
      return 'repo';
    }
    const pages = function* pages(): Generator<number> {
      yield 1;
    };

    expect(Counted({ registry })(InvoiceService)).toBe(InvoiceService);
    Counted({ registry })(Parser);
    const countedFetch = Counted({ registry })(fetchRepo);
    const countedPages = Counted({ registry })(pages);
    const countedArrow = Counted({ registry, method: 'arrow' })(() => 'arrow');
    expect(InvoiceService.create().find(7)).toBe('invoice-7');
    expect((Parser as unknown as { parse(text: string): number }).parse('abc')).toBe(3);
    expect([countedFetch(), [...countedPages()], countedArrow()]).toEqual(['repo', [1], 'arrow']);
    expect(lines(await registry.getSingleMetricAsString('method_calls_total')).filter((line) => line.endsWith(' 1'))).toEqual([
      'method_calls_total{class="InvoiceService",method="find",result="ok"} 1',
      'method_calls_total{class="InvoiceService",method="create",result="ok"} 1',
      'method_calls_total{class="Parser",method="parse",result="ok"} 1',
      'method_calls_total{class="",method="fetchRepo",result="ok"} 1',
      'method_calls_total{class="",method="pages",result="ok"} 1',
      'method_calls_total{class="",method="arrow",result="ok"} 1',
    ]);
  });

  test("inheritance: a subclass's decorators instrument its own methods; inherited ones keep the declaring class", async () => {
    const registry = new Registry();
    @Counted({ registry })
    class Base {
      shared(): string {
        return 'base';
      }
    }
    @Counted({ registry })
    class Derived extends Base {
      own(): string {
        return 'derived';
      }
    }
    const derived = new Derived();
    derived.shared();
    derived.own();
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Base",method="shared",result="ok"} 1',
      'method_calls_total{class="Base",method="shared",result="error"} 0',
      'method_calls_total{class="Derived",method="own",result="ok"} 1',
      'method_calls_total{class="Derived",method="own",result="error"} 0',
    ]);
    const byClass = Object.fromEntries(listInstrumented().map((entry) => [entry.className, entry]));
    expect(byClass.Base.methods.map((method) => method.name)).toEqual(['shared']);
    expect(byClass.Derived.methods.map((method) => method.name)).toEqual(['own']);
  });
});
