import type { IncomingMessage, ServerResponse } from 'node:http';
import { globalRegistry, isRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { createScrapeResponder, ENDPOINT_OPTIONS, type MetricsEndpointOptions, type ScrapeResponder } from '../exposition/scrape.js';
import { HttpMetricsOptionsError } from '../http-metrics/errors.js';
import { COMMON_HTTP_METRICS_OPTIONS, resolveCommonOptions, type CommonHttpMetricsOptions, type HttpLabelOptions, type ResolvedCommonOptions } from '../http-metrics/options.js';
import type { LabelValue } from '../metrics/series.js';
import { describeValue, rejectUnknownOptions } from '../options-check.js';

/**
 * HTTP request metrics of a Nest app: the options of the other adapters, less `registry` (the
 * module's) and `metricsPath` (the module knows where it serves). `skip` and `labelsFrom` get
 * node's request and response on either platform (Express's `req`/`res` are those objects;
 * on Fastify they are `request.raw`/`reply.raw`), so they do not change with the platform.
 */
export interface NestHttpMetricsOptions<L extends string = string, R extends Record<L, LabelValue> = Record<L, LabelValue>>
  extends Omit<CommonHttpMetricsOptions, 'registry' | 'metricsPath'>,
    HttpLabelOptions<L, [request: IncomingMessage, response: ServerResponse], R> {
  /** Requests for which this returns true are not counted. */
  skip?(request: IncomingMessage): boolean;
}

/** Options of `MetricsModule.forRoot()` (and what the factory of `forRootAsync()` returns). */
export interface MetricsModuleOptions extends MetricsEndpointOptions {
  /**
   * Turn on the Prometheus client's Node.js and process metrics for the registry (once per
   * registry, as `exposeMetrics` does). Default true.
   */
  defaultMetrics?: boolean;
  /**
   * Count and time the app's requests: `http_requests_total`, `http_request_duration_seconds`,
   * `http_requests_in_flight` (and `http_response_size_bytes` with `responseSize`), with Nest's
   * route template as `route` (`/api/v1/users/:id`). `true` for the defaults. Default false.
   */
  httpMetrics?: boolean | NestHttpMetricsOptions;
  /**
   * Serve the metrics on a server of their own on this port (`exposeMetrics`), not through
   * the app: for apps that keep /metrics off their public port. Closed when the app closes.
   * Default: served by the app itself, at `path`.
   */
  port?: number;
  /** With `port`: the interface to bind, e.g. '127.0.0.1'. Default: all interfaces. */
  host?: string;
  /**
   * Serve at `path` under the app's global prefix (`app.setGlobalPrefix('api')` gives
   * `/api/metrics`). Default false: like a health check, the endpoint stays at `path`
   * whatever the app's prefix, so a scrape config does not follow the API's prefix.
   */
  globalPrefix?: boolean;
}

/** What the module's providers need, checked once. */
export interface ModuleSetup {
  where: string;
  registry: MetricsRegistry;
  defaultMetrics: boolean;
  /** Answers the scrapes served through the app; unused with `port`. */
  respond: ScrapeResponder;
  path: string;
  globalPrefix: boolean;
  port: number | undefined;
  host: string | undefined;
  /** The options exposeMetrics gets with `port`. */
  endpoint: MetricsEndpointOptions;
  http: ModuleHttpSetup | undefined;
}

export interface ModuleHttpSetup {
  /** metricsPath is set when the app's global prefix is known (at init). */
  common: ResolvedCommonOptions;
  skip: NestHttpMetricsOptions['skip'];
  labelsFrom: NestHttpMetricsOptions['labelsFrom'];
}

const LITERAL_PATH = /^\/[A-Za-z0-9._~/-]*$/;

const MODULE_OPTIONS = ['defaultMetrics', 'httpMetrics', 'port', 'host', 'globalPrefix'];
/** The HTTP metrics options of the other adapters, less the two the module sets itself, plus skip. */
const HTTP_OPTIONS = [...COMMON_HTTP_METRICS_OPTIONS.filter((option) => option !== 'registry' && option !== 'metricsPath'), 'skip'];

/**
 * Checks the options when the module is set up (at `forRoot()`, or when the factory of
 * `forRootAsync()` resolves); a mistake throws naming `where`, the option and the fix.
 */
export function checkModuleOptions(where: string, options: MetricsModuleOptions | undefined): ModuleSetup {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EndpointOptionsError(where, undefined, `options must be an object, got ${describeValue(options)}`, 'Pass { ... }, or nothing for the defaults.');
  }
  rejectUnknownOptions(where, options, [...MODULE_OPTIONS, ...ENDPOINT_OPTIONS], (option, problem, fix) => new EndpointOptionsError(where, option, problem, fix));
  const registry = options.registry ?? globalRegistry;
  if (!isRegistry(registry)) {
    throw new EndpointOptionsError(where, 'registry', `registry must be a Registry of the Prometheus client, got ${describeValue(options.registry)}`, 'Pass { registry: new Registry() }, or leave it out for the global register.');
  }
  const defaultMetrics = booleanOption(where, options, 'defaultMetrics', true);
  const globalPrefix = booleanOption(where, options, 'globalPrefix', false);
  const { port, host } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new EndpointOptionsError(where, 'port', `port must be a whole number from 0 to 65535, got ${describeValue(port)}`, 'Pass { port: 9464 } (0 picks a free port), or leave it out to serve through the app.');
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new EndpointOptionsError(where, 'host', `host must be a host name or address, got ${describeValue(host)}`, "Pass { port: 9464, host: '127.0.0.1' }.");
  }
  if (host !== undefined && port === undefined) {
    throw new EndpointOptionsError(where, 'host', 'host is only used with port (the app binds its own interface)', "Pass { port: 9464, host: '127.0.0.1' }, or leave host out.");
  }
  if (port !== undefined && globalPrefix) {
    throw new EndpointOptionsError(where, 'globalPrefix', 'globalPrefix applies to metrics served through the app, not with port', 'Leave globalPrefix out, or port to serve through the app.');
  }
  const endpoint: MetricsEndpointOptions = {};
  for (const key of ENDPOINT_OPTIONS) {
    if (options[key as keyof MetricsEndpointOptions] !== undefined) Object.assign(endpoint, { [key]: options[key as keyof MetricsEndpointOptions] });
  }
  endpoint.registry = registry;
  // Validates every endpoint option (path, auth, cap, timeout ...) now, naming `where`.
  const respond = createScrapeResponder(endpoint, where);
  const path = options.path ?? '/metrics';
  // The platform routes the path (Express and Fastify read ':', '*', '{' ... as patterns), so it must be literal.
  if (!LITERAL_PATH.test(path)) {
    throw new EndpointOptionsError(where, 'path', `path ${JSON.stringify(path)} is not a plain path (letters, digits and / . _ ~ -)`, "Pass { path: '/metrics' }.");
  }
  return {
    where,
    registry,
    defaultMetrics,
    respond,
    path,
    globalPrefix,
    port,
    host,
    endpoint,
    http: checkHttpOptions(where, options.httpMetrics),
  };
}

