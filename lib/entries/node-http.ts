// prom-decorators/node-http: request metrics for a plain node:http handler, the (req, res)
// metrics handler, and exposeMetrics, the server of its own.
export { nodeHttpMetrics, withHttpMetrics, type NodeHttpMetricsOptions } from '../http-metrics/node-http.js';
export { metricsHandler, metricsHandler as nodeMetrics, type MetricsHandlerOptions, type MetricsRequestHandler } from '../exposition/handler.js';
export { exposeMetrics, type ExposeMetricsOptions, type ExposedMetrics, type ExposeMetricsTlsOptions } from '../exposition/expose-metrics.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, type CommonHttpMetricsOptions, type HttpLabelOptions, type HttpMetricNames } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
export type { EndpointAuthOptions } from '../exposition/security.js';
