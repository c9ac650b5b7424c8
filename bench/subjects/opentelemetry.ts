import type { Attributes, Counter, Gauge, Histogram, UpDownCounter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { DEFAULT_BUCKETS } from '../../lib/index.js';
import { CLASS_NAME, METHOD_NAME, REGIONS, type AsyncTarget, type Signal, type SyncTarget } from './signals.js';

/**
 * The same method instrumented with the OpenTelemetry metrics SDK, as its documentation
 * writes it, everything hoisted that can be: instruments created once, attribute objects
 * made once. The provider's only reader is the Prometheus exporter (no server started), so
 * every record lands in the storage a scrape reads.
 */

const BASE: Attributes = { class: CLASS_NAME, method: METHOD_NAME };
const OK: Attributes = { ...BASE, result: 'ok' };
const ERROR: Attributes = { ...BASE, result: 'error' };

function errorName(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

export interface OpenTelemetryMetrics {
  provider: MeterProvider;
  exporter: PrometheusExporter;
  calls: Counter;
  duration: Histogram;
  inProgress: UpDownCounter;
  exceptions: Counter;
  lastCalled: Gauge;
}

/**
 * The five signals' instruments on a fresh provider with its own Prometheus exporter.
 * `series`: how many attribute sets an instrument must keep; the SDK drops those past its
 * default limit (2,000 per instrument) into one overflow series, so a scrape of more would
 * serve less than the other sides.
 */
export function openTelemetryMetrics(series = 0): OpenTelemetryMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const views = series > 1000 ? [{ instrumentName: '*', aggregationCardinalityLimit: series + 10 }] : [];
  const provider = new MeterProvider({ readers: [exporter], views });
  const meter = provider.getMeter('bench');
  return {
    provider,
    exporter,
    calls: meter.createCounter('method_calls', { description: 'calls' }),
    duration: meter.createHistogram('method_duration_seconds', { description: 'duration', advice: { explicitBucketBoundaries: [...DEFAULT_BUCKETS] } }),
    inProgress: meter.createUpDownCounter('method_in_progress', { description: 'in progress' }),
    exceptions: meter.createCounter('method_exceptions', { description: 'exceptions' }),
    lastCalled: meter.createGauge('method_last_called_timestamp_seconds', { description: 'last called' }),
  };
}

/** Seconds since `start`, a `performance.now()` reading: what a histogram of seconds records. */
function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export function openTelemetrySync(signal: Signal): SyncTarget {
  const m = openTelemetryMetrics();
  switch (signal) {
    case 'computed': {
      const byRegion = m.provider.getMeter('bench').createCounter('bench_calls_by_region');
      return new (class Service {
        total = 0;
        work(n: number): number {
          this.total = (this.total + n) | 0;
          const result = this.total;
          byRegion.add(1, { region: REGIONS[n & 3] });
          return result;
        }
      })();
    }
    case 'count':
      return new (class Service {
        total = 0;
        work(n: number): number {
          try {
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.calls.add(1, OK);
            return result;
          } catch (error) {
            m.calls.add(1, ERROR);
            throw error;
          }
        }
      })();
    case 'time':
      return new (class Service {
        total = 0;
        work(n: number): number {
          const start = performance.now();
          try {
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.duration.record(secondsSince(start), OK);
            return result;
          } catch (error) {
            m.duration.record(secondsSince(start), ERROR);
            throw error;
          }
        }
      })();
    case 'inProgress':
      return new (class Service {
        total = 0;
        work(n: number): number {
          m.inProgress.add(1, BASE);
          try {
            this.total = (this.total + n) | 0;
            return this.total;
          } finally {
            m.inProgress.add(-1, BASE);
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
            m.exceptions.add(1, { ...BASE, error: errorName(error) });
            throw error;
          }
        }
      })();
    case 'lastCalled':
      return new (class Service {
        total = 0;
        work(n: number): number {
          m.lastCalled.record(Date.now() / 1000, BASE);
          this.total = (this.total + n) | 0;
          return this.total;
        }
      })();
    case 'all':
      return new (class Service {
        total = 0;
        work(n: number): number {
          m.lastCalled.record(Date.now() / 1000, BASE);
          m.inProgress.add(1, BASE);
          const start = performance.now();
          try {
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.calls.add(1, OK);
            m.duration.record(secondsSince(start), OK);
            return result;
          } catch (error) {
            m.calls.add(1, ERROR);
            m.exceptions.add(1, { ...BASE, error: errorName(error) });
            m.duration.record(secondsSince(start), ERROR);
            throw error;
          } finally {
            m.inProgress.add(-1, BASE);
          }
        }
      })();
  }
}

export function openTelemetryAsync(signal: Signal): AsyncTarget {
  const m = openTelemetryMetrics();
  switch (signal) {
    case 'computed': {
      const byRegion = m.provider.getMeter('bench').createCounter('bench_calls_by_region');
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          await null;
          this.total = (this.total + n) | 0;
          const result = this.total;
          byRegion.add(1, { region: REGIONS[n & 3] });
          return result;
        }
      })();
    }
    case 'count':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          try {
            await null;
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.calls.add(1, OK);
            return result;
          } catch (error) {
            m.calls.add(1, ERROR);
            throw error;
          }
        }
      })();
    case 'time':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          const start = performance.now();
          try {
            await null;
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.duration.record(secondsSince(start), OK);
            return result;
          } catch (error) {
            m.duration.record(secondsSince(start), ERROR);
            throw error;
          }
        }
      })();
    case 'inProgress':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          m.inProgress.add(1, BASE);
          try {
            await null;
            this.total = (this.total + n) | 0;
            return this.total;
          } finally {
            m.inProgress.add(-1, BASE);
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
            m.exceptions.add(1, { ...BASE, error: errorName(error) });
            throw error;
          }
        }
      })();
    case 'lastCalled':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          m.lastCalled.record(Date.now() / 1000, BASE);
          await null;
          this.total = (this.total + n) | 0;
          return this.total;
        }
      })();
    case 'all':
      return new (class Service {
        total = 0;
        async work(n: number): Promise<number> {
          m.lastCalled.record(Date.now() / 1000, BASE);
          m.inProgress.add(1, BASE);
          const start = performance.now();
          try {
            await null;
            this.total = (this.total + n) | 0;
            const result = this.total;
            m.calls.add(1, OK);
            m.duration.record(secondsSince(start), OK);
            return result;
          } catch (error) {
            m.calls.add(1, ERROR);
            m.exceptions.add(1, { ...BASE, error: errorName(error) });
            m.duration.record(secondsSince(start), ERROR);
            throw error;
          } finally {
            m.inProgress.add(-1, BASE);
          }
        }
      })();
  }
}
