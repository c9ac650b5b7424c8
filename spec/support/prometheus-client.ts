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
