// prom-decorators/hono: request metrics and /metrics for Hono (on @hono/node-server or any runtime).
export { honoHttpMetrics, type HonoHttpMetricsOptions } from '../http-metrics/hono.js';
export { honoMetrics, type HonoMetricsOptions } from '../exposition/hono.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, type CommonHttpMetricsOptions, type HttpLabelOptions, type HttpMetricNames } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { HonoContextLike, HonoRequestLike, HonoRouteLike } from '../http-metrics/framework-types.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
