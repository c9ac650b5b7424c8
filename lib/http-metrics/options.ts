import type { MetricsRegistry } from '../client/registry.js';
import { DEFAULT_BUCKETS } from '../metrics/buckets.js';
import { nativeHistogramOf, type NativeHistogramOption } from '../metrics/native-histogram-option.js';
import type { NativeHistogramShape } from '../metrics/registration.js';
import { bucketsProblem, labelNameProblem, metricNameProblem } from '../metrics/validation.js';
import { checkAbsolutePath, checkOptionType, describeValue, rejectUnknownOptions, type OptionErrorFactory } from '../options-check.js';
import { HttpMetricsOptionsError } from './errors.js';

import type { LabelValue } from '../metrics/series.js';

/**
 * Labels computed from the request and response when the response ends, declared up front
 * like the decorators' computed labels (`labelNames` + `labelsFrom`): the names are checked
 * when the middleware is created, and TypeScript rejects a `labelsFrom` that returns other
 * keys, misses one, or gives a value that is not a string or number. They are added to
 * `http_requests_total`, `http_request_duration_seconds` and `http_response_size_bytes`
 * (not to the in-flight gauge, which is read before the response exists), and their
 * combinations count against `maxSeries`. A `labelsFrom` that throws, or a value of another
 * type, is logged once and recorded as `__error__`: the request is still counted.
 *
 * @example
 * httpMetrics({ labelNames: ['tenant'], labelsFrom: (req) => ({ tenant: req.get('x-tenant') ?? 'none' }) })
 */
export interface HttpLabelOptions<L extends string, A extends unknown[], R extends Record<L, LabelValue>> {
  /** Names of the labels `labelsFrom` computes. */
  labelNames?: readonly L[];
  /**
   * Computes exactly the labels named in `labelNames` when the response ends. (A method, so a
   * callback whose parameters name the framework's own, richer types is accepted.)
   */
  labelsFrom?(...args: A): R & Record<Exclude<keyof R, L>, never>;
}

/** Options every form (Express, Koa, Fastify, node:http, Hono, Nest) takes. */
export interface CommonHttpMetricsOptions {
  /** The registry to write to, of either Prometheus client. Default: the client's global `register`. */
  registry?: MetricsRegistry;
  /**
   * Upper bounds of `http_request_duration_seconds` in seconds. Default: the Prometheus clients'
   * 0.005 … 10 (`DEFAULT_BUCKETS`). With `nativeHistogram`, the classic buckets kept in mode 'both'.
   */
  buckets?: readonly number[];
  /**
   * Record `http_request_duration_seconds` as a Prometheus native histogram (scraped over the
   * protobuf format), as `@Timed`'s option of the same name: `true` for the defaults (mode
   * 'native', schema 3, zero threshold 2^-128, at most 160 buckets), `mode: 'both'` to keep the
   * classic `buckets` alongside for text and OpenMetrics scrapers. Default: a classic histogram.
   */
  nativeHistogram?: NativeHistogramOption;
  /**
   * Attach the active trace's `trace_id` and `span_id` as exemplars to `http_requests_total` and
   * `http_request_duration_seconds` (OpenMetrics and protobuf only): the IDs of the span active
   * when the request arrived, from at most one request per interval (`configureExemplars`,
   * default 1 s), when `@opentelemetry/api` is installed and a sampled span is recording.
   * Default true.
   */
  exemplars?: boolean;
  /** Label `status_code` by class (`2xx`, `4xx`, ...) instead of the exact code. Default false. */
  statusCodeGroups?: boolean;
  /**
   * The path your metrics endpoint is served on: requests for it are not counted, so scrapes
   * never show up as app traffic. Default `/metrics`; `false` counts every path.
   */
  metricsPath?: string | false;
  /**
   * Methods not to count, e.g. `['OPTIONS']` to leave CORS preflights out. Default: none;
   * HEAD and OPTIONS are served work and are counted like any other method.
   */
  skipMethods?: readonly string[];
  /**
   * Also write `http_response_size_bytes{method, route, status_code}` (histogram) from the
   * response's `Content-Length`; responses streamed without one are not observed. `true`
   * uses buckets 100 B … 10 MB. Default false.
   */
  responseSize?: boolean | { buckets: readonly number[] };
  /** Cap on the series of each metric (route and extra-label combinations). Default 1000. */
  maxSeries?: number;
  /**
   * Cap on the series one route adds with the extra labels of `labelsFrom` (method, status and
   * extra-label combinations), so one noisy label cannot push the other routes to
   * `__overflow__`: past it, that route's new combinations have their extra labels recorded as
   * `__overflow__`, the route kept. Default 100.
   */
  maxSeriesPerRoute?: number;
  /**
   * Drops a series not written for this many seconds: it leaves the scrape at the next collect
   * after that, and comes back from zero with its next request. Default: never.
   */
  seriesTtlSeconds?: number;
  /**
   * Prepended to the default metric names, so they can sit next to another library's
   * `http_requests_total` in one registry: `prefix: 'myapp_'` writes `myapp_http_requests_total`,
   * `myapp_http_request_duration_seconds`, `myapp_http_requests_in_flight` and
   * `myapp_http_response_size_bytes`. Default: none. Names given in `names` are taken as they are.
   */
  prefix?: string;
  /**
   * The name of one metric, in place of its default (and of `prefix`): `requests`
   * (`http_requests_total`), `duration` (`http_request_duration_seconds`), `inFlight`
   * (`http_requests_in_flight`), `responseSize` (`http_response_size_bytes`).
   */
  names?: HttpMetricNames;
}

