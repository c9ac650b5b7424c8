// The public API of prom-decorators. Everything a user may import is named here.

// Method decorators
export { Counted, type CountedOptions } from './decorators/counted.js';
export { Timed, type TimedOptions, type TimedHistogramOptions, type TimedSummaryOptions } from './decorators/timed.js';
export { InProgress, type InProgressOptions } from './decorators/in-progress.js';
export { CountExceptions, type CountExceptionsOptions } from './decorators/count-exceptions.js';
export { LastCalled, type LastCalledOptions } from './decorators/last-called.js';
export { SkipMetrics, type SkipMetricsDecorator } from './decorators/skip-metrics.js';
export type { MetricOptions, OutcomeOptions } from './decorators/metric-options.js';
export type { ComputedLabelOptions, LabelsFrom } from './decorators/labels.js';
export type { LabelValue } from './metrics/series.js';
export { DEFAULT_BUCKETS } from './metrics/buckets.js';
export type { InstrumentDecorator } from './core/decorate.js';
export type { CallInfo } from './core/probe.js';

// The rest of the tutorials' vocabulary
export { Info, type InfoOptions } from './metrics/info.js';
export { Enum, type EnumOptions } from './metrics/enum.js';
export { getOrCreateMetric } from './metrics/get-or-create.js';

// Test helpers for users' own suites
export { resetMetrics, getSampleValue } from './testing.js';

// Serving the metrics
export { exposeMetrics, type ExposeMetricsOptions, type ExposedMetrics } from './exposition/expose-metrics.js';
export { metricsHandler, type MetricsHandlerOptions, type MetricsRequestHandler } from './exposition/handler.js';

// Exposition
export { renderMetrics, type RenderMetricsOptions, type RenderedMetrics } from './exposition/render.js';
export { TEXT_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE } from './exposition/negotiate.js';
export { koaMetrics, type KoaMetricsOptions } from './exposition/koa.js';
export { fastifyMetrics, type FastifyMetricsOptions } from './exposition/fastify.js';
export { clusterWorkerMetrics, type ClusterWorkerOptions, type ClusterAggregationOptions } from './exposition/cluster.js';
export { pushMetrics, type PushMetricsOptions } from './exposition/pushgateway.js';
export type { MetricsEndpointOptions } from './exposition/scrape.js';
export type { EndpointAuthOptions } from './exposition/security.js';
export type { ExposeMetricsTlsOptions } from './exposition/expose-metrics.js';

// HTTP request metrics
export { httpMetrics, type ExpressHttpMetricsOptions } from './http-metrics/express.js';
export { koaHttpMetrics, type KoaHttpMetricsOptions } from './http-metrics/koa.js';
export { fastifyHttpMetrics, type FastifyHttpMetricsOptions } from './http-metrics/fastify.js';
export { withHttpMetrics, type NodeHttpMetricsOptions } from './http-metrics/node-http.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, type CommonHttpMetricsOptions, type HttpLabelOptions } from './http-metrics/options.js';
export { HttpMetricsOptionsError } from './http-metrics/errors.js';
export type { ExpressRequestLike, ExpressResponseLike, KoaContextLike, FastifyRequestLike, FastifyReplyLike, FastifyInstanceLike } from './http-metrics/framework-types.js';

// Introspection and errors
export { listInstrumented, type InstrumentedClass, type InstrumentedMethod, type InstrumentedMetric } from './metadata.js';
export { PromDecoratorsError, DecoratorMisuseError, EndpointOptionsError, MetricOptionsError } from './errors.js';
export { setLogger, type Logger } from './log.js';

// Dashboards and rules
export { generateDashboard, type DashboardOptions, type GrafanaDashboard, type GrafanaPanel } from './generate/dashboard.js';
export { generateRules, formatRules, type RulesOptions, type AlertThresholds, type RuleFile, type AlertRule, type RecordingRule } from './generate/rules.js';
