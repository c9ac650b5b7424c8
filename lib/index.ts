// The public API of prom-decorators. Everything a user may import is named here.

// Method decorators
export { Counted, type CountedOptions } from './decorators/counted.js';
export { Timed, DEFAULT_BUCKETS, type TimedOptions, type TimedHistogramOptions, type TimedSummaryOptions } from './decorators/timed.js';
export { InProgress, type InProgressOptions } from './decorators/in-progress.js';
export { CountExceptions, type CountExceptionsOptions } from './decorators/count-exceptions.js';
export { LastCalled, type LastCalledOptions } from './decorators/last-called.js';
export type { MetricOptions } from './decorators/metric-options.js';
export type { MethodInstrumentDecorator } from './core/decorate.js';

// Serving the metrics
export { exposeMetrics, type ExposeMetricsOptions, type ExposedMetrics } from './exposition/expose-metrics.js';
export { metricsHandler, type MetricsHandlerOptions, type MetricsRequestHandler } from './exposition/handler.js';

// Introspection and errors
export { listInstrumented, type InstrumentedClass, type InstrumentedMethod, type InstrumentedMetric } from './metadata.js';
export { DecoratorMisuseError } from './errors.js';
