import type { Registry } from '../../spec/support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed, type InstrumentDecorator } from '../../lib/index.js';
import { REGIONS } from './signals.js';

/**
 * An app's worth of decorated methods, for the app-like group: 40 classes of 2 methods each,
 * sync and async, each under one of several decorator sets (default metrics, named metrics
 * with a static label, a computed label). Every method body is its own function (compiled
 * from its own source text), as in an app, so any code shared by the wrappers sees many
 * different targets and probes and V8 cannot inline through it.
 */

type DecoratorSet = (registry: Registry) => InstrumentDecorator[];

const named = (name: string) => (registry: Registry) => ({ registry, name, help: `${name} (benchmark app)`, labels: { endpoint: '/app' } });

const DECORATOR_SETS: readonly DecoratorSet[] = [
  (registry) => [Counted({ registry })],
  (registry) => [Timed({ registry })],
  (registry) => [Counted({ registry }), Timed({ registry })],
  (registry) => [InProgress({ registry }), Counted({ registry })],
  (registry) => [CountExceptions({ registry })],
  (registry) => [LastCalled({ registry }), Counted({ registry })],
  (registry) => [Counted({ registry }), Timed({ registry }), InProgress({ registry }), CountExceptions({ registry }), LastCalled({ registry })],
  (registry) => [Counted(named('app_jobs')(registry)), Timed(named('app_job_duration_seconds')(registry))],
  (registry) => [
    Counted({
      registry,
      name: 'app_calls_by_region',
      help: 'calls by region (benchmark app)',
      labelNames: ['region'],
      labelsFrom: ({ args }) => ({ region: REGIONS[(args[0] as number) & 3] }),
    }),
  ],
  (registry) => [Timed({ registry }), CountExceptions({ registry })],
];

export interface AppMethod {
  name: string;
  async: boolean;
  call: (n: number) => unknown;
}

const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (this: { total: number }, n: number) => Promise<number>;

/** `classes` classes of `methodsPerClass` decorated methods on `registry`; odd-numbered methods are async. */
export function buildApp(registry: Registry, classes: number, methodsPerClass: number): AppMethod[] {
  const methods: AppMethod[] = [];
  let index = 0;
  for (let c = 0; c < classes; c++) {
    const App = class {
      total = 0;
    };
    Object.defineProperty(App, 'name', { value: `AppService${c}` });
    const keys: { key: string; isAsync: boolean }[] = [];
    for (let m = 0; m < methodsPerClass; m++, index++) {
      const key = `handle${m}`;
      const isAsync = index % 2 === 1;
      const body = `this.total = (this.total + n * ${index + 1} + ${c}) | 0; return this.total;`;
      const value = isAsync ? new AsyncFunction('n', `await null; ${body}`) : (new Function('n', body) as (this: { total: number }, n: number) => number);
      let descriptor: PropertyDescriptor = { value, writable: true, configurable: true, enumerable: false };
      // Applied bottom-up, as TypeScript emits stacked legacy decorators.
      const set = DECORATOR_SETS[index % DECORATOR_SETS.length](registry);
      for (const decorator of set.reverse()) descriptor = decorator(App.prototype, key, descriptor) ?? descriptor;
      Object.defineProperty(App.prototype, key, descriptor);
      keys.push({ key, isAsync });
    }
    const instance = new App() as unknown as Record<string, (n: number) => unknown>;
    for (const { key, isAsync } of keys) methods.push({ name: `${App.name}.${key}`, async: isAsync, call: (n) => instance[key](n) });
  }
  return methods;
}

/** Calls every method of the app `calls` times (awaiting the async ones), so V8 has seen them all. */
export async function exercise(app: readonly AppMethod[], calls: number): Promise<void> {
  for (const method of app) {
    if (method.async) for (let i = 0; i < calls; i++) await method.call(i);
    else for (let i = 0; i < calls; i++) method.call(i);
  }
}
