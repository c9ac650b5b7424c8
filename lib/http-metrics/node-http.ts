import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpMetricsOptionsError } from './errors.js';
import type { LabelValue } from '../metrics/series.js';
import { HttpMetricsRecorder } from './recorder.js';
import { resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions } from './options.js';

export interface NodeHttpMetricsOptions<L extends string = never, R extends Record<L, LabelValue> = Record<L, LabelValue>>
  extends CommonHttpMetricsOptions,
    HttpLabelOptions<L, [req: IncomingMessage, res: ServerResponse], R> {
  /**
   * The `route` label of a request, read once when it arrives: a template such as
   * `/users/:id`, never the raw URL (its values would become series). `undefined` counts
   * the request as `__unmatched__`. Required: node:http has no router to ask.
   */
  route: (req: IncomingMessage) => string | undefined;
  /** Requests for which this returns true are not counted. */
  skip?: (req: IncomingMessage) => boolean;
}

const ADAPTER = 'nodeHttpMetrics()';
/** The options node:http adds to the common ones. */
const NODE_OPTIONS = ['skip', 'route'];

/**
 * Wraps a node:http request listener so that every request is counted and timed by method,
 * route and status code. Writes the same metrics as `expressHttpMetrics()`:
 * `http_requests_total`, `http_request_duration_seconds`, `http_requests_in_flight` (and
 * `http_response_size_bytes` with `responseSize`). The listener is called exactly as
 * before, with the same `this`, arguments and return value.
 *
 * @example
 * const server = http.createServer(
 *   nodeHttpMetrics(handle, { route: (req) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined) }),
 * );
 */
export function nodeHttpMetrics<
  Req extends IncomingMessage,
  Res extends ServerResponse,
  const L extends string = never,
  R extends Record<L, LabelValue> = Record<L, LabelValue>,
>(listener: (req: Req, res: Res) => unknown, options: NodeHttpMetricsOptions<L, R>): (req: Req, res: Res) => unknown {
  if (typeof listener !== 'function') {
    throw new HttpMetricsOptionsError(ADAPTER, 'listener', `the listener must be a function, got ${typeof listener}`, 'Pass (req, res) => { ... } as the first argument');
  }
  const resolved = resolveCommonOptions(ADAPTER, options, NODE_OPTIONS);
  if (typeof options.route !== 'function') {
    throw new HttpMetricsOptionsError(
      ADAPTER,
      'route',
      'route is required: node:http has no router to tell the route template',
      "Pass { route: (req) => '/users/:id' or undefined } (undefined counts the request as __unmatched__)",
    );
  }
  const labelsFrom = options.labelsFrom;
  const recorder = new HttpMetricsRecorder<IncomingMessage>(resolved, {
    adapter: ADAPTER,
    routeOf: options.route,
    routeKnownAtStart: true,
    skip: options.skip,
    extraLabels: labelsFrom === undefined ? undefined : (req, res) => labelsFrom(req, res),
  });
  return function requestListenerWithHttpMetrics(this: unknown, req: Req, res: Res): unknown {
    recorder.start(req, req.method ?? 'GET', req.url ?? '/', res);
    return listener.call(this, req, res);
  };
}

/** The name `nodeHttpMetrics` had before the adapters were named alike; the same function. */
export const withHttpMetrics = nodeHttpMetrics;
