import type { Context, Middleware } from 'koa';
import type { LabelValue } from '../decorators/labels.js';
import { HttpMetricsRecorder } from './recorder.js';
import { resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions } from './options.js';

export interface KoaHttpMetricsOptions<L extends string = never, R extends Record<L, LabelValue> = Record<L, LabelValue>>
  extends CommonHttpMetricsOptions,
    HttpLabelOptions<L, [ctx: Context], R> {
  /** Requests for which this returns true are not counted. */
  skip?: (ctx: Context) => boolean;
  /**
   * The `route` label, read when the response ends. Default: the template @koa/router
   * matched (`ctx._matchedRoute`, prefixes of nested routers included), `__unmatched__`
   * when none did.
   */
  route?: (ctx: Context) => string | undefined;
}

const ADAPTER = 'koaHttpMetrics()';

/**
 * Koa middleware that counts and times every request by method, route template and status
 * code; use it first, before the router. Writes the same metrics as `httpMetrics()` for
 * Express: `http_requests_total`, `http_request_duration_seconds`,
 * `http_requests_in_flight` (and `http_response_size_bytes` with `responseSize`).
 *
 * @example
 * const app = new Koa();
 * app.use(koaHttpMetrics());
 * app.use(router.routes());
 */
export function koaHttpMetrics<const L extends string = never, R extends Record<L, LabelValue> = Record<L, LabelValue>>(
  options: KoaHttpMetricsOptions<L, R> = {},
): Middleware {
  const resolved = resolveCommonOptions(ADAPTER, options);
  const labelsFrom = options.labelsFrom;
  const recorder = new HttpMetricsRecorder<Context>(resolved, {
    adapter: ADAPTER,
    routeOf: options.route ?? koaRoute,
    skip: options.skip,
    extraLabels: labelsFrom === undefined ? undefined : (ctx) => labelsFrom(ctx),
  });
  return function koaHttpMetricsMiddleware(ctx, next) {
    const req = ctx.req;
    recorder.start(ctx, req.method ?? 'GET', req.url ?? '/', ctx.res);
    return next();
  };
}

/** The path @koa/router matched, with the prefixes of the routers it is nested in. */
function koaRoute(ctx: Context): string | undefined {
  const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
  return matched === undefined ? undefined : String(matched);
}
