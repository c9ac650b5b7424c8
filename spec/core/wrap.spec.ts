import 'reflect-metadata';
import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index';
import { METHOD_SHAPES, settle } from './method-shapes';

/** A decorator from another library: wraps the method in its own function. */
function Audited(log: string[]): MethodDecorator {
  return (_target, key, descriptor: PropertyDescriptor) => {
    const inner = descriptor.value as (...args: unknown[]) => unknown;
    descriptor.value = function (this: unknown, ...args: unknown[]) {
      log.push(`audit ${String(key)}`);
      return inner.apply(this, args);
    };
    return descriptor;
  };
}

/** The one value of each default metric's series for `method`, by metric and result. */
async function countsOf(registry: Registry): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const sample of metric.values) {
      const name = (sample as { metricName?: string }).metricName ?? metric.name;
      if (name.endsWith('_bucket')) continue;
      const labels = sample.labels as Record<string, string>;
      const key = [name, labels.result ?? labels.error].filter(Boolean).join(' ');
      counts[key] = name.includes('timestamp') ? Number(sample.value > 0) : sample.value;
    }
  }
  return counts;
}

describe.each(METHOD_SHAPES)('the wrapper around a $title method is invisible', (shape) => {
  test('same this and the same arguments', async () => {
    const registry = new Registry();
    const seen: { self: unknown; args: unknown[] }[] = [];
    class Orders {
      @Counted({ registry })
      place(order: object, quantity: number, ...rest: unknown[]): unknown {
        seen.push({ self: this, args: [order, quantity, ...rest] });
        return shape.body(order, new Error('rejected'));
      }
    }
    const orders = new Orders();
    const order = { id: 1 };
    await settle(() => orders.place(order, 2, 'gift', undefined));
    expect(seen).toHaveLength(1);
    expect(seen[0].self).toBe(orders);
    expect(seen[0].args[0]).toBe(order);
    expect(seen[0].args).toEqual([order, 2, 'gift', undefined]);
    expect(seen[0].args).toHaveLength(4);
  });

  test(shape.fails ? 'the very error object thrown' : 'the very object returned', async () => {
    const registry = new Registry();
    const value = { trees: 3 };
    const error = new RangeError('no trees');
    class TreeService {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      countTrees(): unknown {
        return shape.body(value, error);
      }
    }
    const settled = await settle(() => new TreeService().countTrees());
    expect(settled.failed).toBe(shape.fails);
    expect(settled.outcome).toBe(shape.fails ? error : value);
  });

  test(shape.isAsync ? 'an async call returns a native Promise' : 'a sync call stays sync: no promise is returned', async () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      countTrees(): unknown {
        return shape.body(3, new Error('no trees'));
      }
    }
    const settled = await settle(() => new TreeService().countTrees());
    if (shape.isAsync) expect(settled.returned).toBeInstanceOf(Promise);
    else if (!shape.fails) expect(settled.returned).toBe(3);
    expect(settled.failed).toBe(shape.fails);
  });

  test('a static method keeps the class as this', async () => {
    const registry = new Registry();
    const seen: unknown[] = [];
    class Forest {
      @Counted({ registry })
      static plant(count: number): unknown {
        seen.push(this);
        return shape.body(count, new Error('no room'));
      }
    }
    const settled = await settle(() => Forest.plant(2));
    expect(seen).toEqual([Forest]);
    expect(settled.outcome).toBe(shape.fails ? settled.outcome : 2);
  });

  test('five stacked decorators share one wrapper and each records the call once', async () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      countTrees(): unknown {
        return shape.body(3, new TypeError('no trees'));
      }
    }
    await settle(() => new TreeService().countTrees());
    expect(await countsOf(registry)).toEqual(expectedCounts(shape.fails));
  });

  test('five stacked decorators with a foreign decorator in the middle: each records once, the foreign one runs once', async () => {
    const registry = new Registry();
    const log: string[] = [];
    class TreeService {
      @Counted({ registry })
      @Timed({ registry })
      @Audited(log)
      @InProgress({ registry })
      @CountExceptions({ registry })
      @LastCalled({ registry })
      countTrees(): unknown {
        log.push('body');
        return shape.body(3, new TypeError('no trees'));
      }
    }
    await settle(() => new TreeService().countTrees());
    expect(log).toEqual(['audit countTrees', 'body']);
    expect(await countsOf(registry)).toEqual(expectedCounts(shape.fails));
  });
});

function expectedCounts(fails: boolean): Record<string, number> {
  return {
    'method_calls_total ok': fails ? 0 : 1,
    'method_calls_total error': fails ? 1 : 0,
    'method_duration_seconds_count ok': fails ? 0 : 1,
    'method_duration_seconds_count error': fails ? 1 : 0,
    'method_duration_seconds_sum ok': expect.any(Number),
    'method_duration_seconds_sum error': expect.any(Number),
    method_in_progress: 0,
    ...(fails ? { 'method_exceptions_total TypeError': 1 } : {}),
    method_last_called_timestamp_seconds: 1,
  };
}

