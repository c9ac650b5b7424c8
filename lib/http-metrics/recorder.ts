import type { ServerResponse } from 'node:http';
import { globalRegistry } from '../client/bridge.js';
import { warnOnce } from '../log.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import { declareFamily } from '../metrics/declare.js';
import type { LabelValues } from '../metrics/family.js';
import { observe, type HistogramFamily, type HistogramSeries } from '../metrics/histogram-family.js';
import { declareInFlight, type InFlightFamily, type LiveRequest } from './in-flight-family.js';
import { ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, UNMATCHED_ROUTE, type ResolvedCommonOptions } from './options.js';

/** What one framework adapter tells the shared core. `S` is what it hands over per request (req, ctx, reply). */
export interface AdapterHooks<S> {
  /** "httpMetrics()", "koaHttpMetrics()", ..., for messages. */
  adapter: string;
  /** The route template once the framework has routed the request; undefined when no route matched. */
  routeOf?: (source: S) => string | undefined;
  /** Whether `routeOf` already knows the route when the request arrives (Fastify, node:http): it is then read once, at start. */
  routeKnownAtStart?: boolean;
  /** The response's Content-Length header, when the framework keeps headers away from node's response (Fastify). */
  contentLength?: (source: S) => unknown;
  /** The user's skip predicate, in the framework's terms. */
  skip?: (source: S) => boolean;
  /** The user's labelsFrom, in the framework's terms. */
  extraLabels?: (source: S, response: ServerResponse) => Record<string, unknown>;
}

/** The value a computed label takes when labelsFrom threw or gave it no string or number. */
export const LABEL_ERROR_VALUE = '__error__';

/** The series one label combination writes, resolved once and reused. */
interface SeriesSet {
  requests: CounterSeries;
  duration: HistogramSeries;
  size: HistogramSeries | undefined;
}

/** One request from arrival until its response closes. */
class Exchange<S> implements LiveRequest {
  constructor(
    readonly recorder: HttpMetricsRecorder<S>,
    readonly source: S,
    readonly method: string,
    readonly startMs: number,
    readonly knownRoute: string | undefined,
  ) {}

  currentRoute(): string {
    return this.knownRoute ?? this.recorder.lateRoute(this.source);
  }
}

/**
 * The core every adapter (Express, Koa, Fastify, node:http) runs on: it decides whether a
 * request is counted, follows its response until it closes, and writes
 * `http_requests_total`, `http_request_duration_seconds`, `http_requests_in_flight` and,
 * when asked, `http_response_size_bytes` into our plain-number metric families.
 */
export class HttpMetricsRecorder<S> {
  private readonly requests: CounterFamily;
  private readonly duration: HistogramFamily;
  private readonly size: HistogramFamily | undefined;
  private readonly inFlight: InFlightFamily;
  /** Series by route, method and status code: three lookups of strings whose hashes are already known, no key to build. */
  private readonly seriesByRoute = new Map<string, Map<string, Map<string, SeriesSet>>>();
  /** Series by a joined key, when computed labels are part of it. */
  private readonly seriesByKey = new Map<string, SeriesSet>();
  /** The 'close' listener of every response this recorder follows (one function, no closure per request). */
  private readonly onClose: (this: ServerResponse) => void;
  private readonly computedLabelNames: string[];
  private readonly statusLabels = new Map<number, string>();

  constructor(
    private readonly options: ResolvedCommonOptions,
    private readonly hooks: AdapterHooks<S>,
  ) {
    const registry = options.registry ?? globalRegistry;
    const labelNames = ['method', 'route', 'status_code', ...options.extraLabelNames];
    const common = { registry, labelNames, decorator: hooks.adapter, place: 'HTTP requests', maxSeries: options.maxSeries };
    this.requests = declareFamily({
      ...common,
      kind: 'counter',
      name: HTTP_METRIC_NAMES.requests,
      help: 'HTTP requests served, by method, route template and status code (0: the response never finished).',
    });
    this.duration = declareFamily({
      ...common,
      kind: 'histogram',
      name: HTTP_METRIC_NAMES.duration,
      help: 'Time from the arrival of an HTTP request until its response ended, in seconds, by method, route template and status code.',
      buckets: options.buckets,
    });
    this.size =
      options.responseSizeBuckets === undefined
        ? undefined
        : declareFamily({
            ...common,
            kind: 'histogram',
            name: HTTP_METRIC_NAMES.responseSize,
            help: 'Content-Length of HTTP responses in bytes, by method, route template and status code (responses without one are not observed).',
            buckets: options.responseSizeBuckets,
          });
    this.inFlight = declareInFlight(registry, HTTP_METRIC_NAMES.inFlight, hooks.adapter, options.maxSeries);
    this.computedLabelNames = ['route', ...options.extraLabelNames];
    const recorder = this;
    this.onClose = function onResponseClose(this: ServerResponse) {
      recorder.closed(this);
    };
  }

  // start(), closed() and finish() run on every request. They must never throw into the request,
  // call prom-client, or read the clock more than once each.

  /** A request arrived. `url` is the path as the client sent it (query included). */
  start(source: S, method: string, url: string, response: ServerResponse): void {
    try {
      this.begin(source, method, url, response);
    } catch (failure) {
      warnOnce(`http-start:${this.adapter}`, `${this.adapter} could not start measuring a request; it was served unmeasured`, failure);
    }
  }

  get adapter(): string {
    return this.hooks.adapter;
  }

