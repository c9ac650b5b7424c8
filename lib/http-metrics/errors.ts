import { PromDecoratorsError } from '../errors.js';

/**
 * Bad HTTP-metrics options throw when the middleware is created, with a message that names
 * the adapter, the option and the fix:
 *   expressHttpMetrics(): option "buckets": buckets must be sorted (...). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1].
 */
export class HttpMetricsOptionsError extends PromDecoratorsError {
  constructor(
    /** The adapter the options were given to: "expressHttpMetrics()", "koaHttpMetrics()", "honoHttpMetrics()", ... */
    readonly adapter: string,
    /** The option at fault. */
    readonly option: string,
    problem: string,
    fix: string,
  ) {
    super(`${adapter}: option "${option}"`, problem, fix);
  }
}