/** Per-metric names of the HTTP metrics, by the keys of {@link HTTP_METRIC_NAMES}. */
export type HttpMetricNames = { readonly [K in keyof typeof HTTP_METRIC_NAMES]?: string };

/** The names of every option in {@link CommonHttpMetricsOptions} and {@link HttpLabelOptions}, for adapters that check for unknown options. */
export const COMMON_HTTP_METRICS_OPTIONS: readonly string[] = [
  'registry',
  'buckets',
  'nativeHistogram',
  'exemplars',
  'statusCodeGroups',
  'metricsPath',
  'skipMethods',
  'responseSize',
  'maxSeries',
  'maxSeriesPerRoute',
  'seriesTtlSeconds',
  'prefix',
  'names',
  'labelNames',
  'labelsFrom',
];

/** Default cap on the series one route adds with extra labels. */
export const DEFAULT_MAX_SERIES_PER_ROUTE = 100;

/** The HTTP metric names. */
export const HTTP_METRIC_NAMES = {
  requests: 'http_requests_total',
  duration: 'http_request_duration_seconds',
  inFlight: 'http_requests_in_flight',
  responseSize: 'http_response_size_bytes',
} as const;

/** The `route` of a request that matched no route (scanners, typos, static files). */
export const UNMATCHED_ROUTE = '__unmatched__';

/** The `status_code` of a request whose response never finished (the client went away, a timeout destroyed the socket). */
export const ABORTED_STATUS_CODE = '0';

/** `http_response_size_bytes` buckets when `responseSize: true`. */
export const DEFAULT_RESPONSE_SIZE_BUCKETS: readonly number[] = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

const FIXED_LABELS = ['method', 'route', 'status_code'];

/** Common options checked and filled in with their defaults. */
export interface ResolvedCommonOptions {
  registry: MetricsRegistry | undefined;
  buckets: number[];
  /** The duration as a native histogram (every default applied), or undefined for a classic one. */
  native?: NativeHistogramShape;
  /** Whether requests take exemplars from the active trace. Default (when a caller builds these options itself): true. */
  exemplars?: boolean;
  statusCodeGroups: boolean;
  metricsPath: string | undefined;
  skipMethods: ReadonlySet<string>;
  responseSizeBuckets: number[] | undefined;
  maxSeries: number | undefined;
  maxSeriesPerRoute: number;
  seriesTtlSeconds: number | undefined;
  extraLabelNames: string[];
  /** The metric names, `prefix` and `names` applied. Default (when a caller builds these options itself): {@link HTTP_METRIC_NAMES}. */
  names?: ResolvedHttpMetricNames;
}

/** The four metric names one middleware writes. */
export type ResolvedHttpMetricNames = { readonly [K in keyof typeof HTTP_METRIC_NAMES]: string };

/**
 * Checks the options once, when the middleware is created; a mistake throws naming the option
 * and the fix. With `adapterOptions` (the options the adapter adds to the common ones, such as
 * `skip` and `route`), an option that is neither is a mistake too: a misspelt option would
 * otherwise leave its default in place without a word.
 */
