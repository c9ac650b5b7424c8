// prom-decorators/express: request metrics and the /metrics handler for Express 4 and 5.
export { expressHttpMetrics, httpMetrics, type ExpressHttpMetricsOptions } from '../http-metrics/express.js';
export { metricsHandler, metricsHandler as expressMetrics, type MetricsHandlerOptions, type MetricsRequestHandler } from '../exposition/handler.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, type CommonHttpMetricsOptions, type HttpLabelOptions, type HttpMetricNames } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { ExpressRequestLike, ExpressResponseLike } from '../http-metrics/framework-types.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
