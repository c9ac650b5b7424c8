// prom-decorators/pushgateway: pushing a batch job's metrics to a Pushgateway.
export { pushMetrics, type PushMetricsOptions } from '../exposition/pushgateway.js';
