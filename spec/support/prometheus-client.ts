/**
 * The Prometheus client the library chose (see lib/client/bridge.ts), for specs and
 * benchmarks: what they register by hand must sit in the same package's registries as
 * what the decorators write. CI runs the suite once per client (PROM_DECORATORS_CLIENT).
 * Types come from prom-client's declarations, which @prometheus-io/client shares.
 */
import type * as Client from 'prom-client';
import { clientName } from '../../lib/client/bridge.js';
import { requireFromLibrary } from '../../lib/client/require-from-library.cjs';

const chosen = requireFromLibrary(clientName) as typeof Client;

export { clientName };
export const { Registry, Counter, Gauge, Histogram, Summary, register, collectDefaultMetrics, openMetricsContentType, prometheusContentType } = chosen;
/** `@prometheus-io/client` 0.16 renamed AggregatorRegistry to ClusterRegistry (the old name is deprecated). */
export const AggregatorRegistry: typeof Client.AggregatorRegistry =
  (chosen as unknown as { ClusterRegistry?: typeof Client.AggregatorRegistry }).ClusterRegistry ?? chosen.AggregatorRegistry;

export type Registry<T extends Client.RegistryContentType = Client.PrometheusContentType> = Client.Registry<T>;
export type Counter<T extends string = string> = Client.Counter<T>;
export type Gauge<T extends string = string> = Client.Gauge<T>;
export type Histogram<T extends string = string> = Client.Histogram<T>;
export type Summary<T extends string = string> = Client.Summary<T>;
export type { CounterConfiguration, GaugeConfiguration, OpenMetricsContentType, PrometheusContentType, RegistryContentType } from 'prom-client';

/**
 * What `promtool check metrics` finds in the client's own default metrics, not ours: both
 * clients name three gauges *_total, and @prometheus-io/client adds event-loop utilisation
 * metrics whose names carry their type.
 */
export const CLIENT_DEFAULT_METRIC_FINDINGS: readonly string[] = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
  ...(clientName === '@prometheus-io/client'
    ? ["nodejs_eventloop_utilization_histogram metric name should not include type 'histogram'", "nodejs_eventloop_utilization_summary metric name should not include type 'summary'"]
    : []),
];

/** The exposition lines of those metrics, to strip before asking promtool for a clean bill. */
export const CLIENT_DEFAULT_METRIC_LINES = /^.*\b(nodejs_active_\w+_total|nodejs_eventloop_utilization_(histogram|summary)\w*)\b.*\n/gm;