function checkHttpOptions(where: string, httpMetrics: MetricsModuleOptions['httpMetrics']): ModuleHttpSetup | undefined {
  if (httpMetrics === undefined || httpMetrics === false) return undefined;
  const given = httpMetrics === true ? {} : httpMetrics;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new EndpointOptionsError(where, 'httpMetrics', `httpMetrics must be true, false or an object of options, got ${describeValue(httpMetrics)}`, 'Pass { httpMetrics: true } or { httpMetrics: { buckets: [...] } }.');
  }
  // Named as the user wrote it: `MetricsModule.forRoot({ httpMetrics }): option "buckets": ...`.
  const adapter = `${where.replace(/\(\)$/, '')}({ httpMetrics })`;
  // The two options of the other adapters the module sets itself.
  if ('registry' in given) {
    throw new HttpMetricsOptionsError(adapter, 'registry', "the HTTP metrics write to the module's registry", `Pass it to the module: ${where.replace(/\(\)$/, '')}({ registry, httpMetrics: { ... } })`);
  }
  if ('metricsPath' in given) {
    throw new HttpMetricsOptionsError(adapter, 'metricsPath', 'the module leaves out the path it serves the metrics at by itself', "Remove it; the module's own path option says where that is");
  }
  rejectUnknownOptions(adapter, given, HTTP_OPTIONS, (option, problem, fix) => new HttpMetricsOptionsError(adapter, option, problem, fix));
  const common = resolveCommonOptions(adapter, { ...given, metricsPath: false });
  return { common, skip: given.skip, labelsFrom: given.labelsFrom };
}

function booleanOption(where: string, options: MetricsModuleOptions, name: 'defaultMetrics' | 'globalPrefix', fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new EndpointOptionsError(where, name, `${name} must be true or false, got ${describeValue(value)}`, `Pass { ${name}: ${!fallback} }, or leave it out.`);
  }
  return value;
}
