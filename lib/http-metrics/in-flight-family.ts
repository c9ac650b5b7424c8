import { metricIn, registerIn } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { familyIn } from '../metrics/family.js';
import { GaugeFamily } from '../metrics/gauge-family.js';
import { HttpMetricsOptionsError } from './errors.js';

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

  protected override publishAll() {
    this.reset();
    for (const request of this.live.values()) this.seriesFor({ method: request.method, route: request.currentRoute() }, ['route']).value++;
    return super.publishAll();
  }
}

/** Get-or-create of the in-flight gauge, so several middlewares on one registry share it. */
export function declareInFlight(registry: MetricsRegistry, name: string, adapter: string, maxSeries: number | undefined): InFlightFamily {
  const existing = familyIn(registry, name);
  if (existing instanceof InFlightFamily) return existing;
  if (existing !== undefined || metricIn(registry, name) !== undefined) {
    throw new HttpMetricsOptionsError(
      adapter,
      'registry',
      `metric "${name}" is already registered in this registry as something other than the HTTP in-flight gauge`,
      'Remove the other registration, or give the HTTP metrics their own registry',
    );
  }
  const family = new InFlightFamily({
    name,
    help: 'HTTP requests being served right now, by method and route.',
    labelNames: ['method', 'route'],
    declaredAt: adapter,
    maxSeries,
  });
  registerIn(registry, family);
  return family;
}
