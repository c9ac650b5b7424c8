import { createCounter, createGauge } from '../client/bridge.js';
import type { ClientCounter, ClientGauge, MetricsRegistry } from '../client/registry.js';
import { warnOnce } from '../log.js';
import { MetricConflictError, registerClientMetric } from '../metrics/registration.js';
import { store } from '../store.js';

/**
 * The endpoint's own metrics, under their own names so they never mix with the method
 * metrics (promhttp's promhttp_metric_handler_* counterparts). Shared by every handler
 * that serves one registry.
 */
export interface SelfMetrics {
  /** `prom_decorators_scrapes_total{code}`: requests answered, by HTTP status code. */
  scrapes: ClientCounter<'code'>;
  /** `prom_decorators_scrapes_in_flight`: scrapes being collected right now. */
  inFlight: ClientGauge;
  /** `prom_decorators_collect_errors_total`: collectors that threw or rejected. */
  collectErrors: ClientCounter;
  /**
   * `prom_decorators_collect_timeouts_total`: scrapes answered 503 because collecting took
   * longer than the timeout; each abandons its collection, so the next scrape collects afresh.
   */
  collectTimeouts: ClientCounter;
  /** `prom_decorators_cluster_worker_failures_total{reason}`: workers that did not answer a scrape. */
  workerFailures: ClientCounter<'reason'>;
  /**
   * `prom_decorators_exposition_skipped_total{reason}`: what a scrape left out because a consumer
   * would refuse it (reason: name_clash, invalid_sample, invalid_exemplar), once per scrape.
   */
  skipped: ClientCounter<'reason'>;
}

const byRegistry = store.selfMetrics as WeakMap<MetricsRegistry, SelfMetrics>;

export function selfMetricsFor(registry: MetricsRegistry): SelfMetrics {
  const existing = byRegistry.get(registry);
  if (existing !== undefined) return existing;
  const created: SelfMetrics = {
    scrapes: counter(registry, 'prom_decorators_scrapes_total', 'Scrapes answered by the prom-decorators metrics endpoint, by HTTP status code.', ['code']),
    inFlight: gauge(registry, 'prom_decorators_scrapes_in_flight', 'Scrapes the prom-decorators metrics endpoint is serving right now.'),
    collectErrors: counter(registry, 'prom_decorators_collect_errors_total', 'Metric collectors that threw or rejected during a scrape.', []),
    collectTimeouts: counter(
      registry,
      'prom_decorators_collect_timeouts_total',
      'Scrapes answered 503 because collecting the metrics took longer than the timeout; the next scrape collects afresh.',
      [],
    ),
    workerFailures: counter(
      registry,
      'prom_decorators_cluster_worker_failures_total',
      'Cluster workers whose metrics were missing from a scrape (reason: timeout, error, disconnected).',
      ['reason'],
    ),
    skipped: counter(
      registry,
      'prom_decorators_exposition_skipped_total',
      'Families, samples and exemplars a scrape left out because a consumer would refuse them (reason: name_clash, invalid_sample, invalid_exemplar).',
      ['reason'],
    ),
  };
  byRegistry.set(registry, created);
  return created;
}

/** Metrics that count into nothing, for `selfMetrics: false`. */
export function detachedSelfMetrics(): SelfMetrics {
  return {
    scrapes: createCounter('prom_decorators_scrapes_total', '-', ['code'], undefined),
    inFlight: createGauge('prom_decorators_scrapes_in_flight', '-', undefined),
    collectErrors: createCounter('prom_decorators_collect_errors_total', '-', [], undefined),
    collectTimeouts: createCounter('prom_decorators_collect_timeouts_total', '-', [], undefined),
    workerFailures: createCounter('prom_decorators_cluster_worker_failures_total', '-', ['reason'], undefined),
    skipped: createCounter('prom_decorators_exposition_skipped_total', '-', ['reason'], undefined),
  };
}

/**
 * Client counters and gauges, whose values a scrape reads live (so a scrape counts itself
 * among those in flight). Get-or-create through the registration module: a second handler on
 * the registry reuses the first one's; a name taken by something else leaves the endpoint's
 * own metric out, warned once, and the endpoint serves on without it.
 */
function counter<L extends string>(registry: MetricsRegistry, name: string, help: string, labelNames: L[]): ClientCounter<L> {
  return registered(registry, name, createCounter(name, help, labelNames, undefined));
}

function gauge(registry: MetricsRegistry, name: string, help: string): ClientGauge {
  return registered(registry, name, createGauge(name, help, undefined));
}

function registered<M extends object>(registry: MetricsRegistry, name: string, metric: M): M {
  try {
    return registerClientMetric(registry, metric, 'the prom-decorators metrics endpoint');
  } catch (error) {
    if (!(error instanceof MetricConflictError)) throw error;
    warnOnce(`self-metric:${name}`, `the registry already holds a different metric named "${name}"; the endpoint's own metric is not exposed`);
    return metric;
  }
}
