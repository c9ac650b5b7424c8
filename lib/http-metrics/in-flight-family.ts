import type { MetricsRegistry } from '../client/registry.js';
import { boundedLabelValue } from '../metrics/family.js';
import { GaugeFamily } from '../metrics/gauge-family.js';
import { registerMetric, type MetricShape } from '../metrics/registration.js';

/** One request being served, as the in-flight gauge sees it. */
export interface LiveRequest {
  readonly method: string;
  /** The route label this request has right now (the route may be matched after it started). */
  currentRoute(): string;
}

/**
 * `http_requests_in_flight{method, route}`, counted when the registry is collected from
 * the requests that are open at that moment. Express and Koa match the route only after
 * our middleware has run, so a gauge moved at request start could not carry the route; and
 * a request removed from the live map once can never take the gauge below zero or leave it
 * above it, whatever way the response ended.
 */
export class InFlightFamily extends GaugeFamily {
  /** Requests that started and have not ended, by their response; shared by every middleware on this registry. */
  readonly live = new Map<object, LiveRequest>();

  /** Before every read of the series, `get()` and the exposition's alike. */
  protected override beforeCollect(): void {
    this.reset();
    for (const request of this.live.values()) this.seriesFor({ method: request.method, route: boundedLabelValue(request.currentRoute()) }, ['route']).value++;
    super.beforeCollect();
  }
}

/**
 * Get-or-create of the in-flight gauge, so every middleware on one registry shares it (and its
 * live map); a conflict throws a MetricConflictError for the adapter to word.
 */
export function declareInFlight(registry: MetricsRegistry, name: string, declaredAt: string, maxSeries: number | undefined): InFlightFamily {
  const shape: MetricShape = { kind: 'in-flight', name, help: 'HTTP requests being served right now, by method and route.', labelNames: ['method', 'route'], declaredAt };
  return registerMetric({ registry, shape, onSame: 'reuse', create: () => new InFlightFamily({ shape, maxSeries }) });
}
