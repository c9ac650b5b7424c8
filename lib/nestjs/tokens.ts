import { Inject } from '@nestjs/common';

/**
 * The injection token of the Prometheus registry `MetricsModule` serves: the client's global
 * `register`, or the `registry` option. A registered symbol rather than a plain one, so the
 * CommonJS and the ESM build of this package, both loaded in one app, name the same provider.
 *
 * @example
 * constructor(@Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry) {}
 */
export const PROMETHEUS_REGISTRY: unique symbol = Symbol.for('prom-decorators:PROMETHEUS_REGISTRY');

/** The module's checked options, for the providers that serve and record (internal). */
export const METRICS_MODULE_SETUP: unique symbol = Symbol.for('prom-decorators:METRICS_MODULE_SETUP');

/**
 * `@Inject(PROMETHEUS_REGISTRY)`, shorter: a constructor parameter that receives the registry.
 *
 * @example
 * constructor(@InjectRegistry() private readonly registry: Registry) {}
 */
export function InjectRegistry(): PropertyDecorator & ParameterDecorator {
  return Inject(PROMETHEUS_REGISTRY);
}
