import { createSkipDecorator } from '../core/decorate.js';
import type { AnyFunction } from '../core/wrap.js';

/** The type of `@SkipMetrics()`: a method decorator in both decorator standards. */
export interface SkipMetricsDecorator {
  <T extends AnyFunction>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): void;
  <T extends AnyFunction>(value: T, context: ClassMethodDecoratorContext<unknown, T>): void;
}

/**
 * Opts a method out of class-level instrumentation: `@Timed() class OrderService` times
 * every method except those marked `@SkipMetrics()`.
 *
 * @example
 * @Timed() @Counted()
 * class OrderService {
 *   place() { ... }
 *   @SkipMetrics() healthCheck() { ... }
 * }
 */
export function SkipMetrics(): SkipMetricsDecorator {
  return createSkipDecorator() as SkipMetricsDecorator;
}
