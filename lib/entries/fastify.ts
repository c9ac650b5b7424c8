// prom-decorators/fastify: request metrics and /metrics for Fastify, as plugins.
export { fastifyHttpMetrics, type FastifyHttpMetricsOptions } from '../http-metrics/fastify.js';
export { fastifyMetrics, type FastifyMetricsOptions } from '../exposition/fastify.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, type CommonHttpMetricsOptions, type HttpLabelOptions, type HttpMetricNames } from '../http-metrics/options.js';
export { HttpMetricsOptionsError } from '../http-metrics/errors.js';
export type { FastifyRequestLike, FastifyReplyLike, FastifyInstanceLike } from '../http-metrics/framework-types.js';
export type { MetricsEndpointOptions } from '../exposition/scrape.js';
