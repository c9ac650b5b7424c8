import type { LabelValue } from '../metrics/series.js';
import { expressRouteTemplate } from './express-route.js';
import type { ExpressRequestLike, ExpressResponseLike } from './framework-types.js';
import { HttpMetricsRecorder } from './recorder.js';
import { resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions } from './options.js';

/**
 * Options of `expressHttpMetrics()`. `Req` and `Res` are Express's `Request` and `Response` when your
 * callbacks name them (`skip: (req: Request) => ...`); unannotated callbacks get the parts of
 * them this library describes itself, so the package needs no Express types.
 */
export interface ExpressHttpMetricsOptions<
  L extends string = never,
  R extends Record<L, LabelValue> = Record<L, LabelValue>,
  Req extends ExpressRequestLike = ExpressRequestLike,
  Res extends ExpressResponseLike = ExpressResponseLike,
> extends CommonHttpMetricsOptions,
    HttpLabelOptions<L, [req: Req, res: Res], R> {
  /** Requests for which this returns true are not counted. */
  skip?: (req: Req) => boolean;
  /**
   * The `route` label, read when the response ends. Default: the matched route's template
   * under the mount patterns of its routers (`/users/:userId/posts/:postId`),
   * `__unmatched__` when no route matched (404s, and responses sent by middleware such as
   * express.static).
   */
  route?: (req: Req) => string | undefined;
}

const ADAPTER = 'expressHttpMetrics()';
/** The options Express adds to the common ones. */
const EXPRESS_OPTIONS = ['skip', 'route'];

/**
 * Express (4 and 5) middleware that counts and times every request by method, route template
 * and status code. Add it before your routes.
 *
 * Writes `http_requests_total{method, route, status_code}` (counter),
 * `http_request_duration_seconds{method, route, status_code}` (histogram, prom-client's
 * buckets 0.005 … 10 s), `http_requests_in_flight{method, route}` (gauge) and, with
 * `responseSize`, `http_response_size_bytes` (`prefix` and `names` rename them). `route` is the template (`/users/:id`),
 * never the raw URL; unmatched requests share `__unmatched__`; `/metrics` is not counted;
 * a request whose client went away is counted once with `status_code="0"`.
 *
 * @example
 * const app = express();
 * app.use(expressHttpMetrics());
 * app.get('/users/:id', getUser);
 * app.get('/metrics', metricsHandler());
 */
export function expressHttpMetrics<
  const L extends string = never,
  R extends Record<L, LabelValue> = Record<L, LabelValue>,
  Req extends ExpressRequestLike = ExpressRequestLike,
  Res extends ExpressResponseLike = ExpressResponseLike,
>(options: ExpressHttpMetricsOptions<L, R, Req, Res> = {}): (req: Req, res: Res, next: () => void) => void {
  const resolved = resolveCommonOptions(ADAPTER, options, EXPRESS_OPTIONS);
  const labelsFrom = options.labelsFrom;
  const recorder = new HttpMetricsRecorder<Req>(resolved, {
    adapter: ADAPTER,
    routeOf: options.route ?? expressRouteTemplate,
    skip: options.skip,
    // The response the recorder hands back is the `res` the middleware gave to start().
    extraLabels: labelsFrom === undefined ? undefined : (req, res) => labelsFrom(req, res as Res),
  });
  return function httpMetricsMiddleware(req: Req, res: Res, next: () => void): void {
    recorder.start(req, req.method ?? 'GET', req.originalUrl ?? req.url ?? '/', res);
    next();
  };
}

/** The name `expressHttpMetrics` had before the adapters were named alike; the same function. */
export const httpMetrics = expressHttpMetrics;
