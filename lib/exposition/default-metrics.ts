import { collectDefaultMetrics, metricIn } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { store } from '../store.js';

/**
 * The client's default metrics (process_*, nodejs_*), once per registry, unless someone
 * already turned them on. exposeMetrics() and the Nest module share the record in the store,
 * so on one registry they turn them on once between them, whichever copy of the library runs.
 */
export function enableDefaultMetrics(registry: MetricsRegistry): void {
  if (store.registriesWithDefaultMetrics.has(registry)) return;
  store.registriesWithDefaultMetrics.add(registry);
  if (metricIn(registry, 'process_cpu_user_seconds_total') !== undefined) return;
  collectDefaultMetrics(registry);
}
