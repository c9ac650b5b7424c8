import { Counter, Gauge, Histogram, type Registry } from '../../spec/support/prometheus-client.js';
import { CLASS_NAME, METHOD_NAME, REGIONS, type AsyncTarget, type Signal, type SyncTarget } from './signals.js';

/**
 * The same method instrumented by hand with prom-client, the way its README and the
 * tutorials write it, with everything that can be resolved up front resolved up front:
 * pre-bound children, label objects hoisted out of the method. This is the fastest fair
 * hand-written code, so the ratios against it are conservative.
 */

const BASE = { class: CLASS_NAME, method: METHOD_NAME };
const OK = { result: 'ok' };
const ERROR = { result: 'error' };

function errorName(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

/** The five default metrics of prom-decorators, declared with plain prom-client. */
export function handMetrics(registry: Registry) {
  const registers = [registry];
  const calls = new Counter({ name: 'method_calls_total', help: 'calls', labelNames: ['class', 'method', 'result'], registers });
  const duration = new Histogram({ name: 'method_duration_seconds', help: 'duration', labelNames: ['class', 'method', 'result'], registers });
  const inProgress = new Gauge({ name: 'method_in_progress', help: 'in progress', labelNames: ['class', 'method'], registers });
  const exceptions = new Counter({ name: 'method_exceptions_total', help: 'exceptions', labelNames: ['class', 'method', 'error'], registers });
  const lastCalled = new Gauge({ name: 'method_last_called_timestamp_seconds', help: 'last called', labelNames: ['class', 'method'], registers });
  return {
    calls,
    duration,
    inProgress,
    exceptions,
    lastCalled,
    callsOk: calls.labels(CLASS_NAME, METHOD_NAME, 'ok'),
    callsError: calls.labels(CLASS_NAME, METHOD_NAME, 'error'),
    inProgressChild: inProgress.labels(CLASS_NAME, METHOD_NAME),
    lastCalledChild: lastCalled.labels(CLASS_NAME, METHOD_NAME),
  };
}

/** A counter labelled by a value taken from the call: prom-client hashes the labels on every call. */
function regionCounter(registry: Registry) {
  return new Counter({ name: 'bench_calls_by_region_total', help: 'calls by region', labelNames: ['region'], registers: [registry] });
}

export function handWrittenSync(signal: Signal, registry: Registry): SyncTarget {
  if (signal === 'computed') {
    const byRegion = regionCounter(registry);
    return new (class Service {
      total = 0;
      work(n: number): number {
        this.total = (this.total + n) | 0;
        const result = this.total;
        byRegion.inc({ region: REGIONS[n & 3] });
        return result;
      }
    })();
  }
  const m = handMetrics(registry);
  switch (signal) {
    case 'count':
      return new (class Service {
        total = 0;
        work(n: number): number {
          try {
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.callsOk.inc();
            return result;
          } catch (error) {
            m.callsError.inc();
            throw error;
          }
        }
      })();
    case 'time':
      return new (class Service {
        total = 0;
        work(n: number): number {
          const end = m.duration.startTimer(BASE);
          try {
            this.total = (this.total + n) | 0;
            const result = this.total;
            end(OK);
            return result;
          } catch (error) {
            end(ERROR);
            throw error;
          }
        }
      })();
    case 'inProgress':
      return new (class Service {
        total = 0;
        work(n: number): number {
          m.inProgressChild.inc();
          try {
            this.total = (this.total + n) | 0;
            return this.total;
          } finally {
            m.inProgressChild.dec();
          }
        }
      })();
    case 'exceptions':
      return new (class Service {
        total = 0;
        work(n: number): number {
          try {
            this.total = (this.total + n) | 0;
            return this.total;
          } catch (error) {
            m.exceptions.inc({ ...BASE, error: errorName(error) });
            throw error;
          }
        }
      })();
    case 'lastCalled':
      return new (class Service {
        total = 0;
        work(n: number): number {
          m.lastCalledChild.setToCurrentTime();
          this.total = (this.total + n) | 0;
          return this.total;
        }
      })();
    case 'all':
      return new (class Service {
        total = 0;
        work(n: number): number {
          m.lastCalledChild.setToCurrentTime();
          m.inProgressChild.inc();
          const end = m.duration.startTimer(BASE);
          try {
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.callsOk.inc();
            end(OK);
            return result;
          } catch (error) {
            m.callsError.inc();
            m.exceptions.inc({ ...BASE, error: errorName(error) });
            end(ERROR);
            throw error;
          } finally {
            m.inProgressChild.dec();
          }
        }
      })();
  }
}

export function handWrittenAsync(signal: Signal, registry: Registry): AsyncTarget {
  if (signal === 'computed') {
    const byRegion = regionCounter(registry);
    return new (class Service {
      total = 0;
      async work(n: number): Promise<number> {
        await null;
        this.total = (this.total + n) | 0;
        const result = this.total;
        byRegion.inc({ region: REGIONS[n & 3] });
        return result;
      }
    })();
  }
  const m = handMetrics(registry);
  switch (signal) {
    case 'count':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          try {
            await null;
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.callsOk.inc();
            return result;
          } catch (error) {
            m.callsError.inc();
            throw error;
          }
        }
      })();
    case 'time':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          const end = m.duration.startTimer(BASE);
          try {
            await null;
            this.total = (this.total + n) | 0;
            const result = this.total;
            end(OK);
            return result;
          } catch (error) {
            end(ERROR);
            throw error;
          }
        }
      })();
    case 'inProgress':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          m.inProgressChild.inc();
          try {
            await null;
            this.total = (this.total + n) | 0;
            return this.total;
          } finally {
            m.inProgressChild.dec();
          }
        }
      })();
    case 'exceptions':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          try {
            await null;
            this.total = (this.total + n) | 0;
            return this.total;
          } catch (error) {
            m.exceptions.inc({ ...BASE, error: errorName(error) });
            throw error;
          }
        }
      })();
    case 'lastCalled':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          m.lastCalledChild.setToCurrentTime();
          await null;
          this.total = (this.total + n) | 0;
          return this.total;
        }
      })();
    case 'all':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          m.lastCalledChild.setToCurrentTime();
          m.inProgressChild.inc();
          const end = m.duration.startTimer(BASE);
          try {
            await null;
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.callsOk.inc();
            end(OK);
            return result;
          } catch (error) {
            m.callsError.inc();
            m.exceptions.inc({ ...BASE, error: errorName(error) });
            end(ERROR);
            throw error;
          } finally {
            m.inProgressChild.dec();
          }
        }
      })();
  }
}
