import { globalRegistry, isRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { MetricOptionsError } from '../errors.js';
import { MetricConflictError, registerClientMetric } from './registration.js';

/** What every client metric's configuration has. */
interface ClientMetricConfiguration {
  name: string;
  help: string;
  registers?: MetricsRegistry[];
}

/**
 * A metric of the Prometheus client itself, for what is not a method call (sales in euros,
 * a queue's size), made once however often the module defining it is loaded: the first
 * call creates and registers it, later calls with the same type, labels and options give
 * back that same object (a jest module reset, hot reload, the CLI loading the module next
 * to the app), and a real conflict throws naming both sides, as the decorators do.
 *
 * @example
 * import { Counter } from '@prometheus-io/client';
 * const sales = getOrCreateMetric(Counter, { name: 'sales_euros_total', help: 'Sales in euros.', labelNames: ['item'] });
 * sales.inc({ item: 'apple' }, 0.8);
 */
export function getOrCreateMetric<C extends ClientMetricConfiguration, M extends object>(Metric: new (configuration: C) => M, configuration: C): M {
  if (typeof Metric !== 'function') {
    throw new MetricOptionsError('getOrCreateMetric()', undefined, `the metric type is not a class (got ${typeof Metric})`, 'Pass the client\'s Counter, Gauge, Histogram or Summary, e.g. getOrCreateMetric(Counter, { name, help })');
  }
  const name = (configuration as Partial<ClientMetricConfiguration> | undefined)?.name;
  if (typeof name !== 'string') {
    throw new MetricOptionsError('getOrCreateMetric()', undefined, 'the configuration has no name', "Pass the client's configuration, e.g. { name: 'sales_euros_total', help: '...' }");
  }
  const registries = configuration.registers ?? [globalRegistry];
  if (!Array.isArray(registries) || registries.length !== 1 || !isRegistry(registries[0])) {
    throw new MetricOptionsError('getOrCreateMetric()', name, 'registers must list exactly one registry', 'Pass registers: [registry], or leave it out for the global register');
  }
  // Made unregistered, so the client's own "already registered" check never runs; ours decides.
  const metric = new Metric({ ...configuration, registers: [] });
  try {
    return registerClientMetric(registries[0], metric, `getOrCreateMetric(${Metric.name})`);
  } catch (error) {
    if (!(error instanceof MetricConflictError)) throw error;
    throw new MetricOptionsError('getOrCreateMetric()', name, error.problem, 'Declare it with the same type, labels and options everywhere, or give one of them another name');
  }
}
