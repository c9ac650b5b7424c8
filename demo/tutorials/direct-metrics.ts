/**
 * The two metrics the demo writes with the Prometheus client directly, because they measure
 * something other than calls: a counter incremented by non-integer amounts (sales in
 * euros) and a gauge set to a size. They live in the client's global `register`, the
 * registry the decorators use by default, so one scrape shows both.
 *
 * Through `getOrCreateMetric`, like the decorators: importing a tutorial twice (jest module
 * resets, the CLI loading the module next to the app) never throws "already registered".
 */
import { getOrCreateMetric } from '../../lib/index.js';
import { Counter, Gauge, type CounterConfiguration, type GaugeConfiguration } from '../prometheus-client.js';

export function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return getOrCreateMetric(Counter<L>, config);
}

export function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return getOrCreateMetric(Gauge<L>, config);
}
