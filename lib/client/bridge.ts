import { createRequire } from 'node:module';
import { warnOnce } from '../log.js';
import { requireFromLibrary } from './require-from-library.cjs';
import type { ClientCounter, ClientGauge, ClientSummary, MetricsRegistry, PrometheusClient } from './registry.js';

/**
 * The one module that touches the Prometheus client. Two packages publish it: the renamed
 * `@prometheus-io/client` and `prom-client` 15. Each keeps its own global `register`, so the
 * library must write to the one the app uses: whichever is installed, and when both are,
 * `@prometheus-io/client` (the maintained one) unless PROM_DECORATORS_CLIENT says otherwise.
 * Everything else reads the client through the functions here, so a client release that
 * changes its internals breaks this file and its contract spec, nothing else.
 */
export const CLIENT_PACKAGES = ['@prometheus-io/client', 'prom-client'] as const;
export type ClientPackage = (typeof CLIENT_PACKAGES)[number];

/** The environment variable that picks a client when both are installed. */
export const CLIENT_CHOICE_VARIABLE = 'PROM_DECORATORS_CLIENT';

export interface ClientChoice {
  name: ClientPackage;
  /** Set when both clients are installed: logged once, so nobody loses metrics silently. */
  warning?: string;
}

/** Picks the client from what is installed and the environment; throws when none can be used. */
export function chooseClient(requested: string | undefined, isInstalled: (name: ClientPackage) => boolean): ClientChoice {
  const installed = CLIENT_PACKAGES.filter((name) => isInstalled(name));
  if (requested !== undefined && requested !== '') {
    const name = CLIENT_PACKAGES.find((candidate) => candidate === requested);
    if (name === undefined) {
      throw new Error(`prom-decorators: ${CLIENT_CHOICE_VARIABLE}="${requested}" names no Prometheus client. Set it to "@prometheus-io/client" or "prom-client", or unset it.`);
    }
    if (!installed.includes(name)) {
      throw new Error(`prom-decorators: ${CLIENT_CHOICE_VARIABLE} asks for ${name}, which is not installed. Run \`npm install ${installCommandOf(name)}\`, or unset ${CLIENT_CHOICE_VARIABLE}.`);
    }
    return { name };
  }
  if (installed.length === 0) {
    throw new Error(
      'prom-decorators needs a Prometheus client and found none. Install one next to it: ' +
        '`npm install @prometheus-io/client` (Node 22 or later) or `npm install prom-client@15`.',
    );
  }
  if (installed.length === 1) return { name: installed[0] };
  return {
    name: '@prometheus-io/client',
    warning:
      'both @prometheus-io/client and prom-client are installed; they keep separate registries. ' +
      "The decorators' metrics go to @prometheus-io/client's register: serve that one, pass { registry } explicitly, " +
      `or set ${CLIENT_CHOICE_VARIABLE}=prom-client to write to prom-client's register instead.`,
  };
}

function installCommandOf(name: ClientPackage): string {
  return name === 'prom-client' ? 'prom-client@15' : name;
}

