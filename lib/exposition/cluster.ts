import cluster, { type Worker } from 'node:cluster';
import { aggregateAcrossWorkers, createGauge, globalRegistry, isRegistry, mergeDigests, metricIn } from '../client/bridge.js';
import type { ClientGauge, MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { store } from '../store.js';
import { warnOnce } from '../log.js';
import { mergeSnapshots, type NativeHistogramSnapshot } from '../metrics/native-histogram.js';
import { MetricConflictError, registerClientMetric } from '../metrics/registration.js';
import { SUMMARY_DIGESTS, type SummaryDigests } from '../metrics/summary-family.js';
import { collectRegistry, matchesName, type CollectedMetric, type CollectedSample, type CollectFailure, type MetricsSource } from './collect.js';
import type { SelfMetrics } from './self-metrics.js';
import { LONGEST_TIMEOUT_SECONDS } from './timers.js';
import { describeValue, rejectUnknownOptions } from '../options-check.js';

/**
 * node:cluster support, the multiprocess mode of Python's client. Each worker answers the
 * primary's request with its collected families; the primary sums them with the client's
 * cluster aggregation (`ClusterRegistry.aggregate`, prom-client's `AggregatorRegistry`; each
 * metric's `aggregator`: counters and histograms and method_in_progress summed, last-called
 * timestamps by max). Three kinds mean something else across processes, and are ours:
 * - summaries: `_sum` and `_count` are summed; the quantiles of our own summary families are
 *   those of every worker's observations, merged from the digests each worker sends; a summary
 *   the primary cannot merge (a plain client Summary) keeps one quantile series per process
 *   (`worker` label), since a sum or mean of quantiles is no quantile of anything;
 * - Enum (stateset): one stateset per worker, `worker` label, each exactly as the worker has it;
 * - Info: the workers' label sets, each once.
 * For Enum and Info the primary's own copy is served only when no worker reports the family: a
 * module imported in both would otherwise show the primary's untouched initial state.
 * Unlike the client's `clusterMetrics()`, a worker that is dead or slow does not fail the scrape: it is left
 * out and counted in `prom_decorators_cluster_worker_failures_total{reason}`.
 *
 * The messages are our own (not the client's), so the client's own cluster registry in the
 * same primary never sees a reply it did not ask for.
 */

const REQUEST = 'prom-decorators:cluster-metrics-request';
const RESPONSE = 'prom-decorators:cluster-metrics-response';

export interface ClusterAggregationOptions {
  /** How long the primary waits for each worker before leaving it out. Default 3. */
  workerTimeoutSeconds?: number;
}

export interface ClusterWorkerOptions {
  /** The registry this worker reports. Default: the Prometheus client's global `register`. */
  registry?: MetricsRegistry;
}

interface MetricsRequestMessage {
  type: typeof REQUEST;
  requestId: number;
  names?: string[];
}

/** A family as a worker sends it: our summary families add their digests. */
interface WorkerMetric extends CollectedMetric {
  digests?: SummaryDigests;
}

interface MetricsResponseMessage {
  type: typeof RESPONSE;
  requestId: number;
  metrics: WorkerMetric[];
  failures: { name: string; message: string }[];
  /** Families the worker collected but could not send (IPC is JSON). */
  unsent?: { name: string; message: string }[];
  /** The worker could not answer at all: why. */
  error?: string;
}

/**
 * Call once in each worker: it answers the primary's scrape requests with this worker's
 * registry. Returns a function that stops answering.
 *
 * @example
 * if (cluster.isWorker) clusterWorkerMetrics();           // workers
 * else await exposeMetrics(9100, { cluster: true });     // primary: the sum over workers
 */
export function clusterWorkerMetrics(options: ClusterWorkerOptions = {}): () => void {
  const where = 'clusterWorkerMetrics()';
  rejectUnknownOptions(where, options, ['registry'], (option, problem, fix) => new EndpointOptionsError(where, option, problem, fix));
  if (options.registry !== undefined && !isRegistry(options.registry)) {
    throw new EndpointOptionsError(where, 'registry', `registry must be a Registry of the Prometheus client, got ${describeValue(options.registry)}`, 'Pass { registry: new Registry() }, or leave it out for the global register.');
  }
  const registry = options.registry ?? globalRegistry;
  if (!cluster.isWorker || typeof process.send !== 'function') {
    throw new EndpointOptionsError(
      'clusterWorkerMetrics()',
      undefined,
      'this process is not a node:cluster worker',
      'Call it in workers only (if (cluster.isWorker) clusterWorkerMetrics()); the primary serves with exposeMetrics(port, { cluster: true }).',
    );
  }
  const onMessage = (message: unknown): void => {
    if (!isMessage<MetricsRequestMessage>(message, REQUEST)) return;
    const { requestId } = message;
    const names = Array.isArray(message.names) ? new Set(message.names) : undefined;
    // Nothing in the registry may crash the app through its scrape: every step below is guarded.
    void collectRegistry(registry, names)
      .then((collection): MetricsResponseMessage => ({
        type: RESPONSE,
        requestId,
        metrics: withDigests(registry, collection.metrics).map((metric) => encodeForIpc(withDefaultLabels(metric, collection.defaultLabels))),
        failures: collection.failures.map((failure) => ({ name: failure.name, message: describeError(failure.error) })),
      }))
      .catch((error: unknown): MetricsResponseMessage => ({ type: RESPONSE, requestId, metrics: [], failures: [], error: describeError(error) }))
      .then(sendReply);
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

/**
 * Sends a worker's answer. IPC is JSON: a family it cannot carry (a BigInt label value, a cycle)
 * makes send() throw, and is then left out and named in `unsent`, the others sent.
 */
function sendReply(reply: MetricsResponseMessage): void {
  if (trySend(reply)) return;
  const metrics: WorkerMetric[] = [];
  const unsent: { name: string; message: string }[] = [];
  for (const metric of reply.metrics) {
    try {
      JSON.stringify(metric);
      metrics.push(metric);
    } catch (error) {
      unsent.push({ name: String(metric.name), message: describeError(error) });
    }
  }
  const failures = reply.failures.filter((failure) => typeof failure.name === 'string');
  if (trySend({ ...reply, metrics, failures, unsent })) return;
  trySend({ type: RESPONSE, requestId: reply.requestId, metrics: [], failures: [], error: 'the worker could not send its metrics' });
}

function trySend(reply: MetricsResponseMessage): boolean {
  try {
    process.send?.(reply, undefined, undefined, (error: Error | null) => {
      if (error) warnOnce('cluster-worker-reply', 'a cluster worker could not send its metrics to the primary', error);
    });
    return true;
  } catch {
    return false;
  }
}

/** A thrown value's message, whatever was thrown (a null-prototype object, a throwing `message` getter). */
function describeError(error: unknown): string {
  try {
    return String((error as Error | undefined)?.message ?? error);
  } catch {
    try {
      return `a thrown ${Object.prototype.toString.call(error)} that cannot be described`;
    } catch {
      return 'a thrown value that cannot be described';
    }
  }
}

type FailureReason = 'timeout' | 'error' | 'disconnected';

interface WorkerAnswer {
  metrics?: WorkerMetric[];
  failures?: CollectFailure[];
  failed?: FailureReason;
  /** The worker answered, but left families out (could not send them) or could not collect at all. */
  incomplete?: string;
}

// Shared by every copy of the library, so the primary listens for its workers' answers once.
const requests = store.cluster as { nextRequestId: number; pending: Map<number, (message: MetricsResponseMessage) => void>; listening: boolean };
const pending = requests.pending;


/**
 * What the primary remembers of its workers, so a missing answer never makes a sum fall (which
 * Prometheus reads as a counter reset): each live worker's last answer, by family, and the
 * cumulative totals (counters, histograms, summaries' _sum and _count) of the workers gone,
 * folded into one set. Shared by the sources that serve one registry.
 */
interface ClusterMemory {
  lastKnown: Map<number, Map<string, WorkerMetric>>;
  retired: Map<string, WorkerMetric>;
  staleWorkers: { gauge: ClientGauge; value: number } | undefined;
}

const memories = new WeakMap<MetricsRegistry, ClusterMemory>();

function memoryFor(registry: MetricsRegistry, self: SelfMetrics): ClusterMemory {
  const existing = memories.get(registry);
  if (existing !== undefined) return existing;
  const created: ClusterMemory = { lastKnown: new Map(), retired: new Map(), staleWorkers: staleWorkersGauge(registry, self) };
  memories.set(registry, created);
  return created;
}

/** `prom_decorators_cluster_stale_workers`, next to the other self-metrics when the registry has them (not with `selfMetrics: false`). */
function staleWorkersGauge(registry: MetricsRegistry, self: SelfMetrics): ClusterMemory['staleWorkers'] {
  if (metricIn(registry, 'prom_decorators_cluster_worker_failures_total') !== self.workerFailures) return undefined;
  const name = 'prom_decorators_cluster_stale_workers';
  const help = 'Live cluster workers the latest scrape served from their last answer, because their answer was late or failed.';
  try {
    return { gauge: registerClientMetric(registry, createGauge(name, help, undefined), 'the prom-decorators metrics endpoint'), value: 0 };
  } catch (error) {
    if (!(error instanceof MetricConflictError)) throw error;
    warnOnce(`self-metric:${name}`, `the registry already holds a different metric named "${name}"; the endpoint's own metric is not exposed`);
    return undefined;
  }
}

/** The primary's source: its own registry plus every connected worker's, aggregated. `where` names the endpoint in errors. */
export function clusterSource(registry: MetricsRegistry, options: ClusterAggregationOptions, self: SelfMetrics, where: string): MetricsSource {
  rejectUnknownOptions(where, options, ['workerTimeoutSeconds'], (option, problem, fix) => new EndpointOptionsError(where, `cluster.${option}`, problem, fix));
  if (options.workerTimeoutSeconds !== undefined && typeof options.workerTimeoutSeconds !== 'number') {
    throw new EndpointOptionsError(where, 'cluster.workerTimeoutSeconds', `cluster.workerTimeoutSeconds must be a number of seconds, got ${describeValue(options.workerTimeoutSeconds)}`, 'Pass { cluster: { workerTimeoutSeconds: 3 } } (the default).');
  }
  const seconds = options.workerTimeoutSeconds ?? 3;
  if (!(seconds > 0)) {
    throw new EndpointOptionsError(
      where,
      'cluster.workerTimeoutSeconds',
      `cluster.workerTimeoutSeconds ${options.workerTimeoutSeconds} must be above 0`,
      'Pass { cluster: { workerTimeoutSeconds: 3 } }.',
    );
  }
  if (!(seconds <= LONGEST_TIMEOUT_SECONDS)) {
    throw new EndpointOptionsError(
      where,
      'cluster.workerTimeoutSeconds',
      `cluster.workerTimeoutSeconds ${options.workerTimeoutSeconds} must be at most ${LONGEST_TIMEOUT_SECONDS} (about 24.8 days, the longest timer Node keeps)`,
      'Pass { cluster: { workerTimeoutSeconds: 3 } }.',
    );
  }
  const workerTimeoutMs = seconds * 1000;
  const memory = memoryFor(registry, self);
  return {
    async collect(names) {
      listenForAnswers();
      const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
      const [local, ...answers] = await Promise.all([
        collectRegistry(registry, names),
        ...workers.map((worker) => askWorker(worker, names, workerTimeoutMs)),
      ]);
      const sources: Source[] = [{ worker: PRIMARY, metrics: withDigests(registry, local.metrics).map((metric) => withDefaultLabels(metric, local.defaultLabels)) }];
      const failures = [...local.failures];
      const alive = new Set<number>();
      let stale = 0;
      answers.forEach((answer, index) => {
        const { id } = workers[index];
        if (answer.failed !== undefined) self.workerFailures.inc({ reason: answer.failed });
        if (answer.incomplete !== undefined) {
          self.workerFailures.inc({ reason: 'error' });
          warnOnce('cluster-worker-incomplete', `cluster worker ${id} left metrics out of its answer: ${answer.incomplete}`);
        }
        if (answer.failed === 'disconnected') return; // gone: retired below
        alive.add(id);
        const remembered = memory.lastKnown.get(id) ?? new Map<string, WorkerMetric>();
        memory.lastKnown.set(id, remembered);
        if (answer.metrics !== undefined) {
          if (names === undefined) remembered.clear();
          for (const metric of answer.metrics) remembered.set(metric.name, metric);
          sources.push({ worker: String(id), metrics: answer.metrics });
        } else {
          stale += 1;
          sources.push({ worker: String(id), metrics: selected(remembered.values(), names) });
        }
        if (answer.failures !== undefined) failures.push(...answer.failures);
      });
      for (const [id, remembered] of memory.lastKnown) {
        if (alive.has(id)) continue;
        retire(memory.retired, remembered.values());
        memory.lastKnown.delete(id);
      }
      const retired = selected(memory.retired.values(), names);
      if (retired.length > 0) sources.push({ worker: RETIRED, metrics: retired });
      if (memory.staleWorkers !== undefined) {
        memory.staleWorkers.gauge.inc(stale - memory.staleWorkers.value);
        memory.staleWorkers.value = stale;
      }
      return { metrics: aggregate(sources, failures), failures, defaultLabels: {} };
    },
  };
}

function selected(metrics: Iterable<WorkerMetric>, names: ReadonlySet<string> | undefined): WorkerMetric[] {
  return [...metrics].filter((metric) => names === undefined || matchesName(metric.name, names));
}

/** Folds a gone worker's cumulative totals into the retired ones; its gauges, states and quantiles go with it. */
function retire(retired: Map<string, WorkerMetric>, metrics: Iterable<WorkerMetric>): void {
  for (const metric of metrics) {
    if (metric.type !== 'counter' && metric.type !== 'histogram' && metric.type !== 'summary') continue;
    const totals: WorkerMetric = {
      name: metric.name,
      help: metric.help,
      type: metric.type,
      aggregator: 'sum',
      values: (metric.values ?? []).filter((sample) => metric.type !== 'summary' || sample.metricName !== undefined),
      nativeHistograms: metric.nativeHistograms,
    };
    const before = retired.get(metric.name);
    try {
      retired.set(metric.name, before === undefined ? totals : { ...withClientAggregation([before, totals])[0], nativeHistograms: mergedNative([before, totals]) });
    } catch {
      // a family whose type changed between workers: the earlier totals stay
    }
  }
}

function askWorker(worker: Worker, names: ReadonlySet<string> | undefined, timeoutMs: number): Promise<WorkerAnswer> {
  if (!worker.isConnected() || worker.isDead()) return Promise.resolve({ failed: 'disconnected' });
  const requestId = requests.nextRequestId++;
  return new Promise<WorkerAnswer>((resolve) => {
    const finish = (answer: WorkerAnswer): void => {
      pending.delete(requestId);
      clearTimeout(timer);
      worker.off('disconnect', onGone);
      worker.off('exit', onGone);
      resolve(answer);
    };
    const onGone = (): void => finish({ failed: 'disconnected' });
    const timer = setTimeout(() => finish({ failed: 'timeout' }), timeoutMs);
    worker.once('disconnect', onGone);
    worker.once('exit', onGone);
    pending.set(requestId, (message) => {
      const unsent = (message.unsent ?? []).map((family) => `"${family.name}" (${family.message})`);
      const incomplete = message.error ?? (unsent.length > 0 ? `could not send ${unsent.join(', ')}` : undefined);
      finish({
        metrics: message.error === undefined ? message.metrics.map(decodeFromIpc) : undefined,
        failures: message.failures.map((failure) => ({ name: failure.name, error: new Error(`in worker ${worker.id}: ${failure.message}`) })),
        incomplete,
      });
    });
    const request: MetricsRequestMessage = { type: REQUEST, requestId, names: names === undefined ? undefined : [...names] };
    try {
      worker.send(request, undefined, (error: Error | null) => {
        if (error) finish({ failed: 'error' });
      });
    } catch {
      finish({ failed: 'error' });
    }
  });
}

function listenForAnswers(): void {
  if (requests.listening) return;
  requests.listening = true;
  cluster.on('message', (_worker: Worker, message: unknown) => {
    if (isMessage<MetricsResponseMessage>(message, RESPONSE)) pending.get(message.requestId)?.(message);
  });
}

/** One process's families: a worker's (its cluster id) or the primary's own. */
interface Source {
  worker: string;
  metrics: WorkerMetric[];
}

/** The `worker` label value of the primary's own series. */
const PRIMARY = 'primary';

/** The source of the gone workers' totals, which carry no per-worker series. */
const RETIRED = 'retired';

/** The label that tells processes apart where their series are not combined. */
const WORKER_LABEL = 'worker';

interface Copy {
  worker: string;
  metric: WorkerMetric;
}

/** Aggregates each family over its copies; a family that cannot be aggregated is reported as a failure, not thrown. */
function aggregate(sources: Source[], failures: CollectFailure[]): CollectedMetric[] {
  const byName = new Map<string, Copy[]>();
  for (const { worker, metrics } of sources) {
    for (const metric of metrics) {
      const copies = byName.get(metric.name) ?? [];
      copies.push({ worker, metric: { ...metric, aggregator: metric.aggregator ?? 'sum', values: metric.values ?? [] } });
      byName.set(metric.name, copies);
    }
  }
  const result: CollectedMetric[] = [];
  for (const [name, copies] of byName) {
    try {
      result.push(...aggregateFamily(copies));
    } catch (error) {
      failures.push({ name, error });
    }
  }
  return result;
}

function aggregateFamily(copies: Copy[]): CollectedMetric[] {
  const [{ metric: first }] = copies;
  if (first.openMetricsType === 'stateset' || first.openMetricsType === 'info') {
    const reported = copies.filter((copy) => copy.worker !== PRIMARY);
    const served = reported.length > 0 ? reported : copies;
    const values = first.openMetricsType === 'stateset' ? perWorkerStates(served) : distinctLabelSets(served);
    return [{ name: first.name, help: first.help, type: first.type, openMetricsType: first.openMetricsType, aggregator: first.aggregator, values }];
  }
  const metrics = copies.map((copy) => copy.metric);
  const aggregated = first.type === 'summary' ? [aggregateSummary(copies)] : withClientAggregation(metrics);
  if (first.type !== 'counter' && first.type !== 'histogram' && first.type !== 'summary') return aggregated;
  const nativeHistograms = mergedNative(metrics);
  return aggregated.map((metric) => ({ ...metric, values: withCreatedAndExemplars(metric.values ?? [], metrics), ...(nativeHistograms && { nativeHistograms }) }));
}

/**
 * Each series' native histogram summed over the processes (see mergeSnapshots): reduced to the
 * lowest schema among them, then added bucket by bucket. Undefined when no copy has any.
 */
function mergedNative(metrics: readonly CollectedMetric[]): NativeHistogramSnapshot[] | undefined {
  if (!metrics.some((metric) => metric.nativeHistograms !== undefined)) return undefined;
  const byLabels = new Map<string, NativeHistogramSnapshot[]>();
  for (const metric of metrics) {
    for (const snapshot of metric.nativeHistograms ?? []) {
      const key = labelKey(snapshot.labels);
      byLabels.set(key, [...(byLabels.get(key) ?? []), snapshot]);
    }
  }
  return [...byLabels.values()].map(mergeSnapshots);
}

type Exemplar = NonNullable<CollectedSample['exemplar']>;

/**
 * The client's aggregation keeps values and labels only: each aggregated sample that ends a
 * series gets back the earliest created timestamp any process reported for it (since when
 * the sum has been counting), and each counter or bucket sample the newest exemplar any
 * process had for it (the latest trace is the one worth following).
 */
function withCreatedAndExemplars(values: CollectedSample[], metrics: readonly CollectedMetric[]): CollectedSample[] {
  const earliest = new Map<string, number>();
  const newest = new Map<string, Exemplar>();
  const keyOf = (sample: CollectedSample) => `${sample.metricName ?? ''}\u0000${labelKey(sample.labels ?? {})}`;
  for (const metric of metrics) {
    for (const sample of metric.values ?? []) {
      if (typeof sample.createdMs === 'number') earliest.set(keyOf(sample), Math.min(earliest.get(keyOf(sample)) ?? Infinity, sample.createdMs));
      const exemplar = sample.exemplar;
      if (exemplar == null || typeof exemplar !== 'object') continue;
      const had = newest.get(keyOf(sample));
      if (had === undefined || (exemplar.timestamp ?? -Infinity) > (had.timestamp ?? -Infinity)) newest.set(keyOf(sample), exemplar);
    }
  }
  if (earliest.size === 0 && newest.size === 0) return values;
  return values.map((sample) => {
    const key = keyOf(sample);
    const createdMs = earliest.get(key);
    const exemplar = newest.get(key);
    if (createdMs === undefined && exemplar === undefined) return sample;
    return { ...sample, ...(createdMs !== undefined && { createdMs }), ...(exemplar !== undefined && { exemplar }) };
  });
}

/** The client's cluster aggregation (each metric's `aggregator`). */
function withClientAggregation(copies: CollectedMetric[]): CollectedMetric[] {
  return aggregateAcrossWorkers<CollectedMetric>(copies).map((metric) => metric.get() as CollectedMetric);
}

/** Each process's stateset, told apart by `worker`: every series stays 0 or 1, as a stateset must. */
function perWorkerStates(copies: Copy[]): CollectedSample[] {
  if (copies.length === 1 && copies[0].worker === PRIMARY) return copies[0].metric.values ?? [];
  return copies.flatMap(({ worker, metric }) => (metric.values ?? []).map((sample) => ({ ...sample, labels: { ...sample.labels, [WORKER_LABEL]: worker } })));
}

/** Every label set some process reports, once, at 1. */
function distinctLabelSets(copies: Copy[]): CollectedSample[] {
  const seen = new Map<string, CollectedSample>();
  for (const { metric } of copies) {
    for (const sample of metric.values ?? []) {
      const key = labelKey(sample.labels ?? {});
      if (!seen.has(key)) seen.set(key, { labels: sample.labels, value: 1 });
    }
  }
  return [...seen.values()];
}

/**
 * `_sum` and `_count` summed; the quantiles merged from the digests when every copy has them
 * (our summary families), else one quantile series per process with a `worker` label.
 */
function aggregateSummary(copies: Copy[]): CollectedMetric {
  const [{ metric: first }] = copies;
  const totals = withClientAggregation(copies.map(({ metric }) => ({ ...metric, values: (metric.values ?? []).filter((sample) => sample.metricName !== undefined) })))[0];
  const sums = new Map<string, CollectedSample>();
  const counts = new Map<string, CollectedSample>();
  for (const sample of totals?.values ?? []) (sample.metricName?.endsWith('_count') ? counts : sums).set(labelKey(sample.labels ?? {}), sample);
  const values: CollectedSample[] = [];
  // The gone workers' totals carry no digest: the quantiles are those of the live processes.
  const live = copies.filter(({ worker }) => worker !== RETIRED);
  const mergeable = live.length > 0 && live.every(({ metric }) => metric.digests !== undefined);
  if (mergeable) {
    const percentiles = live[0].metric.digests?.percentiles ?? [];
    const centroidsByLabels = new Map<string, SummaryDigests['series'][number]['centroids'][]>();
    for (const { metric } of copies) {
      for (const series of metric.digests?.series ?? []) {
        const key = labelKey(series.labels);
        centroidsByLabels.set(key, [...(centroidsByLabels.get(key) ?? []), series.centroids]);
      }
    }
    for (const [key, count] of counts) {
      const labels = count.labels ?? {};
      const quantiles = mergeDigests(centroidsByLabels.get(key) ?? [], percentiles);
      percentiles.forEach((quantile, index) => values.push({ labels: { quantile, ...labels }, value: quantiles[index] }));
      values.push(sums.get(key) ?? { labels, value: 0, metricName: `${first.name}_sum` }, count);
    }
  } else {
    for (const { worker, metric } of copies) {
      for (const sample of metric.values ?? []) {
        if (sample.metricName === undefined) values.push({ labels: { ...sample.labels, [WORKER_LABEL]: worker }, value: sample.value });
      }
    }
    for (const [key, count] of counts) values.push(sums.get(key) ?? { labels: count.labels, value: 0, metricName: `${first.name}_sum` }, count);
  }
  return { name: first.name, help: first.help, type: first.type, aggregator: first.aggregator, values };
}

/** One string per label set, whatever the order of its labels. */
function labelKey(labels: Record<string, string | number | undefined>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

/** Our summary families' digests next to their collected samples, for the primary to merge. */
function withDigests(registry: MetricsRegistry, metrics: CollectedMetric[]): WorkerMetric[] {
  return metrics.map((metric) => {
    if (metric.type !== 'summary') return metric;
    const family = metricIn(registry, metric.name) as { [SUMMARY_DIGESTS]?: () => SummaryDigests } | undefined;
    const digests = family?.[SUMMARY_DIGESTS]?.();
    return digests === undefined ? metric : { ...metric, digests };
  });
}

/** Plain per-sample labels (default and shared labels folded in), what aggregation groups by. */
function withDefaultLabels(metric: CollectedMetric, defaultLabels: Record<string, string | number>): CollectedMetric {
  const withDefaults = (labels: Record<string, string | number | undefined> | undefined, shared?: Record<string, string | number | undefined>) => ({ ...labels, ...defaultLabels, ...labels, ...shared });
  return {
    ...metric,
    values: (metric.values ?? []).map(({ sharedLabels, ...sample }) => ({ ...sample, labels: withDefaults(sample.labels, sharedLabels) })),
    ...(metric.nativeHistograms && {
      nativeHistograms: metric.nativeHistograms.map((snapshot) => ({ ...snapshot, labels: withDefaults(snapshot.labels) as Record<string, string | number> })),
    }),
  };
}

/** IPC messages are JSON: NaN and the infinities would arrive as null. */
function encodeForIpc(metric: CollectedMetric): CollectedMetric {
  return {
    ...metric,
    // Exemplars go too (their labels, a finite value and a timestamp are plain JSON): the primary keeps the newest.
    values: (metric.values ?? []).map((sample) => ({ ...sample, value: encodeNumber(sample.value) as number })),
    ...(metric.nativeHistograms && { nativeHistograms: metric.nativeHistograms.map((snapshot) => ({ ...snapshot, sum: encodeNumber(snapshot.sum) as number })) }),
  };
}

function decodeFromIpc(metric: CollectedMetric): CollectedMetric {
  return {
    ...metric,
    values: (metric.values ?? []).map((sample: CollectedSample) => ({ ...sample, value: decodeNumber(sample.value as number | string) })),
    ...(Array.isArray(metric.nativeHistograms) && {
      nativeHistograms: metric.nativeHistograms.map((snapshot) => ({ ...snapshot, sum: decodeNumber(snapshot.sum as number | string) })),
    }),
  };
}

function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decodeNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function isMessage<M extends { type: string }>(message: unknown, type: M['type']): message is M {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
