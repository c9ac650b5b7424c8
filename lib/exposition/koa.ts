import { createScrapeResponder, type MetricsEndpointOptions } from './scrape.js';

/** Options of `koaMetrics()`: every option of the shared endpoint. */
export type KoaMetricsOptions = MetricsEndpointOptions;

/** The parts of Koa's context the middleware uses (no type dependency on koa). */
interface KoaContextLike {
  method: string;
  originalUrl: string;
  status: number;
  body: unknown;
  get(field: string): string;
  set(field: string, value: string | string[]): void;
  /** Set by @koa/router when a route matched. */
  _matchedRoute?: unknown;
}

/**
 * Koa middleware serving the metrics on the same code path as `metricsHandler`. With
 * `app.use()` it answers its `path` (default `/metrics`), matched exactly as sent (never
 * normalised, as `ctx.path` is), and passes every other request on; mounted on a @koa/router
 * route, the route decides the path.
 *
 * @example
 * app.use(koaMetrics({ registry }));
 * router.get('/internal/metrics', koaMetrics());
 */
export function koaMetrics(options: KoaMetricsOptions = {}): (context: KoaContextLike, next: () => Promise<unknown>) => Promise<void> {
  const respond = createScrapeResponder(options, 'koaMetrics()');
  return async (context, next) => {
    const answer = await respond({
      method: context.method,
      url: context.originalUrl,
      header: (name) => context.get(name) || undefined,
      routeMatched: context._matchedRoute !== undefined,
    });
    if (answer === undefined) {
      await next();
      return;
    }
    context.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) context.set(name, value);
    // Koa sends no body for HEAD and 204 by itself, keeping the Content-Length set above.
    if (answer.status !== 204) context.body = answer.body;
  };
}
