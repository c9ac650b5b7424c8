import type { LabelValue } from '../metrics/series.js';
import type { FastifyInstanceLike, FastifyReplyLike, FastifyRequestLike } from './framework-types.js';
import { HttpMetricsRecorder } from './recorder.js';
import { resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions } from './options.js';

export interface FastifyHttpMetricsOptions<L extends string = never, R extends Record<L, LabelValue> = Record<L, LabelValue>>
  extends CommonHttpMetricsOptions,
    // `register` cannot hand a type parameter to the plugin: TypeScript checks the value types of
    // labelsFrom here but not its keys; the names are still checked when the plugin starts. For
    // the same reason the callbacks are methods: one whose parameters are annotated with
    // Fastify's FastifyRequest/FastifyReply is accepted (method parameters are bivariant).
    HttpLabelOptions<L, [request: FastifyRequestLike, reply: FastifyReplyLike], R> {
  /** Requests for which this returns true are not counted. */
  skip?(request: FastifyRequestLike): boolean;
  /**
   * The `route` label, read when the request arrives. Default: the route's URL template
   * (`request.routeOptions.url`, prefixes of registered plugins included), `__unmatched__`
   * for requests that reach the not-found handler.
   */
  route?(request: FastifyRequestLike): string | undefined;
}

const ADAPTER = 'fastifyHttpMetrics';
/** The options Fastify adds to the common ones. */
const FASTIFY_OPTIONS = ['skip', 'route'];

/**
 * Fastify plugin that counts and times every request of the whole app (it is not
 * encapsulated, like a plugin wrapped in fastify-plugin) by method, route template and
 * status code. Writes the same metrics as `expressHttpMetrics()`:
 * `http_requests_total`, `http_request_duration_seconds`, `http_requests_in_flight`
 * (and `http_response_size_bytes` with `responseSize`).
 *
 * @example
 * const app = Fastify();
 * await app.register(fastifyHttpMetrics, { statusCodeGroups: true });
 * app.get('/users/:id', getUser);
 */
export function fastifyHttpMetrics(fastify: FastifyInstanceLike, options: FastifyHttpMetricsOptions<string>, done: (error?: Error) => void): void {
  let recorder: HttpMetricsRecorder<FastifyReplyLike>;
  try {
    recorder = createRecorder(options ?? {});
  } catch (error) {
    done(error as Error); // register() rejects with the options error
    return;
  }
  fastify.addHook('onRequest', (request, reply, hookDone) => {
    const raw = request.raw;
    recorder.start(reply, raw.method ?? 'GET', raw.url ?? '/', reply.raw);
    hookDone();
  });
  done();
}

function createRecorder(options: FastifyHttpMetricsOptions<string>): HttpMetricsRecorder<FastifyReplyLike> {
  const resolved = resolveCommonOptions(ADAPTER, options, FASTIFY_OPTIONS);
  const { route, skip, labelsFrom } = options;
  return new HttpMetricsRecorder<FastifyReplyLike>(resolved, {
    adapter: ADAPTER,
    routeOf: route === undefined ? fastifyRoute : (reply) => route(reply.request),
    routeKnownAtStart: true,
    contentLength: (reply) => reply.getHeader('content-length'), // Fastify hands its headers to writeHead, where getHeader cannot see them
    skip: skip === undefined ? undefined : (reply) => skip(reply.request),
    extraLabels: labelsFrom === undefined ? undefined : (reply) => labelsFrom(reply.request, reply),
  });
}

// What fastify-plugin does: the hook applies to the whole app, not only to routes
// registered inside this plugin.
Object.assign(fastifyHttpMetrics, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'prom-decorators-http-metrics',
});

/** The URL template of the matched route; the not-found handler has none. */
function fastifyRoute(reply: FastifyReplyLike): string | undefined {
  const request = reply.request;
  return request.is404 ? undefined : request.routeOptions.url;
}