export function resolveCommonOptions(
  adapter: string,
  options: CommonHttpMetricsOptions & { labelNames?: readonly string[]; labelsFrom?: unknown; skip?: unknown; route?: unknown },
  adapterOptions?: readonly string[],
): ResolvedCommonOptions {
  const makeError: OptionErrorFactory = (option, problem, fix) => new HttpMetricsOptionsError(adapter, option, problem, fix);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HttpMetricsOptionsError(adapter, 'options', `options must be an object, got ${describeValue(options)}`, 'Pass { ... } or nothing');
  }
  if (adapterOptions !== undefined) rejectUnknownOptions(adapter, options, [...COMMON_HTTP_METRICS_OPTIONS, ...adapterOptions], makeError);
  checkRegistry(options.registry, makeError);
  const buckets = checkedBuckets(adapter, 'buckets', options.buckets ?? DEFAULT_BUCKETS, 'Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]');
  const native = nativeHistogramOf(options.nativeHistogram, options.buckets !== undefined, (problem, fix) => makeError('nativeHistogram', problem, fix));
  checkOptionType(options, 'exemplars', 'a boolean', makeError, 'Pass { exemplars: false } to take none, or leave it out');
  checkOptionType(options, 'statusCodeGroups', 'a boolean', makeError, 'Pass { statusCodeGroups: true } to label 2xx, 4xx, ...');
  let responseSizeBuckets: number[] | undefined;
  if (options.responseSize === true) responseSizeBuckets = [...DEFAULT_RESPONSE_SIZE_BUCKETS];
  else if (options.responseSize !== undefined && options.responseSize !== false) {
    const fix = 'Pass { buckets: [1000, 100000, ...] } in bytes, or true';
    if (options.responseSize === null || typeof options.responseSize !== 'object') {
      throw new HttpMetricsOptionsError(adapter, 'responseSize', `responseSize must be a boolean or { buckets }, got ${describeValue(options.responseSize)}`, fix);
    }
    responseSizeBuckets = checkedBuckets(adapter, 'responseSize', options.responseSize.buckets, fix);
  }
  const metricsPath = options.metricsPath ?? '/metrics';
  if (metricsPath !== false) checkAbsolutePath(metricsPath, 'metricsPath', makeError, "Pass a path such as { metricsPath: '/metrics' }, or false to count every path");
  const skipMethods = options.skipMethods ?? [];
  if (!Array.isArray(skipMethods) || skipMethods.some((method) => typeof method !== 'string')) {
    throw new HttpMetricsOptionsError(adapter, 'skipMethods', `skipMethods must be an array of method names, got ${describeValue(skipMethods)}`, "Pass e.g. ['OPTIONS', 'HEAD']");
  }
  checkOptionType(options, 'skip', 'a function', makeError, 'Pass (req) => boolean');
  checkOptionType(options, 'route', 'a function', makeError, 'Pass (req) => a route template such as /users/:id, or undefined for __unmatched__');
  const maxSeries = options.maxSeries;
  if (maxSeries !== undefined && !(Number.isInteger(maxSeries) && maxSeries > 0)) {
    throw new HttpMetricsOptionsError(adapter, 'maxSeries', `${String(maxSeries)} is not a positive integer`, 'Pass e.g. { maxSeries: 5000 }');
  }
  const maxSeriesPerRoute = options.maxSeriesPerRoute ?? DEFAULT_MAX_SERIES_PER_ROUTE;
  if (!(Number.isInteger(maxSeriesPerRoute) && maxSeriesPerRoute > 0)) {
    throw new HttpMetricsOptionsError(adapter, 'maxSeriesPerRoute', `${String(maxSeriesPerRoute)} is not a positive integer`, 'Pass e.g. { maxSeriesPerRoute: 500 }');
  }
  const seriesTtlSeconds = options.seriesTtlSeconds;
  if (seriesTtlSeconds !== undefined && !(typeof seriesTtlSeconds === 'number' && seriesTtlSeconds > 0 && Number.isFinite(seriesTtlSeconds))) {
    throw new HttpMetricsOptionsError(adapter, 'seriesTtlSeconds', `${String(seriesTtlSeconds)} is not a positive number of seconds`, 'Pass e.g. { seriesTtlSeconds: 3600 }, or leave it out to keep series');
  }
  return {
    registry: options.registry,
    buckets,
    ...(native !== undefined && { native }),
    exemplars: options.exemplars !== false,
    statusCodeGroups: options.statusCodeGroups === true,
    metricsPath: metricsPath === false ? undefined : metricsPath,
    skipMethods: new Set(skipMethods.map((method) => method.toUpperCase())),
    responseSizeBuckets,
    maxSeries,
    maxSeriesPerRoute,
    seriesTtlSeconds,
    extraLabelNames: checkedLabelNames(adapter, options.labelNames, options.labelsFrom),
    names: resolvedNames(options.prefix, options.names, makeError),
  };
}

