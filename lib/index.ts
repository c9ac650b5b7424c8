// The public API of prom-decorators. Everything a user may import is named here.

// Method decorators
export { Counted, type CountedOptions } from './decorators/counted.js';
export { Timed, type TimedOptions, type TimedHistogramOptions, type TimedSummaryOptions } from './decorators/timed.js';
export { InProgress, type InProgressOptions } from './decorators/in-progress.js';
export { CountExceptions, type CountExceptionsOptions } from './decorators/count-exceptions.js';
export { LastCalled, type LastCalledOptions } from './decorators/last-called.js';
export { SkipMetrics, type SkipMetricsDecorator } from './decorators/skip-metrics.js';
export type { MetricOptions, OutcomeOptions, ExemplarOption } from './decorators/metric-options.js';
export type { NativeHistogramOption } from './metrics/native-histogram-option.js';
export type { NativeHistogramOptions } from './metrics/native-histogram.js';
export type { ComputedLabelOptions, LabelsFrom } from './decorators/labels.js';
export type { LabelValue } from './metrics/series.js';
export { DEFAULT_BUCKETS } from './metrics/buckets.js';
export type { InstrumentDecorator } from './core/decorate.js';
export type { CallInfo } from './core/probe.js';

// Exemplars from the active trace: sampling for the whole process
export { configureExemplars, type ExemplarOptions } from './exemplars/sampling-clock.js';

// The rest of the tutorials' vocabulary
export { Info, type InfoOptions } from './metrics/info.js';
export { Enum, type EnumOptions } from './metrics/enum.js';
export { getOrCreateMetric } from './metrics/get-or-create.js';

// Test helpers for users' own suites
export { resetMetrics, getSampleValue } from './testing.js';

// Serving the metrics. The functions come from ./entries/lazy-root.js: each loads its module at
// its first call, so importing the decorators loads no server, adapter, cluster or Pushgateway
// code. They also have entry points of their own (prom-decorators/express, /koa, /fastify,
// /node-http, /hono, /nestjs, /cluster, /pushgateway, /generate).
export {
  exposeMetrics,
  metricsHandler,
  renderMetrics,
  koaMetrics,
  fastifyMetrics,
  clusterWorkerMetrics,
  pushMetrics,
  httpMetrics,
  koaHttpMetrics,
  fastifyHttpMetrics,
  withHttpMetrics,
  generateDashboard,
  generateRules,
  formatRules,
} from './entries/lazy-root.js';
export type { ExposeMetricsOptions, ExposedMetrics, ExposeMetricsTlsOptions } from './exposition/expose-metrics.js';
export type { MetricsHandlerOptions, MetricsRequestHandler } from './exposition/handler.js';
export type { RenderMetricsOptions, RenderedMetrics } from './exposition/render.js';
export { TEXT_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE } from './exposition/negotiate.js';
export type { KoaMetricsOptions } from './exposition/koa.js';
export type { FastifyMetricsOptions } from './exposition/fastify.js';
export type { ClusterWorkerOptions, ClusterAggregationOptions } from './exposition/cluster.js';
export type { PushMetricsOptions } from './exposition/pushgateway.js';
export type { MetricsEndpointOptions } from './exposition/scrape.js';
export type { EndpointAuthOptions } from './exposition/security.js';

// HTTP request metrics
export type { ExpressHttpMetricsOptions } from './http-metrics/express.js';
export type { KoaHttpMetricsOptions } from './http-metrics/koa.js';
export type { FastifyHttpMetricsOptions } from './http-metrics/fastify.js';
export type { NodeHttpMetricsOptions } from './http-metrics/node-http.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, type CommonHttpMetricsOptions, type HttpLabelOptions, type HttpMetricNames } from './http-metrics/options.js';
export { HttpMetricsOptionsError } from './http-metrics/errors.js';
export type { ExpressRequestLike, ExpressResponseLike, KoaContextLike, FastifyRequestLike, FastifyReplyLike, FastifyInstanceLike } from './http-metrics/framework-types.js';

// Introspection and errors
export { listInstrumented, type InstrumentedClass, type InstrumentedMethod, type InstrumentedMetric } from './metadata.js';
export { PromDecoratorsError, DecoratorMisuseError, EndpointOptionsError, MetricOptionsError } from './errors.js';
export { setLogger, type Logger } from './log.js';

// Dashboards and rules (the functions are above, loaded at first call)
export type { DashboardOptions, GrafanaDashboard, GrafanaPanel } from './generate/dashboard.js';
export type { RulesOptions, AlertThresholds, RuleFile, AlertRule, RecordingRule } from './generate/rules.js';
