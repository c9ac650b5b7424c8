// prom-decorators/express: request metrics and the /metrics handler for Express 4 and 5.
export { httpMetrics, type ExpressHttpMetricsOptions } from '../http-metrics/express.js';
export { metricsHandler, metricsHandler as expressMetrics, type MetricsHandlerOptions, type MetricsRequestHandler } from '../exposition/handler.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, type CommonHttpMetricsOptions, type HttpLabelOptions } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { ExpressRequestLike, ExpressResponseLike } from '../http-metrics/framework-types.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
