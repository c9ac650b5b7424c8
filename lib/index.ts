// The public API of prom-decorators. Everything a user may import is named here.

// Method decorators
export { Counted, type CountedOptions } from './decorators/counted.js';
export { Timed, DEFAULT_BUCKETS, type TimedOptions, type TimedHistogramOptions, type TimedSummaryOptions } from './decorators/timed.js';
export { InProgress, type InProgressOptions } from './decorators/in-progress.js';
export { CountExceptions, type CountExceptionsOptions } from './decorators/count-exceptions.js';
export { LastCalled, type LastCalledOptions } from './decorators/last-called.js';
export { SkipMetrics, type SkipMetricsDecorator } from './decorators/skip-metrics.js';
export type { MetricOptions, OutcomeOptions } from './decorators/metric-options.js';
export type { ComputedLabelOptions, LabelValue, LabelsFrom } from './decorators/labels.js';
export type { InstrumentDecorator } from './core/decorate.js';
export type { CallInfo } from './core/probe.js';

// The rest of the tutorials' vocabulary
export { Info, type InfoOptions } from './metrics/info.js';
export { Enum, type EnumOptions } from './metrics/enum.js';

// Test helpers for users' own suites
export { resetMetrics, getSampleValue } from './testing.js';

// Serving the metrics
export { exposeMetrics, type ExposeMetricsOptions, type ExposedMetrics } from './exposition/expose-metrics.js';
export { metricsHandler, type MetricsHandlerOptions, type MetricsRequestHandler } from './exposition/handler.js';

// HTTP request metrics
export { httpMetrics, type ExpressHttpMetricsOptions } from './http-metrics/express.js';
export { koaHttpMetrics, type KoaHttpMetricsOptions } from './http-metrics/koa.js';
export { fastifyHttpMetrics, type FastifyHttpMetricsOptions } from './http-metrics/fastify.js';
export { withHttpMetrics, type NodeHttpMetricsOptions } from './http-metrics/node-http.js';
export { UNMATCHED_ROUTE, ABORTED_STATUS_CODE, type CommonHttpMetricsOptions, type HttpLabelOptions } from './http-metrics/options.js';
export { HttpMetricsOptionsError } from './http-metrics/errors.js';

// Introspection and errors
export { listInstrumented, type InstrumentedClass, type InstrumentedMethod, type InstrumentedMetric } from './metadata.js';
export { DecoratorMisuseError } from './errors.js';
