import { Counter, Gauge } from 'prom-client';
import { warnOnce } from '../log.js';
import type { AnyRegistry } from './collect.js';

/**
 * The endpoint's own metrics, under their own names so they never mix with the method
 * metrics (promhttp's promhttp_metric_handler_* counterparts). Shared by every handler
 * that serves one registry.
 */
export interface SelfMetrics {
  /** `prom_decorators_scrapes_total{code}`: requests answered, by HTTP status code. */
  scrapes: Counter<'code'>;
  /** `prom_decorators_scrapes_in_flight`: scrapes being collected right now. */
  inFlight: Gauge;
  /** `prom_decorators_collect_errors_total`: collectors that threw or rejected. */
  collectErrors: Counter;
  /** `prom_decorators_cluster_worker_failures_total{reason}`: workers that did not answer a scrape. */
  workerFailures: Counter<'reason'>;
}

const byRegistry = new WeakMap<AnyRegistry, SelfMetrics>();

export function selfMetricsFor(registry: AnyRegistry): SelfMetrics {
  const existing = byRegistry.get(registry);
  if (existing !== undefined) return existing;
  const created: SelfMetrics = {
    scrapes: counter(registry, 'prom_decorators_scrapes_total', 'Scrapes answered by the prom-decorators metrics endpoint, by HTTP status code.', ['code']),
    inFlight: gauge(registry, 'prom_decorators_scrapes_in_flight', 'Scrapes the prom-decorators metrics endpoint is serving right now.'),
    collectErrors: counter(registry, 'prom_decorators_collect_errors_total', 'Metric collectors that threw or rejected during a scrape.', []),
    workerFailures: counter(
      registry,
      'prom_decorators_cluster_worker_failures_total',
      'Cluster workers whose metrics were missing from a scrape (reason: timeout, error, disconnected).',
      ['reason'],
    ),
  };
  byRegistry.set(registry, created);
  return created;
}

/** Metrics that count into nothing, for `selfMetrics: false`. */
export function detachedSelfMetrics(): SelfMetrics {
  return {
    scrapes: new Counter({ name: 'prom_decorators_scrapes_total', help: '-', labelNames: ['code'], registers: [] }),
    inFlight: new Gauge({ name: 'prom_decorators_scrapes_in_flight', help: '-', registers: [] }),
    collectErrors: new Counter({ name: 'prom_decorators_collect_errors_total', help: '-', registers: [] }),
    workerFailures: new Counter({ name: 'prom_decorators_cluster_worker_failures_total', help: '-', labelNames: ['reason'], registers: [] }),
  };
}

/** Get-or-create: a second handler on the registry reuses the first one's counters. */
function counter<L extends string>(registry: AnyRegistry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  if (existing !== undefined) return foreignName(name, new Counter({ name, help, labelNames, registers: [] }));
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: AnyRegistry, name: string, help: string): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  if (existing !== undefined) return foreignName(name, new Gauge({ name, help, registers: [] }));
  return new Gauge({ name, help, registers: [registry] });
}

function foreignName<M>(name: string, detached: M): M {
  warnOnce(`self-metric:${name}`, `the registry already holds a different metric named "${name}"; the endpoint's own metric is not exposed`);
  return detached;
}
