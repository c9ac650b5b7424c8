import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, DecoratorMisuseError, InProgress, LastCalled, Timed } from '../../lib/index';

// Each misuse twice: as written (TypeScript rejects it: @ts-expect-error, checked by
// `tsc --noEmit`), and forced through `as any` (the decoration-time error).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- forces a misuse past the type checker, to test the decoration-time error
const loose = (decorator: unknown) => decorator as any;

describe('only methods can be decorated', () => {
  test('a getter: a compile-time error, and a decoration-time error when forced', () => {
    const registry = new Registry();
    expect(() => {
      class Thermostat {
        // @ts-expect-error a getter's descriptor holds no function value
        @Counted({ registry })
        get temperature(): number {
          return 21;
        }
      }
      void Thermostat;
    }).toThrow(DecoratorMisuseError);
    expect(() => {
      class Thermostat {
        @(loose(Counted({ registry })))
        get temperature(): number {
          return 21;
        }
      }
      void Thermostat;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Counted on Thermostat.temperature: "temperature" is a getter or setter, not a method. Decorate the method that does the work instead"`,
    );
  });

  test('a setter: a compile-time error, and a decoration-time error when forced', () => {
    const registry = new Registry();
    expect(() => {
      class Thermostat {
        // @ts-expect-error a setter's descriptor holds no function value
        @Timed({ registry })
        set target(_degrees: number) {}
      }
      void Thermostat;
    }).toThrow(DecoratorMisuseError);
    expect(() => {
      class Thermostat {
        @(loose(Timed({ registry })))
        set target(_degrees: number) {}
      }
      void Thermostat;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@Timed on Thermostat.target: "target" is a getter or setter, not a method. Decorate the method that does the work instead"`,
    );
  });

  test('a field: a compile-time error, and a decoration-time error when forced', () => {
    const registry = new Registry();
    expect(() => {
      class Thermostat {
        // @ts-expect-error a field has no descriptor
        @InProgress({ registry })
        reading = 21;
      }
      void Thermostat;
    }).toThrow(DecoratorMisuseError);
    expect(() => {
      class Thermostat {
        @(loose(InProgress({ registry })))
        reading = 21;
      }
      void Thermostat;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@InProgress on Thermostat.reading: "reading" is a field, not a method. Decorate a method instead, or make it one"`,
    );
  });

  test('a field holding an arrow function: a decoration-time error too (there is no method to wrap)', () => {
    const registry = new Registry();
    expect(() => {
      class Thermostat {
        @(loose(LastCalled({ registry })))
        read = () => 21;
      }
      void Thermostat;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@LastCalled on Thermostat.read: "read" is a field, not a method. Decorate a method instead, or make it one"`,
    );
  });

  test('a static getter: a decoration-time error naming the class', () => {
    const registry = new Registry();
    expect(() => {
      class Thermostat {
        @(loose(CountExceptions({ registry })))
        static get unit(): string {
          return 'C';
        }
      }
      void Thermostat;
    }).toThrowErrorMatchingInlineSnapshot(
      `"@CountExceptions on Thermostat.unit: "unit" is a getter or setter, not a method. Decorate the method that does the work instead"`,
    );
  });
});

describe('where the labels come from', () => {
  test('a method named by a symbol is labelled with the symbol description', async () => {
    const registry = new Registry();
    const refresh = Symbol('refresh');
    class Cache {
      @Counted({ registry })
      [refresh](): void {}
    }
    new Cache()[refresh]();
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Cache",method="refresh",result="ok"\} 1$/m);
  });

  test('an instance method and a static method of the same name are separate series only by being separate methods', async () => {
    const registry = new Registry();
    class Index {
      @Counted({ registry, name: 'index_rebuilds', labels: { scope: 'one' } }) rebuild(): void {}
      @Counted({ registry, name: 'index_rebuilds', labels: { scope: 'all' } }) static rebuild(): void {}
    }
    new Index().rebuild();
    Index.rebuild();
    Index.rebuild();
    expect(await registry.getSingleMetricAsString('index_rebuilds_total')).toBe(
      ['# HELP index_rebuilds_total Calls counted by @Counted.', '# TYPE index_rebuilds_total counter', 'index_rebuilds_total{scope="one"} 1', 'index_rebuilds_total{scope="all"} 2'].join('\n'),
    );
  });

  test('methods called on an instance with another constructor (call/apply) stay under the declaring class', async () => {
    const registry = new Registry();
    class Repository {
      @Counted({ registry }) load(): void {}
    }
    class Other {}
    Repository.prototype.load.call(new Other());
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Repository",method="load",result="ok"\} 1$/m);
  });
});
