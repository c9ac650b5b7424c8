// prom-decorators/koa: request metrics and /metrics for Koa.
export { koaHttpMetrics, type KoaHttpMetricsOptions } from '../http-metrics/koa.js';
export { koaMetrics, type KoaMetricsOptions } from '../exposition/koa.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, type CommonHttpMetricsOptions, type HttpLabelOptions } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { KoaContextLike } from '../http-metrics/framework-types.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
