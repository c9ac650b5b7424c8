import { globalRegistry } from '../client/bridge.js';
import { MetricOptionsError } from '../errors.js';
import type { MetricsRegistry } from '../client/registry.js';
import type { PublishedMetric } from './family.js';
import { METRIC_SHAPE, MetricConflictError, registerMetric, type MetricShape, type ShapedMetric } from './registration.js';
import { labelNameProblem, metricNameProblem } from './validation.js';

export interface InfoOptions {
  /** Metric name; `_info` is appended when missing (`application` → `application_info`). */
  name: string;
  help?: string;
  /** The key-values to expose, e.g. `{ version: '1.2.3', commit: 'abc123' }`. */
  labels?: Record<string, string | number>;
  /** Default: the Prometheus client's global `register`. */
  registry?: MetricsRegistry;
}

/**
 * An info metric as in Python's client: static key-values carried as labels on one series
 * whose value is 1 (`application_info{version="1.2.3"} 1`), joined in PromQL with `* on(...)`.
 *
 * @example
 * const info = new Info({ name: 'application', labels: { version: '1.2.3' } });
 * info.set({ version: '1.2.4' });
 */
export class Info implements ShapedMetric {
  readonly [METRIC_SHAPE]: MetricShape;
  readonly name: string;
  readonly help: string;
  readonly type = 'gauge';
  readonly aggregator = 'first';
  private labels: Record<string, string> = {};

  constructor(options: InfoOptions) {
    const base = options.name;
    const problem = metricNameProblem(base, '_info');
    if (problem !== undefined) throw new MetricOptionsError('Info', undefined, problem, 'Pass a name such as "application".');
    this.name = base.endsWith('_info') ? base : `${base}_info`;
    this.help = options.help ?? 'Static information about the application.';
    this.set(options.labels ?? {});
    this[METRIC_SHAPE] = { kind: 'info', name: this.name, help: this.help, labelNames: [], declaredAt: `Info "${this.name}"` };
    replaceIn(options.registry ?? globalRegistry, this, 'Info');
  }

  /** Replaces the key-values. */
  set(labels: Record<string, string | number>): void {
    const next: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels)) {
      const problem = labelNameProblem(key);
      if (problem !== undefined) throw new MetricOptionsError('Info', this.name, problem, "Rename the key, e.g. { version: '1.2.3' }.");
      next[key] = String(value);
    }
    this.labels = next;
  }

  get(): PublishedMetric {
    return { name: this.name, help: this.help, type: this.type, openMetricsType: 'info', values: [{ labels: this.labels, value: 1 }], aggregator: this.aggregator };
  }

  reset(): void {}
}

/**
 * Info and Enum metrics are created in module scope; a re-import (jest module resets, hot
 * reload) creates them again: the newest replaces its predecessor of the same kind (it holds
 * the values now), and any other metric of that name is a conflict.
 */
export function replaceIn(registry: MetricsRegistry, metric: ShapedMetric, kind: 'Info' | 'Enum'): void {
  const shape = metric[METRIC_SHAPE];
  try {
    registerMetric({ registry, shape, onSame: 'replace', create: () => metric });
  } catch (error) {
    if (!(error instanceof MetricConflictError)) throw error;
    throw new MetricOptionsError(kind, shape.name, error.problem, 'Give one of them another name.');
  }
}