function isInstalled(name: ClientPackage): boolean {
  try {
    requireFromLibrary.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const choice = chooseClient(process.env[CLIENT_CHOICE_VARIABLE], isInstalled);
if (choice.warning !== undefined) warnOnce('client:both-installed', choice.warning);

/** The package the library writes through. */
export const clientName: ClientPackage = choice.name;

/** Whether a value can serve as a registry: a Registry of either client, or any object with its methods. */
export function isRegistry(value: unknown): value is MetricsRegistry {
  const candidate = value as Partial<MetricsRegistry> | null | undefined;
  return typeof candidate?.getSingleMetric === 'function' && typeof candidate.registerMetric === 'function' && typeof candidate.getMetricsAsArray === 'function';
}

// Registration: the registry's own map of metrics by name.

export function metricIn(registry: MetricsRegistry, name: string): unknown {
  return registry.getSingleMetric(name);
}

export function registerIn(registry: MetricsRegistry, metric: object): void {
  registry.registerMetric(metric as never);
}

export function unregisterFrom(registry: MetricsRegistry, name: string): void {
  registry.removeSingleMetric(name);
}

// The collect protocol: a registry holds metric objects, each read with `get()`.

/** One metric object of a registry, as the client's own registry reads it. */
export interface CollectableMetric<T> {
  name: string;
  get(): T | Promise<T>;
  /** The client's cheaper read for rendering (histograms keep labels shared per series). */
  getForPromString?(): T | Promise<T>;
}

export function metricsOf<T>(registry: MetricsRegistry): CollectableMetric<T>[] {
  return registry.getMetricsAsArray() as CollectableMetric<T>[];
}

/** Reads one metric object; `get()` may throw synchronously, which becomes a rejection here. */
export async function readMetric<T>(metric: CollectableMetric<T>): Promise<T> {
  return typeof metric.getForPromString === 'function' ? await metric.getForPromString() : await metric.get();
}

/** Both clients keep `setDefaultLabels()` in a private field with no public getter. */
export function defaultLabelsOf(registry: MetricsRegistry): Record<string, string | number> {
  const labels = (registry as unknown as { _defaultLabels?: Record<string, string | number> })._defaultLabels;
  return labels !== undefined && labels !== null && typeof labels === 'object' ? labels : {};
}

/** The name of every digest: its samples' names are this plus a suffix. */
export const DIGEST_NAME = 'prom_decorators_digest';

/** A t-digest centroid: the mean of some observations and how many they are. */
export interface DigestCentroid {
  mean: number;
  n: number;
}

/** One series of a digest, as the client's Summary holds it. */
export interface DigestSeries {
  labels: Record<string, string | number>;
  count: number;
  sum: number;
  /** One per percentile asked for; NaN when the window holds no observation (OpenMetrics). */
  quantiles: number[];
  /** The centroids of the current window, what another process merges (see mergeDigests). */
  centroids(): DigestCentroid[];
}

interface ClientDigestEntry {
  labels: Record<string, string | number>;
  count: number;
  sum: number;
  td: { size(): number; compress(): void; percentile(q: number): number | undefined; ringBuffer: { toArray(): DigestCentroid[] }[]; currentBuffer: number };
}

/**
 * Every series of a client Summary, read from its internals (@prometheus-io/client keeps them
 * in a LabelMap `store`, prom-client 15 in `hashMap`). Unlike the Summary's own `get()`, an
 * empty window gives NaN, not 0, and an observed 0 stays 0.
 */
export function readDigest(summary: ClientSummary, percentiles: readonly number[]): DigestSeries[] {
  const internals = summary as unknown as { store?: { values(): Iterable<{ value: ClientDigestEntry }> }; hashMap?: Record<string, ClientDigestEntry> };
  const entries = internals.store !== undefined ? [...internals.store.values()].map((entry) => entry.value) : Object.values(internals.hashMap ?? {});
  return entries.map((entry) => {
    const window = entry.td;
    const empty = window.size() === 0; // size() rotates the window first
    if (!empty) window.compress();
    return {
      labels: entry.labels,
      count: entry.count,
      sum: entry.sum,
      quantiles: percentiles.map((q) => (empty ? NaN : (window.percentile(q) ?? NaN))),
      centroids: () => {
        const current = window.ringBuffer[window.currentBuffer];
        // The client's ring starts as one digest object in every slot, so each observation was
        // pushed into it once per slot still holding it: divide the counts back.
        const copies = window.ringBuffer.filter((bucket) => bucket === current).length;
        return current.toArray().map(({ mean, n }) => ({ mean, n: n / copies }));
      },
    };
  });
}

interface TDigestConstructor {
  new (): { push_centroid(centroids: DigestCentroid[]): void; compress(): void; size(): number; percentile(q: number): number | undefined };
}

let tdigest: TDigestConstructor | undefined;

/**
 * The quantiles of the observations behind several digests' centroids (a cluster's workers),
 * with the t-digest the client itself uses: each lies between the smallest and the largest
 * observation. NaN when there is none.
 */
export function mergeDigests(centroidLists: readonly DigestCentroid[][], percentiles: readonly number[]): number[] {
  tdigest ??= (createRequire(requireFromLibrary.resolve(clientName))('tdigest') as { TDigest: TDigestConstructor }).TDigest;
  const merged = new tdigest();
  for (const centroids of centroidLists) merged.push_centroid(centroids);
  if (merged.size() === 0) return percentiles.map(() => NaN);
  merged.compress();
  return percentiles.map((q) => merged.percentile(q) ?? NaN);
}

/**
 * What the library takes from a client module: its global register and its own metric types,
 * for what plain numbers cannot do. A function of the module, so the contract spec can bind
 * each installed client in turn.
 */
export function bindClient(client: PrometheusClient) {
  return {
    /** The client's global `register`: the default of every `registry` option. */
    globalRegistry: client.register,

    createCounter<L extends string>(name: string, help: string, labelNames: readonly L[], registry: MetricsRegistry | undefined): ClientCounter<L> {
      return new client.Counter<L>({ name, help, labelNames, registers: registry === undefined ? [] : [registry] });
    },

    createGauge(name: string, help: string, registry: MetricsRegistry | undefined): ClientGauge {
      return new client.Gauge({ name, help, registers: registry === undefined ? [] : [registry] });
    },

    /** An unregistered client Summary: the digest behind our summaries' quantiles. */
    createDigest(options: { help: string; labelNames: readonly string[]; percentiles: readonly number[]; maxAgeSeconds?: number; ageBuckets?: number }): ClientSummary {
      return new client.Summary({
        name: DIGEST_NAME,
        help: options.help,
        labelNames: [...options.labelNames],
        percentiles: [...options.percentiles],
        maxAgeSeconds: options.maxAgeSeconds,
        ageBuckets: options.ageBuckets,
        registers: [],
      });
    },

    /** The client's Node.js and process metrics, in `registry`. */
    collectDefaultMetrics(registry: MetricsRegistry): void {
      client.collectDefaultMetrics({ register: registry });
    },

    /**
     * The client's cluster aggregation of one family's per-worker copies (each metric's
     * `aggregator`: sum, max, ...). Returns the aggregated metric objects to read.
     */
    aggregateAcrossWorkers<T>(copies: object[]): CollectableMetric<T>[] {
      // @prometheus-io/client 0.16 renamed AggregatorRegistry to ClusterRegistry.
      const aggregator = client.ClusterRegistry ?? client.AggregatorRegistry;
      if (aggregator === undefined) throw new Error('the Prometheus client has neither ClusterRegistry nor AggregatorRegistry');
      // aggregate() groups by name across its per-worker lists; one list of the copies is enough.
      return metricsOf<T>(aggregator.aggregate([copies]));
    },
  };
}

export const { globalRegistry, createCounter, createGauge, createDigest, collectDefaultMetrics, aggregateAcrossWorkers } = bindClient(
  requireFromLibrary(clientName) as PrometheusClient,
);