describe('how a method is called', () => {
  test('a detached method (this undefined) is still recorded under its declaring class', async () => {
    const registry = new Registry();
    const seen: unknown[] = [];
    class Orders {
      @Counted({ registry })
      place(): string {
        seen.push(this);
        return 'placed';
      }
    }
    const { place } = new Orders();
    expect(place()).toBe('placed');
    expect(seen).toEqual([undefined]);
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Orders",method="place",result="ok"\} 1$/m);
  });

  test('a recursive method: every level is a call, all running at the deepest point, and back to 0 after', async () => {
    const registry = new Registry();
    const inProgress = () => (registry.getSingleMetric('method_in_progress')!.get() as unknown as { values: { value: number }[] }).values[0].value;
    let deepest = 0;
    class Tree {
      @Counted({ registry }) @InProgress({ registry })
      depth(levels: number): number {
        if (levels === 0) deepest = inProgress();
        return levels === 0 ? 0 : 1 + this.depth(levels - 1);
      }
    }
    expect(new Tree().depth(3)).toBe(3);
    expect(deepest).toBe(4);
    expect(inProgress()).toBe(0);
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Tree",method="depth",result="ok"\} 4$/m);
  });
});

describe('what a call returns', () => {
  test('a native Promise subclass stays that subclass, settling with the very same value', async () => {
    const registry = new Registry();
    class TrackedPromise<T> extends Promise<T> {}
    const value = { rows: 2 };
    class Db {
      @Counted({ registry }) @Timed({ registry })
      query(): TrackedPromise<object> {
        return TrackedPromise.resolve(value) as TrackedPromise<object>;
      }
    }
    const returned = new Db().query();
    expect(returned).toBeInstanceOf(TrackedPromise);
    expect(returned.constructor).toBe(TrackedPromise);
    await expect(returned).resolves.toBe(value);
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Db",method="query",result="ok"\} 1$/m);
  });

  test('a rejected Promise subclass stays that subclass, rejecting with the very same error', async () => {
    const registry = new Registry();
    class TrackedPromise<T> extends Promise<T> {}
    const error = new Error('deadlock');
    class Db {
      @Counted({ registry })
      query(): TrackedPromise<never> {
        return TrackedPromise.reject(error) as TrackedPromise<never>;
      }
    }
    const returned = new Db().query();
    expect(returned).toBeInstanceOf(TrackedPromise);
    await expect(returned).rejects.toBe(error);
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Db",method="query",result="error"\} 1$/m);
  });

  test('a thenable that is not a Promise is returned untouched, its then never called, and the call counts as done', async () => {
    const registry = new Registry();
    const then = jest.fn();
    const queryBuilder = { where: () => queryBuilder, then };
    class Repository {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry })
      findTrees(): typeof queryBuilder {
        return queryBuilder;
      }
    }
    const returned = new Repository().findTrees();
    expect(returned).toBe(queryBuilder);
    await new Promise((resolve) => setImmediate(resolve));
    expect(then).not.toHaveBeenCalled();
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(/^method_calls_total\{class="Repository",method="findTrees",result="ok"\} 1$/m);
    expect(await registry.getSingleMetricAsString('method_in_progress')).toMatch(/^method_in_progress\{class="Repository",method="findTrees"\} 0$/m);
  });
});

