import { defaultLabelsOf, metricsOf, readMetric } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import type { NativeHistogramSnapshot } from '../metrics/native-histogram.js';
import { exposesSeries } from '../metrics/exposed-series.js';
import { snapshotSeries, type SeriesSnapshot } from './series-snapshot.js';


/** One sample as metric objects return it from `get()` (prom-client's shape, ours too). */
export interface CollectedSample {
  labels?: Record<string, string | number | undefined>;
  /** Labels a prom-client histogram shares between its bucket samples (from `getForPromString()`). */
  sharedLabels?: Record<string, string | number | undefined>;
  /** A number; a broken collector can leave anything here, which the renderer skips. */
  value: number;
  metricName?: string;
  /** A client `inc()` that threw while setting it leaves `{ labelSet: {}, value: null }`: the renderer skips such exemplars. */
  exemplar?: { labelSet?: Record<string, string | number>; value?: number | null; timestamp?: number } | null;
  /**
   * The series' created timestamp, in Unix milliseconds: when it started counting (created or
   * last reset). On the sample that ends a series: a counter's value, a histogram's or a
   * summary's `_count`. OpenMetrics writes it as `_created`, protobuf as `created_timestamp`.
   */
  createdMs?: number;
}

/** One metric family as `get()` returns it. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: string;
  values?: CollectedSample[];
  aggregator?: string;
  /** Info's `info` and Enum's `stateset`, for the OpenMetrics format (the text format writes `type`). */
  openMetricsType?: 'info' | 'stateset';
  /** A native histogram family's series, for the protobuf format (the samples are its classic view). */
  nativeHistograms?: NativeHistogramSnapshot[];
  /**
   * Instead of `values`: the series of a family that exposes them directly (see
   * exposed-series.ts), in a collection made with `{ snapshots: true }`.
   */
  series?: SeriesSnapshot;
}

export interface CollectFailure {
  /** The metric whose collector threw or rejected. */
  name: string;
  error: unknown;
}

/** What one collection gathered: the families, the collectors that failed, the default labels to add. */
export interface Collection {
  metrics: CollectedMetric[];
  failures: CollectFailure[];
  defaultLabels: Record<string, string | number>;
}

/** Anything a scrape can read metrics from: one registry, or the workers of a cluster. */
export interface MetricsSource {
  /**
   * Collects the families named in `names` (all when undefined). Never rejects: failures are
   * listed. `pending`, when given, holds the names of the metrics whose collectors have not
   * answered yet, so a scrape that gives up can say which ones hung.
   */
  collect(names?: ReadonlySet<string>, pending?: Set<string>): Promise<Collection>;
}

export interface CollectOptions {
  /**
   * Read the families that expose their series directly (ours) into series snapshots
   * (`CollectedMetric.series`) instead of sample objects. Only for a consumer that reads
   * `series`: the renderers and the protobuf encoder do. Default false.
   */
  snapshots?: boolean;
}

/**
 * Calls every metric's `get()` directly instead of `registry.metrics()`: that leaves the
 * registry's content type and its counter objects untouched (prom-client renames counters
 * while rendering OpenMetrics), lets one failing collector be told apart from the rest, and
 * lets two scrapes in different formats share one collection.
 */
export async function collectRegistry(
  registry: MetricsRegistry,
  names?: ReadonlySet<string>,
  pending?: Set<string>,
  options: CollectOptions = {},
): Promise<Collection> {
  const selected = metricsOf<CollectedMetric>(registry).filter(
    (metric) => names === undefined || matchesName(metric.name, names),
  );
  const settled = await Promise.allSettled(
    selected.map((metric) => {
      if (options.snapshots === true) {
        const snapshot = readSnapshot(metric);
        if (snapshot !== undefined) return snapshot;
      }
      const read = readMetric(metric);
      if (pending !== undefined) {
        pending.add(metric.name);
        const answered = (): void => void pending.delete(metric.name);
        read.then(answered, answered);
      }
      return read;
    }),
  );
  const metrics: CollectedMetric[] = [];
  const failures: CollectFailure[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') metrics.push(outcome.value);
    else failures.push({ name: selected[index].name, error: outcome.reason });
  });
  return { metrics, failures, defaultLabels: defaultLabelsOf(registry) };
}

/** The kinds of family a series snapshot holds: counters and gauges (one value a series) and histograms. */
const SNAPSHOT_TYPES = new Set(['counter', 'gauge', 'histogram']);

/**
 * A family that exposes its series, read into a snapshot (synchronously: it answers at once);
 * undefined for any other metric, and for a family that declines. What the family throws is
 * a rejection, as a throwing `get()` is.
 */
function readSnapshot(metric: object): CollectedMetric | Promise<never> | undefined {
  if (!exposesSeries(metric) || !SNAPSHOT_TYPES.has(metric.type)) return undefined;
  try {
    const series = snapshotSeries(metric);
    return series === undefined ? undefined : { name: metric.name, help: metric.help, type: metric.type, series };
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Whether a family is selected by a `name[]` filter: its registered name, or for a counter
 * the name without `_total` (its OpenMetrics family name) both select it.
 */
export function matchesName(name: string, names: ReadonlySet<string>): boolean {
  return names.has(name) || names.has(name.replace(/_total$/, '')) || names.has(`${name}_total`);
}

/** A registry read through `collectRegistry`. */
export function registrySource(registry: MetricsRegistry): MetricsSource {
  return { collect: (names, pending) => collectRegistry(registry, names, pending, { snapshots: true }) };
}

/** One collection in progress, which every scrape of the same families joins. */
export interface SharedCollection {
  /** Never rejects (see {@link MetricsSource}). */
  result: Promise<Collection>;
  /** The metrics whose collectors have not answered yet. */
  pending: ReadonlySet<string>;
}

export interface SharedCollections {
  /** The collection of these families in progress, or a new one. */
  join(names?: ReadonlySet<string>): SharedCollection;
  /**
   * Stops sharing a collection a scrape gave up on (its timeout), so the next scrape collects
   * afresh instead of joining one that may never settle. Harmless when already gone.
   */
  evict(collection: SharedCollection): void;
}

/**
 * Scrapes that arrive while a collection of the same families runs wait for it instead of
 * starting another: collectors run once however many scrapers knock at the same time. A
 * collection is shared until it settles or is evicted, whichever comes first.
 */
export function sharedCollections(source: MetricsSource): SharedCollections {
  const running = new Map<string, SharedCollection>();
  const evict = (collection: SharedCollection): void => {
    // By identity: an evicted collection that settles late must not drop its successor.
    for (const [key, shared] of running) if (shared === collection) running.delete(key);
  };
  return {
    join(names) {
      const key = names === undefined ? '' : [...names].sort().join('\u0000');
      const existing = running.get(key);
      if (existing !== undefined) return existing;
      const pending = new Set<string>();
      const collection: SharedCollection = { result: source.collect(names, pending), pending };
      running.set(key, collection);
      const settled = (): void => evict(collection);
      collection.result.then(settled, settled);
      return collection;
    },
    evict,
  };
}
