import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index';
import { MODE } from './mode';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

const shapes = [
  { shape: 'sync return', fails: false, async: false },
  { shape: 'sync throw', fails: true, async: false },
  { shape: 'async resolve', fails: false, async: true },
  { shape: 'async reject', fails: true, async: true },
];

describe(`one export per decorator works in this mode (${MODE})`, () => {
  describe.each(shapes)('a $shape method with all five decorators', ({ fails, async }) => {
    test('is invisible and records every signal once', async () => {
      const registry = new Registry();
      const failure = new TypeError('nope');
      const value = { trees: 3 };
      class TreeService {
        constructor(readonly region: string) {}
        @Counted({ registry }) @Timed({ registry, buckets: [10] }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
        countTrees(extra: string, more?: string): unknown {
          expect(this.region).toBe('eu');
          expect([extra, more]).toEqual(['a', 'b']);
          if (async) return fails ? Promise.reject(failure) : Promise.resolve(value);
          if (fails) throw failure;
          return value;
        }
      }
      expect(TreeService.prototype.countTrees.name).toBe('countTrees');
      expect(TreeService.prototype.countTrees.length).toBe(2);
      const service = new TreeService('eu');
      let outcome: unknown;
      let thrown: unknown;
      try {
        outcome = service.countTrees('a', 'b');
        if (async) {
          expect(outcome).toBeInstanceOf(Promise);
          outcome = await outcome;
        } else expect(outcome).not.toBeInstanceOf(Promise);
      } catch (error) {
        thrown = error;
      }
      if (fails) expect(thrown).toBe(failure);
      else expect(outcome).toBe(value);
      const result = fails ? 'error' : 'ok';
      expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toContain(`method_calls_total{class="TreeService",method="countTrees",result="${result}"} 1`);
      expect(lines(await registry.getSingleMetricAsString('method_duration_seconds'))).toContain(
        `method_duration_seconds_count{class="TreeService",method="countTrees",result="${result}"} 1`,
      );
      expect(lines(await registry.getSingleMetricAsString('method_in_progress'))).toEqual(['method_in_progress{class="TreeService",method="countTrees"} 0']);
      expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual(
        fails ? ['method_exceptions_total{class="TreeService",method="countTrees",error="TypeError"} 1'] : [],
      );
      const [, lastCalled] = lines(await registry.getSingleMetricAsString('method_last_called_timestamp_seconds'))[0].split(' ');
      expect(Math.abs(Number(lastCalled) - Date.now() / 1000)).toBeLessThan(5);
    });
  });

  test('a static method has its series once the code defining its class has run (at class definition with legacy decorators)', async () => {
    const registry = new Registry();
    class Tools {
      @Counted({ registry })
      static build(): string {
        return 'built';
      }
    }
    // Standard: a microtask after the class definition, when its name is final (issue 12, item 16).
    await Promise.resolve();
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Tools",method="build",result="ok"} 0',
      'method_calls_total{class="Tools",method="build",result="error"} 0',
    ]);
    expect(Tools.build()).toBe('built');
  });

  test('a static method called at once, through a subclass or detached from its class, is labelled with the class that declares it', async () => {
    const registry = new Registry();
    class Tools {
      @Counted({ registry })
      static build(): string {
        return 'built';
      }
    }
    class MoreTools extends Tools {}
    const { build } = Tools;
    expect(MoreTools.build()).toBe('built');
    expect(build()).toBe('built');
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Tools",method="build",result="ok"} 2',
      'method_calls_total{class="Tools",method="build",result="error"} 0',
    ]);
  });

  test('an instance method has its series by the time the first instance exists (at class definition with legacy decorators)', async () => {
    const registry = new Registry();
    class Repo {
      @Counted({ registry })
      save(): void {}
    }
    const before = registry.getSingleMetric('method_calls_total') === undefined ? [] : lines(await registry.getSingleMetricAsString('method_calls_total'));
    expect(before).toEqual(MODE === 'legacy' ? ['method_calls_total{class="Repo",method="save",result="ok"} 0', 'method_calls_total{class="Repo",method="save",result="error"} 0'] : []);
    new Repo();
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Repo",method="save",result="ok"} 0',
      'method_calls_total{class="Repo",method="save",result="error"} 0',
    ]);
  });

  test('super.method() from an overriding subclass counts once under each declaring class', async () => {
    const registry = new Registry();
    class Base {
      @Counted({ registry })
      greet(): string {
        return 'hello';
      }
    }
    class Loud extends Base {
      @Counted({ registry })
      override greet(): string {
        return super.greet().toUpperCase();
      }
    }
    class Quiet extends Base {}
    expect(new Loud().greet()).toBe('HELLO');
    expect(new Quiet().greet()).toBe('hello');
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Base",method="greet",result="ok"} 2',
      'method_calls_total{class="Base",method="greet",result="error"} 0',
      'method_calls_total{class="Loud",method="greet",result="ok"} 1',
      'method_calls_total{class="Loud",method="greet",result="error"} 0',
    ]);
  });

  test('a getter cannot be decorated: a compile-time error, and a decoration-time error when forced', () => {
    expect(() => {
      class Account {
        // @ts-expect-error: only methods can be decorated
        @Counted()
        get balance(): number {
          return 1;
        }
      }
      return Account;
    }).toThrow(/^@Counted on (Account|\?)\.balance: "balance" is a (getter or setter|getter), not a method\./);
  });
});
