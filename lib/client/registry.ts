/**
 * The registry as this library sees it: the methods it calls, which the `Registry` of
 * `@prometheus-io/client` and of `prom-client` 15 both have. Declared here rather than
 * imported, so the published types name neither package: an app has only one of them.
 */
export interface MetricsRegistry {
  readonly contentType: string;
  getSingleMetric(name: string): unknown;
  registerMetric(metric: never): void;
  removeSingleMetric(name: string): void;
  getMetricsAsArray(): readonly unknown[];
  getMetricsAsJSON(): Promise<readonly { name: string; values: readonly unknown[] }[]>;
  metrics(): Promise<string>;
  resetMetrics(): void;
}

/** The labels every client-side counter and gauge takes. */
export type ClientLabels<L extends string> = Partial<Record<L, string | number>>;

export interface ClientCounter<L extends string = string> {
  inc(labels: ClientLabels<L>, value?: number): void;
  inc(value?: number): void;
}

export interface ClientGauge {
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface ClientSummary {
  labels(labels: Record<string, string>): { observe(value: number): void };
  remove(labels: Record<string, string>): void;
  get(): Promise<{ values: { labels: Record<string, string | number>; value: number; metricName?: string }[] }>;
}


interface MetricConfiguration<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registers?: MetricsRegistry[];
}

/** The part of a Prometheus client's module this library uses. */
export interface PrometheusClient {
  register: MetricsRegistry;
  Counter: new <L extends string>(configuration: MetricConfiguration<L>) => ClientCounter<L>;
  Gauge: new (configuration: MetricConfiguration<string>) => ClientGauge;
  Summary: new (
    configuration: MetricConfiguration<string> & { percentiles: number[]; maxAgeSeconds?: number; ageBuckets?: number },
  ) => ClientSummary;
  collectDefaultMetrics(options: { register: MetricsRegistry }): void;
  /** `@prometheus-io/client` 0.16 names the cluster aggregator ClusterRegistry; prom-client 15 AggregatorRegistry. */
  ClusterRegistry?: { aggregate(metricsOfEachWorker: object[][]): MetricsRegistry };
  AggregatorRegistry?: { aggregate(metricsOfEachWorker: object[][]): MetricsRegistry };
}
