import type { LabelValue } from '../metrics/series.js';
import type { KoaContextLike } from './framework-types.js';
import { HttpMetricsRecorder } from './recorder.js';
import { resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions } from './options.js';

/**
 * Options of `koaHttpMetrics()`. `Ctx` is Koa's `Context` when your callbacks name it
 * (`labelsFrom: (ctx: Context) => ...`); unannotated callbacks get the parts of it this
 * library describes itself, so the package needs no Koa types.
 */
export interface KoaHttpMetricsOptions<
  L extends string = never,
  R extends Record<L, LabelValue> = Record<L, LabelValue>,
  Ctx extends KoaContextLike = KoaContextLike,
> extends CommonHttpMetricsOptions,
    HttpLabelOptions<L, [ctx: Ctx], R> {
  /** Requests for which this returns true are not counted. */
  skip?: (ctx: Ctx) => boolean;
  /**
   * The `route` label, read when the response ends. Default: the template @koa/router
   * matched (`ctx._matchedRoute`, prefixes of nested routers included), `__unmatched__`
   * when none did.
   */
  route?: (ctx: Ctx) => string | undefined;
}

const ADAPTER = 'koaHttpMetrics()';
/** The options Koa adds to the common ones. */
const KOA_OPTIONS = ['skip', 'route'];

/**
 * Koa middleware that counts and times every request by method, route template and status
 * code; use it first, before the router. Writes the same metrics as `expressHttpMetrics()`: `http_requests_total`, `http_request_duration_seconds`,
 * `http_requests_in_flight` (and `http_response_size_bytes` with `responseSize`).
 *
 * @example
 * const app = new Koa();
 * app.use(koaHttpMetrics());
 * app.use(router.routes());
 */
export function koaHttpMetrics<
  const L extends string = never,
  R extends Record<L, LabelValue> = Record<L, LabelValue>,
  Ctx extends KoaContextLike = KoaContextLike,
>(options: KoaHttpMetricsOptions<L, R, Ctx> = {}): (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown> {
  const resolved = resolveCommonOptions(ADAPTER, options, KOA_OPTIONS);
  const labelsFrom = options.labelsFrom;
  const recorder = new HttpMetricsRecorder<Ctx>(resolved, {
    adapter: ADAPTER,
    routeOf: options.route ?? koaRoute,
    skip: options.skip,
    extraLabels: labelsFrom === undefined ? undefined : (ctx) => labelsFrom(ctx),
  });
  return function koaHttpMetricsMiddleware(ctx: Ctx, next: () => Promise<unknown>): Promise<unknown> {
    const req = ctx.req;
    recorder.start(ctx, req.method ?? 'GET', req.url ?? '/', ctx.res);
    return next();
  };
}

/** The path @koa/router matched, with the prefixes of the routers it is nested in. */
function koaRoute(ctx: KoaContextLike): string | undefined {
  const matched = ctx._matchedRoute;
  return matched === undefined || matched === null ? undefined : String(matched);
}
