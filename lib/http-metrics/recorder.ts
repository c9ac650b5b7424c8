import type { ServerResponse } from 'node:http';
import { globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import type { TraceExemplarLabels } from '../exemplars/active-trace.js';
import { keepExemplar, ticks, traceForExemplar } from '../exemplars/exemplar-slot.js';
import { warnOnce } from '../log.js';
import type { CounterFamily, CounterSeries } from '../metrics/counter-family.js';
import { declareFamily } from '../metrics/declare.js';
import { boundedLabelValue, type MetricFamily, type WriteMark } from '../metrics/family.js';
import type { HistogramFamily, HistogramSeries } from '../metrics/histogram-family.js';
import type { NativeHistogramSeries } from '../metrics/native-histogram.js';
import { MetricConflictError } from '../metrics/registration.js';
import { SeriesIndex } from '../metrics/series-index.js';
import type { LabelValues } from '../metrics/series.js';
import { nameConflictError } from './name-conflicts.js';
import { declareInFlight, type InFlightFamily, type LiveRequest } from './in-flight-family.js';
import { ABORTED_STATUS_CODE, HTTP_METRIC_NAMES, UNMATCHED_ROUTE, type ResolvedCommonOptions } from './options.js';

/** What one framework adapter tells the shared core. `S` is what it hands over per request (req, ctx, reply). */
export interface AdapterHooks<S> {
  /** "expressHttpMetrics()", "koaHttpMetrics()", ..., for messages. */
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

/** The series one label combination writes, resolved once and reused; `writes` counts its requests for the idle expiry. */
/** A duration series: classic, or native (`nativeHistogram`). */
type DurationSeries = HistogramSeries | NativeHistogramSeries;

interface SeriesSet extends WriteMark {
  requests: CounterSeries;
  duration: DurationSeries;
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
    /** The IDs of the span active when the request arrived, when it is the one request of its interval to look (see `traceAtStart`). */
    readonly trace: TraceExemplarLabels | undefined,
  ) {}

  currentRoute(): string {
    return this.knownRoute ?? this.recorder.lateRoute(this.source);
  }
}

/**
 * The core every adapter (Express, Koa, Fastify, node:http, Hono) runs on: it decides whether a
 * request is counted, follows its response until it closes, and writes
 * `http_requests_total`, `http_request_duration_seconds`, `http_requests_in_flight` and,
 * when asked, `http_response_size_bytes` into our plain-number metric families.
 */
export class HttpMetricsRecorder<S> {
  private readonly requests: CounterFamily;
  private readonly duration: MetricFamily<DurationSeries>;
  private readonly size: HistogramFamily | undefined;
  private readonly inFlight: InFlightFamily;
  /** Series by method, route, status code and extra labels, looked up with the values themselves. */
  private readonly seriesIndex: SeriesIndex<SeriesSet>;
  /** The label values of the request being finished, in `labelNames` order (finish is never re-entered). */
  private readonly values: string[];
  /** The 'close' listener of every response this recorder follows (one function, no closure per request). */
  private readonly onClose: (this: ServerResponse) => void;
  private readonly computedLabelNames: string[];
  private readonly labelNames: string[];
  private readonly statusLabels = new Map<number, string>();
  /** With extra labels: how many series each route added (bounded by the family's cap on routes). */
  private readonly seriesPerRoute = new Map<string, number>();
  /**
   * The sampling clock's tick when a request last looked for the active span. The span is only
   * known while the request arrives (frameworks and tracing end it before the response closes),
   * before its series is: so at most one request per interval reads it, and its series take it.
   */
  private traceTick = 0;
  private readonly exemplars: boolean;

  constructor(
    private readonly options: ResolvedCommonOptions,
    private readonly hooks: AdapterHooks<S>,
  ) {
    const registry = options.registry ?? globalRegistry;
    const labelNames = ['method', 'route', 'status_code', ...options.extraLabelNames];
    this.labelNames = labelNames;
    this.values = labelNames.map(() => '');
    this.seriesIndex = new SeriesIndex(labelNames.length);
    ({ requests: this.requests, duration: this.duration, size: this.size, inFlight: this.inFlight } = declareHttpFamilies(registry, labelNames, options, hooks.adapter));
    this.computedLabelNames = ['route', ...options.extraLabelNames];
    this.exemplars = options.exemplars !== false;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listener's own this is the response; one closure per recorder, nothing bound per request
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
    // An exemplar only when due: one compare of two integers otherwise.
    const trace = this.exemplars && this.traceTick !== ticks.now ? this.traceAtStart() : undefined;
    live.set(response, new Exchange(this, source, method, performance.now(), route, trace));
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
    const trace = exchange.trace;
    if (trace === undefined) {
      series.requests.value++;
      series.duration.observe(seconds);
    } else {
      series.requests.value++;
      series.requests.exemplar = keepExemplar(series.requests.exemplar, trace, 1);
      series.duration.observeWithExemplar(seconds, trace);
    }
    if (series.size !== undefined) {
      const header = this.hooks.contentLength === undefined ? response.getHeader('content-length') : this.hooks.contentLength(exchange.source);
      const length = header === undefined ? NaN : Number(header);
      if (length >= 0) series.size.observe(length);
    }
  }

  /** The one request of this interval to look for the active span (which may move the clock on: read the tick after). */
  private traceAtStart(): TraceExemplarLabels | undefined {
    const trace = traceForExemplar();
    this.traceTick = ticks.now;
    return trace;
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
    const values = this.values;
    values[0] = exchange.method;
    values[1] = boundedLabelValue(exchange.currentRoute());
    values[2] = status;
    if (this.hooks.extraLabels !== undefined) this.extraLabelValues(exchange.source, response, values);
    const known = this.seriesIndex.get(values);
    if (known !== undefined) {
      known.writes++;
      return known;
    }
    return this.addSeriesSet(values);
  }

  /** The miss path: a new combination, capped per route (extra labels) and per metric (routes too). */
  private addSeriesSet(values: string[]): SeriesSet {
    const labels: LabelValues = {};
    for (let i = 0; i < values.length; i++) labels[this.labelNames[i]] = values[i];
    const extraNames = this.options.extraLabelNames;
    const route = values[1];
    if (extraNames.length > 0 && (this.seriesPerRoute.get(route) ?? 0) >= this.options.maxSeriesPerRoute) {
      warnOnce(
        `route-overflow:${this.adapter}:${route}`,
        `route "${route}" reached its cap of ${this.options.maxSeriesPerRoute} series of the HTTP metrics; its new label combinations are recorded with their labelsFrom labels as __overflow__ (raise it with the maxSeriesPerRoute option, or compute labels with fewer distinct values)`,
      );
      return {
        requests: this.requests.overflowFor(labels, extraNames),
        duration: this.duration.overflowFor(labels, extraNames),
        size: this.size?.overflowFor(labels, extraNames),
        writes: 0,
      };
    }
    const set: SeriesSet = {
      requests: this.requests.seriesFor(labels, this.computedLabelNames),
      duration: this.duration.seriesFor(labels, this.computedLabelNames),
      size: this.size?.seriesFor(labels, this.computedLabelNames),
      writes: 0,
    };
    // The overflow series is never remembered, so the index stays bounded by the cap.
    if (this.requests.isOverflow(set.requests)) return set;
    this.seriesIndex.set(values, set);
    if (extraNames.length > 0) this.seriesPerRoute.set(route, (this.seriesPerRoute.get(route) ?? 0) + 1);
    const ttlSeconds = this.options.seriesTtlSeconds;
    if (ttlSeconds === undefined) {
      // Another middleware on this registry may expire series: never the ones this one writes.
      this.requests.keepWhileUsed(set.requests);
      this.duration.keepWhileUsed(set.duration);
      if (set.size !== undefined) this.size?.keepWhileUsed(set.size);
    } else {
      const key = [...values];
      // Each family drops its own series at its collect; the first one to do so forgets the set.
      const forget = () => {
        if (!this.seriesIndex.delete(key, set) || extraNames.length === 0) return;
        const left = (this.seriesPerRoute.get(route) ?? 1) - 1;
        if (left > 0) this.seriesPerRoute.set(route, left);
        else this.seriesPerRoute.delete(route);
      };
      this.requests.expireWhenIdle(set.requests, set, ttlSeconds, forget);
      this.duration.expireWhenIdle(set.duration, set, ttlSeconds, forget);
      if (set.size !== undefined) this.size?.expireWhenIdle(set.size, set, ttlSeconds, forget);
    }
    return set;
  }

  /** Writes the extra labels' values into `values` after the three fixed ones. */
  private extraLabelValues(source: S, response: ServerResponse, values: string[]): void {
    let computed: Record<string, unknown> | undefined;
    try {
      computed = this.hooks.extraLabels!(source, response);
    } catch (failure) {
      warnOnce(`http-labels:${this.hooks.adapter}`, `labelsFrom of ${this.hooks.adapter} threw; its labels were recorded as ${LABEL_ERROR_VALUE}`, failure);
    }
    const names = this.options.extraLabelNames;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const value = computed?.[name];
      if (typeof value === 'string') values[3 + i] = boundedLabelValue(value);
      else if (typeof value === 'number') values[3 + i] = String(value);
      else {
        if (computed !== undefined) {
          warnOnce(
            `http-label:${this.hooks.adapter}:${name}`,
            `labelsFrom of ${this.hooks.adapter} gave label "${name}" a ${value === null ? 'null' : typeof value} value; recorded as ${LABEL_ERROR_VALUE} (labels must be strings or numbers)`,
          );
        }
        values[3 + i] = LABEL_ERROR_VALUE;
      }
    }
  }
}