/** The four names, `prefix` on the defaults and `names` as given, each a valid name of its own. */
function resolvedNames(prefix: unknown, names: unknown, makeError: OptionErrorFactory): ResolvedHttpMetricNames {
  if (prefix !== undefined && typeof prefix !== 'string') throw makeError('prefix', `prefix must be a string, got ${describeValue(prefix)}`, "Pass e.g. { prefix: 'myapp_' }");
  const keys = Object.keys(HTTP_METRIC_NAMES) as (keyof typeof HTTP_METRIC_NAMES)[];
  const example = "Pass e.g. { names: { requests: 'myapp_http_requests_total' } }";
  if (names !== undefined) {
    if (names === null || typeof names !== 'object' || Array.isArray(names)) throw makeError('names', `names must be an object, got ${describeValue(names)}`, example);
    rejectUnknownOptions('names', names, keys, (key, problem, fix) => makeError(`names.${key}`, problem, fix));
  }
  const given = (names ?? {}) as Record<string, unknown>;
  const resolved = {} as Record<keyof typeof HTTP_METRIC_NAMES, string>;
  const taken = new Map<string, string>();
  for (const key of keys) {
    const own = given[key];
    const option = own === undefined ? 'prefix' : `names.${key}`;
    if (own !== undefined && typeof own !== 'string') throw makeError(option, `${option} must be a string, got ${describeValue(own)}`, example);
    const name = own ?? `${prefix ?? ''}${HTTP_METRIC_NAMES[key]}`;
    const problem = metricNameProblem(name, key === 'requests' ? '_total' : undefined);
    if (problem !== undefined) throw makeError(option, problem, own === undefined ? "Pass a prefix of letters, digits, _ and :, e.g. { prefix: 'myapp_' }" : `Pass a name of letters, digits, _ and :, e.g. { names: { ${key}: 'myapp_${HTTP_METRIC_NAMES[key]}' } }`);
    const other = taken.get(name);
    if (other !== undefined) throw makeError(option, `the ${key} and ${other} metrics would both be named "${name}"`, 'Give each metric a name of its own');
    taken.set(name, key);
    resolved[key] = name;
  }
  return resolved;
}

/** A registry must be one of a Prometheus client (our families register on it and are collected from it). */
function checkRegistry(registry: unknown, makeError: OptionErrorFactory): void {
  if (registry === undefined) return;
  const looksLikeOne = registry !== null && typeof registry === 'object' && typeof (registry as MetricsRegistry).getSingleMetric === 'function' && typeof (registry as MetricsRegistry).registerMetric === 'function';
  if (!looksLikeOne) {
    throw makeError('registry', `registry must be a Registry of @prometheus-io/client or prom-client, got ${describeValue(registry)}`, 'Pass { registry: new Registry() } or leave it out to use the global register');
  }
}

function checkedBuckets(adapter: string, option: string, given: readonly number[], fix: string): number[] {
  const problem = bucketsProblem(given);
  const buckets = [...given];
  if (problem !== undefined) throw new HttpMetricsOptionsError(adapter, option, problem, fix);
  if (buckets[buckets.length - 1] === Infinity) buckets.pop(); // +Inf is always there
  return buckets;
}

function checkedLabelNames(adapter: string, labelNames: readonly string[] | undefined, labelsFrom: unknown): string[] {
  if (labelNames === undefined && labelsFrom === undefined) return [];
  const fix = "Pass { labelNames: ['tenant'], labelsFrom: (...) => ({ tenant: '...' }) }";
  if (!Array.isArray(labelNames) || labelNames.length === 0) {
    throw new HttpMetricsOptionsError(adapter, 'labelNames', 'labelsFrom needs the names of the labels it computes in labelNames', fix);
  }
  if (typeof labelsFrom !== 'function') {
    throw new HttpMetricsOptionsError(adapter, 'labelsFrom', 'labelNames needs a labelsFrom function that computes them', fix);
  }
  const seen = new Set<string>();
  for (const name of labelNames) {
    const problem = typeof name === 'string' ? labelNameProblem(name) : `label name ${JSON.stringify(name)} is not a string`;
    if (problem !== undefined) throw new HttpMetricsOptionsError(adapter, 'labelNames', problem, 'Rename the label');
    if (FIXED_LABELS.includes(name)) {
      throw new HttpMetricsOptionsError(adapter, 'labelNames', `label "${name}" is already set by the HTTP metrics`, 'Give the label another name');
    }
    if (seen.has(name)) throw new HttpMetricsOptionsError(adapter, 'labelNames', `label "${name}" is named twice`, 'Name each label once');
    seen.add(name);
  }
  return [...labelNames];
}
