/**
 * The few metrics the demo writes with prom-client directly, next to the decorators: a
 * counter incremented by non-integer amounts, gauges set to a value, and labels that depend
 * on the call (status codes, job outcomes). They live in prom-client's global `register`,
 * the registry the decorators use by default, so one scrape shows both.
 *
 * Get-or-create, like the decorators: importing a tutorial twice (jest module resets, the
 * CLI loading the module next to the app) never throws "already registered".
 */
import { Counter, Gauge, Histogram, Summary, register } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration, SummaryConfiguration } from 'prom-client';

function getOrCreate<M>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

export function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return getOrCreate(config.name, () => new Counter(config));
}

export function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return getOrCreate(config.name, () => new Gauge(config));
}

export function histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
  return getOrCreate(config.name, () => new Histogram(config));
}

export function summary<L extends string>(config: SummaryConfiguration<L>): Summary<L> {
  return getOrCreate(config.name, () => new Summary(config));
}