/** The HTTP families of one registry, got or created; a name taken by something else throws naming the metric, its owner and the option to change. */
function declareHttpFamilies(registry: MetricsRegistry, labelNames: string[], options: ResolvedCommonOptions, adapter: string) {
  const common = { registry, labelNames, declaredAt: adapter, maxSeries: options.maxSeries };
  const names = options.names ?? HTTP_METRIC_NAMES;
  try {
    return {
      requests: declareFamily({
        ...common,
        kind: 'counter',
        name: names.requests,
        help: 'HTTP requests served, by method, route template and status code (0: the response never finished).',
      }),
      duration: declareFamily({
        ...common,
        kind: options.native === undefined ? 'histogram' : 'native-histogram',
        name: names.duration,
        help: 'Time from the arrival of an HTTP request until its response ended, in seconds, by method, route template and status code.',
        buckets: options.buckets,
        native: options.native,
      }) as MetricFamily<DurationSeries>,
      size:
        options.responseSizeBuckets === undefined
          ? undefined
          : declareFamily({
              ...common,
              kind: 'histogram',
              name: names.responseSize,
              help: 'Content-Length of HTTP responses in bytes, by method, route template and status code (responses without one are not observed).',
              buckets: options.responseSizeBuckets,
            }),
      inFlight: declareInFlight(registry, names.inFlight, adapter, options.maxSeries),
    };
  } catch (error) {
    if (!(error instanceof MetricConflictError)) throw error;
    throw nameConflictError(error, registry, names, adapter);
  }
}