describe('nothing a method returns makes the wrapper throw (issue 12, item 9)', () => {
  /** A value that made the wrapper throw before: its description, and a fresh one per call. */
  const HOSTILE: { title: string; make: () => object; check?: (value: object) => void }[] = [
    {
      title: 'a revoked Proxy',
      make: () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
    },
    {
      title: 'an object whose Symbol.toStringTag getter throws',
      make: () => ({
        get [Symbol.toStringTag](): string {
          throw new Error('no tag for you');
        },
      }),
    },
    {
      title: 'a Proxy whose traps all throw',
      make: () =>
        new Proxy(
          {},
          {
            get: () => {
              throw new Error('trap');
            },
            getPrototypeOf: () => {
              throw new Error('trap');
            },
          },
        ),
    },
    {
      title: 'a Promise whose own then was patched to throw (never called)',
      make: () => {
        const promise = Promise.resolve('rows');
        promise.then = jest.fn(() => {
          throw new Error('patched');
        }) as never;
        return promise;
      },
      check: (value) => expect((value as { then: jest.Mock }).then).not.toHaveBeenCalled(),
    },
    {
      title: 'a Promise whose then getter throws',
      make: () =>
        Object.defineProperty(Promise.resolve('rows'), 'then', {
          get: () => {
            throw new Error('getter');
          },
        }),
    },
    {
      title: 'a Proxy of a Promise (the built-in then refuses it)',
      make: () => new Proxy(Promise.resolve('rows'), {}),
    },
    {
      title: 'a Promise subclass whose species constructor throws',
      make: () => {
        class Hostile<T> extends Promise<T> {
          static override get [Symbol.species](): PromiseConstructor {
            throw new Error('species');
          }
        }
        return Hostile.resolve('rows');
      },
    },
    {
      title: 'a generator-tagged object whose prototype cannot be read',
      make: () =>
        new Proxy(
          { [Symbol.toStringTag]: 'Generator' },
          {
            getPrototypeOf: () => {
              throw new Error('trap');
            },
          },
        ),
    },
  ];

  test.each(HOSTILE)('$title: returned untouched, counted as a plain value, in-progress back to 0', async ({ make, check }) => {
    const registry = new Registry();
    class Source {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @LastCalled({ registry, on: 'success' })
      read(value: object): object {
        return value;
      }
    }
    const value = make();
    expect(new Source().read(value)).toBe(value);
    check?.(value);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await countsOf(registry)).toEqual({
      'method_calls_total ok': 1,
      'method_calls_total error': 0,
      'method_duration_seconds_sum ok': expect.any(Number),
      'method_duration_seconds_sum error': 0,
      'method_duration_seconds_count ok': 1,
      'method_duration_seconds_count error': 0,
      method_in_progress: 0,
      method_last_success_timestamp_seconds: 1,
    });
  });
});

describe('a stack overflow inside a decorated method (issue 12, item 12)', () => {
  test.each([
    { title: 'static labels', labelNames: undefined },
    { title: 'a label computed from the call', labelNames: ['kind'] as const },
  ])('in-progress is back to 0 once the RangeError has unwound the stack ($title for @Counted)', async ({ labelNames }) => {
    const registry = new Registry();
    const inProgress = () => (registry.getSingleMetric('method_in_progress')!.get() as unknown as { values: { value: number }[] }).values[0].value;
    const counted = labelNames === undefined ? Counted({ registry }) : Counted({ registry, name: 'walks_total', labelNames, labelsFrom: () => ({ kind: 'deep' }) });
    class Walker {
      @counted @Timed({ registry }) @InProgress({ registry })
      walk(depth: number): number {
        return this.walk(depth + 1) + 1;
      }
    }
    // Not toThrow(RangeError): the error may be made in another realm (jest's), so match its message.
    expect(() => new Walker().walk(0)).toThrow('Maximum call stack size exceeded');
    expect(inProgress()).toBe(0);
    // The wrapper is still sound afterwards: one more call is one more call.
    class Leaf {
      @InProgress({ registry })
      walk(): number {
        return 1;
      }
    }
    expect(new Leaf().walk()).toBe(1);
    expect(inProgress()).toBe(0);
  });
});

describe('the method keeps what others see on it', () => {
  test('fn.name and fn.length are kept, for instance and static methods', () => {
    const registry = new Registry();
    class Orders {
      @Counted({ registry }) @Timed({ registry })
      place(_order: object, _quantity: number, _note = ''): void {}
      @InProgress({ registry })
      static reindex(_shard: number): void {}
    }
    expect(Orders.prototype.place.name).toBe('place');
    expect(Orders.prototype.place.length).toBe(2);
    expect(Orders.reindex.name).toBe('reindex');
    expect(Orders.reindex.length).toBe(1);
  });

  test('reflect-metadata stored by other decorators on target and key stays readable', () => {
    const registry = new Registry();
    const Role = (role: string): MethodDecorator => (target, key) => Reflect.defineMetadata('role', role, target, key);
    class Admin {
      @Role('outer')
      @Counted({ registry })
      @Reflect.metadata('route', '/admin/users')
      @Timed({ registry })
      listUsers(): string[] {
        return [];
      }
    }
    expect(Reflect.getMetadata('role', Admin.prototype, 'listUsers')).toBe('outer');
    expect(Reflect.getMetadata('route', Admin.prototype, 'listUsers')).toBe('/admin/users');
  });

  test('reflect-metadata stored on the function object itself by an inner decorator stays readable on the wrapped method', () => {
    const registry = new Registry();
    const Permission = (permission: string): MethodDecorator => (_target, _key, descriptor) => {
      Reflect.defineMetadata('permission', permission, descriptor.value as object);
    };
    class Admin {
      @Counted({ registry })
      @Permission('users:read')
      listUsers(): string[] {
        return [];
      }
    }
    expect(Reflect.getMetadata('permission', Admin.prototype.listUsers)).toBe('users:read');
  });
});
