import type { Registry } from '../../spec/support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed, type InstrumentDecorator, type MetricOptions } from '../../lib/index.js';
import { REGIONS, type AsyncTarget, type Signal, type SyncTarget } from './signals.js';

/**
 * The same method with our decorators: each signal alone and all five stacked, on the
 * default metrics (labelled by class and method) or on named metrics with a static label.
 */
export type Variant = 'default' | 'named';

type OneSignal = Exclude<Signal, 'all' | 'computed'>;

/** A named counter whose `region` label is computed from the call's argument (four values). */
function byRegion(registry: Registry) {
  return Counted({
    registry,
    name: 'bench_calls_by_region',
    help: 'calls by region (benchmark)',
    labelNames: ['region'],
    labelsFrom: ({ args }) => ({ region: REGIONS[(args[0] as number) & 3] }),
  });
}

/** A named metric for each signal, with one static label, as the tutorials write them. */
const NAMES: Record<OneSignal, string> = {
  count: 'bench_calls',
  time: 'bench_duration_seconds',
  inProgress: 'bench_in_progress',
  exceptions: 'bench_exceptions',
  lastCalled: 'bench_last_called_timestamp_seconds',
};

function optionsFor(signal: OneSignal, variant: Variant, registry: Registry): MetricOptions {
  return variant === 'default' ? { registry } : { registry, name: NAMES[signal], help: `${signal} (benchmark)`, labels: { endpoint: '/work' } };
}

function decoratorFor(signal: Exclude<Signal, 'all'>, variant: Variant, registry: Registry): InstrumentDecorator {
  if (signal === 'computed') return byRegion(registry);
  const options = optionsFor(signal, variant, registry);
  switch (signal) {
    case 'count':
      return Counted(options);
    case 'time':
      return Timed(options);
    case 'inProgress':
      return InProgress(options);
    case 'exceptions':
      return CountExceptions(options);
    case 'lastCalled':
      return LastCalled(options);
  }
}

export function decoratedSync(signal: Signal, variant: Variant, registry: Registry): SyncTarget {
  if (signal === 'all') {
    const o = (s: OneSignal) => optionsFor(s, variant, registry);
    class Service {
      total = 0;
      @Counted(o('count')) @Timed(o('time')) @InProgress(o('inProgress')) @CountExceptions(o('exceptions')) @LastCalled(o('lastCalled'))
      work(n: number): number {
        this.total = (this.total + n) | 0;
        return this.total;
      }
    }
    return new Service();
  }
  const decorator = decoratorFor(signal, variant, registry);
  class Service {
    total = 0;
    @decorator
    work(n: number): number {
      this.total = (this.total + n) | 0;
      return this.total;
    }
  }
  return new Service();
}

export function decoratedAsync(signal: Signal, variant: Variant, registry: Registry): AsyncTarget {
  if (signal === 'all') {
    const o = (s: OneSignal) => optionsFor(s, variant, registry);
    class Service {
      total = 0;
      @Counted(o('count')) @Timed(o('time')) @InProgress(o('inProgress')) @CountExceptions(o('exceptions')) @LastCalled(o('lastCalled'))
      async work(n: number): Promise<number> {
        await null;
        this.total = (this.total + n) | 0;
        return this.total;
      }
    }
    return new Service();
  }
  const decorator = decoratorFor(signal, variant, registry);
  class Service {
    total = 0;
    @decorator
    async work(n: number): Promise<number> {
      await null;
      this.total = (this.total + n) | 0;
      return this.total;
    }
  }
  return new Service();
}

/**
 * `@Timed` recording a native histogram (issue 16), on the default metric, to set next to the
 * classic `ours:default:time`: the same method, the same labels, sparse exponential buckets.
 */
export function decoratedNativeSync(registry: Registry): SyncTarget {
  class Service {
    total = 0;
    @Timed({ registry, nativeHistogram: true })
    work(n: number): number {
      this.total = (this.total + n) | 0;
      return this.total;
    }
  }
  return new Service();
}

export function decoratedNativeAsync(registry: Registry): AsyncTarget {
  class Service {
    total = 0;
    @Timed({ registry, nativeHistogram: true })
    async work(n: number): Promise<number> {
      await null;
      this.total = (this.total + n) | 0;
      return this.total;
    }
  }
  return new Service();
}
