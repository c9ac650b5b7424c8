// prom-decorators/koa: request metrics and /metrics for Koa.
export { koaHttpMetrics, type KoaHttpMetricsOptions } from '../http-metrics/koa.js';
export { koaMetrics, type KoaMetricsOptions } from '../exposition/koa.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, type CommonHttpMetricsOptions, type HttpLabelOptions, type HttpMetricNames } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { KoaContextLike } from '../http-metrics/framework-types.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