  private begin(source: S, method: string, url: string, response: ServerResponse): void {
    // The live map is keyed by the response and shared by every middleware on this registry:
    // a response an outer middleware already follows is not counted twice. (A map entry, not a
    // mark on the response: adding a property to node's response object costs microseconds.)
    const live = this.inFlight.live;
    if (live.has(response)) return;
    if (this.options.skipMethods.size > 0 && this.options.skipMethods.has(method)) return;
    if (this.isMetricsPath(url)) return;
    if (this.hooks.skip !== undefined && this.skipped(source)) return;
    const route = this.hooks.routeKnownAtStart === true ? this.lateRoute(source) : undefined;
    live.set(response, new Exchange(this, source, method, performance.now(), route));
    response.on('close', this.onClose);
  }

  /** The response closed: after its last byte (finished) or before (aborted). Counts the request once. */
  private closed(response: ServerResponse): void {
    const live = this.inFlight.live;
    const exchange = live.get(response) as Exchange<S> | undefined;
    if (exchange === undefined || exchange.recorder !== this) return;
    live.delete(response);
    try {
      this.finish(exchange, response);
    } catch (failure) {
      warnOnce(`http-finish:${this.adapter}`, `${this.adapter} could not record a request; the response was not affected`, failure);
    }
  }

  private finish(exchange: Exchange<S>, response: ServerResponse): void {
    const seconds = (performance.now() - exchange.startMs) / 1000;
    const finished = response.writableFinished;
    const status = finished ? this.statusLabel(response.statusCode) : ABORTED_STATUS_CODE;
    const series = this.seriesSetFor(exchange, status, response);
    series.requests.value++;
    observe(series.duration, this.duration.upperBounds, seconds);
    if (series.size !== undefined && this.size !== undefined) {
      const header = this.hooks.contentLength === undefined ? response.getHeader('content-length') : this.hooks.contentLength(exchange.source);
      const length = header === undefined ? NaN : Number(header);
      if (length >= 0) observe(series.size, this.size.upperBounds, length);
    }
  }

  /** The route of a request the framework has (or has not yet) routed. */
  lateRoute(source: S): string {
    const routeOf = this.hooks.routeOf;
    if (routeOf === undefined) return UNMATCHED_ROUTE;
    try {
      return routeOf(source) ?? UNMATCHED_ROUTE;
    } catch (failure) {
      warnOnce(`http-route:${this.hooks.adapter}`, `${this.hooks.adapter} could not read the route of a request; counted it as ${UNMATCHED_ROUTE}`, failure);
      return UNMATCHED_ROUTE;
    }
  }

  private isMetricsPath(url: string): boolean {
    const path = this.options.metricsPath;
    if (path === undefined || !url.startsWith(path)) return false;
    return url.length === path.length || url.charCodeAt(path.length) === 63; // '?'
  }

  private skipped(source: S): boolean {
    try {
      return this.hooks.skip!(source) === true;
    } catch (failure) {
      warnOnce(`http-skip:${this.hooks.adapter}`, `the skip function of ${this.hooks.adapter} threw; the request was counted`, failure);
      return false;
    }
  }

  private statusLabel(code: number): string {
    let label = this.statusLabels.get(code);
    if (label === undefined) {
      label = this.options.statusCodeGroups && code >= 100 && code <= 999 ? `${Math.floor(code / 100)}xx` : String(code);
      if (this.statusLabels.size < 1000) this.statusLabels.set(code, label);
    }
    return label;
  }

  private seriesSetFor(exchange: Exchange<S>, status: string, response: ServerResponse): SeriesSet {
    const route = exchange.currentRoute();
    const method = exchange.method;
    if (this.hooks.extraLabels === undefined) {
      let byMethod = this.seriesByRoute.get(route);
      const cached = byMethod?.get(method)?.get(status);
      if (cached !== undefined) return cached;
      const set = this.newSeriesSet({ method, route, status_code: status });
      if (set.requests.labels.route !== route) return set; // the overflow series: never remembered, so these maps stay bounded by the cap
      if (byMethod === undefined) this.seriesByRoute.set(route, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
      byStatus.set(status, set);
      return set;
    }
    const extra = this.extraLabelValues(exchange.source, response);
    let key = `${method}\u0000${route}\u0000${status}`;
    for (const name of this.options.extraLabelNames) key += `\u0000${extra[name]}`;
    const cached = this.seriesByKey.get(key);
    if (cached !== undefined) return cached;
    const set = this.newSeriesSet({ method, route, status_code: status, ...extra });
    if (set.requests.labels.route === route) this.seriesByKey.set(key, set);
    return set;
  }

  private newSeriesSet(labels: LabelValues): SeriesSet {
    return {
      requests: this.requests.seriesFor(labels, this.computedLabelNames),
      duration: this.duration.seriesFor(labels, this.computedLabelNames),
      size: this.size?.seriesFor(labels, this.computedLabelNames),
    };
  }

  private extraLabelValues(source: S, response: ServerResponse): LabelValues {
    const values: LabelValues = {};
    let computed: Record<string, unknown> | undefined;
    try {
      computed = this.hooks.extraLabels!(source, response);
    } catch (failure) {
      warnOnce(`http-labels:${this.hooks.adapter}`, `labelsFrom of ${this.hooks.adapter} threw; its labels were recorded as ${LABEL_ERROR_VALUE}`, failure);
    }
    for (const name of this.options.extraLabelNames) {
      const value = computed?.[name];
      if (typeof value === 'string') values[name] = value;
      else if (typeof value === 'number') values[name] = String(value);
      else {
        if (computed !== undefined) {
          warnOnce(
            `http-label:${this.hooks.adapter}:${name}`,
            `labelsFrom of ${this.hooks.adapter} gave label "${name}" a ${value === null ? 'null' : typeof value} value; recorded as ${LABEL_ERROR_VALUE} (labels must be strings or numbers)`,
          );
        }
        values[name] = LABEL_ERROR_VALUE;
      }
    }
    return values;
  }
}
