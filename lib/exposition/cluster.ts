import cluster, { type Worker } from 'node:cluster';
import { aggregateAcrossWorkers, globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { store } from '../store.js';
import { warnOnce } from '../log.js';
import { collectRegistry, type CollectedMetric, type CollectedSample, type CollectFailure, type MetricsSource } from './collect.js';
import type { SelfMetrics } from './self-metrics.js';

/**
 * node:cluster support, the multiprocess mode of Python's client. Each worker answers the
 * primary's request with its collected families; the primary sums them with the client's
 * cluster aggregation (`ClusterRegistry.aggregate`, prom-client's `AggregatorRegistry`; each
 * metric's `aggregator`: counters and histograms and method_in_progress summed, last-called
 * timestamps by max). Unlike the client's `clusterMetrics()`, a worker that is dead or slow does not fail the scrape: it is left
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

interface MetricsResponseMessage {
  type: typeof RESPONSE;
  requestId: number;
  metrics: CollectedMetric[];
  failures: { name: string; message: string }[];
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
    const names = message.names === undefined ? undefined : new Set(message.names);
    void collectRegistry(registry, names).then((collection) => {
      const reply: MetricsResponseMessage = {
        type: RESPONSE,
        requestId: message.requestId,
        metrics: collection.metrics.map((metric) => encodeForIpc(withDefaultLabels(metric, collection.defaultLabels))),
        failures: collection.failures.map((failure) => ({ name: failure.name, message: String((failure.error as Error)?.message ?? failure.error) })),
      };
      process.send?.(reply, undefined, undefined, (error: Error | null) => {
        if (error) warnOnce('cluster-worker-reply', 'a cluster worker could not send its metrics to the primary', error);
      });
    });
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

type FailureReason = 'timeout' | 'error' | 'disconnected';

interface WorkerAnswer {
  metrics?: CollectedMetric[];
  failures?: CollectFailure[];
  failed?: FailureReason;
}

// Shared by every copy of the library, so the primary listens for its workers' answers once.
const requests = store.cluster as { nextRequestId: number; pending: Map<number, (message: MetricsResponseMessage) => void>; listening: boolean };
const pending = requests.pending;

/** The primary's source: its own registry plus every connected worker's, aggregated. `where` names the endpoint in errors. */
export function clusterSource(registry: MetricsRegistry, options: ClusterAggregationOptions, self: SelfMetrics, where: string): MetricsSource {
  const workerTimeoutMs = (options.workerTimeoutSeconds ?? 3) * 1000;
  if (!(workerTimeoutMs > 0)) {
    throw new EndpointOptionsError(
      where,
      'cluster.workerTimeoutSeconds',
      `cluster.workerTimeoutSeconds ${options.workerTimeoutSeconds} must be above 0`,
      'Pass { cluster: { workerTimeoutSeconds: 3 } }.',
    );
  }
  return {
    async collect(names) {
      listenForAnswers();
      const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
      const [local, ...answers] = await Promise.all([
        collectRegistry(registry, names),
        ...workers.map((worker) => askWorker(worker, names, workerTimeoutMs)),
      ]);
      const sources: CollectedMetric[][] = [local.metrics.map((metric) => withDefaultLabels(metric, local.defaultLabels))];
      const failures = [...local.failures];
      for (const answer of answers) {
        if (answer.failed !== undefined) self.workerFailures.inc({ reason: answer.failed });
        if (answer.metrics !== undefined) sources.push(answer.metrics);
        if (answer.failures !== undefined) failures.push(...answer.failures);
      }
      return { metrics: aggregate(sources, failures), failures, defaultLabels: {} };
    },
  };
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
    pending.set(requestId, (message) =>
      finish({
        metrics: message.metrics.map(decodeFromIpc),
        failures: message.failures.map((failure) => ({ name: failure.name, error: new Error(`in worker ${worker.id}: ${failure.message}`) })),
      }),
    );
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

/** The client's aggregation; a family it cannot aggregate is reported as a failure, not thrown. */
function aggregate(sources: CollectedMetric[][], failures: CollectFailure[]): CollectedMetric[] {
  const byName = new Map<string, CollectedMetric[]>();
  for (const metrics of sources) {
    for (const metric of metrics) {
      const list = byName.get(metric.name) ?? [];
      list.push({ ...metric, aggregator: metric.aggregator ?? 'sum', values: metric.values ?? [] });
      byName.set(metric.name, list);
    }
  }
  const result: CollectedMetric[] = [];
  for (const [name, family] of byName) {
    try {
      for (const metric of aggregateAcrossWorkers<CollectedMetric>(family)) result.push(metric.get() as CollectedMetric);
    } catch (error) {
      failures.push({ name, error });
    }
  }
  return result;
}

/** Plain per-sample labels (default and shared labels folded in), what aggregation groups by. */
function withDefaultLabels(metric: CollectedMetric, defaultLabels: Record<string, string | number>): CollectedMetric {
  return {
    ...metric,
    values: (metric.values ?? []).map(({ sharedLabels, ...sample }) => ({
      ...sample,
      labels: { ...sample.labels, ...defaultLabels, ...sample.labels, ...sharedLabels },
    })),
  };
}

/** IPC messages are JSON: NaN and the infinities would arrive as null. */
function encodeForIpc(metric: CollectedMetric): CollectedMetric {
  return { ...metric, values: (metric.values ?? []).map(({ exemplar: _exemplar, ...sample }) => ({ ...sample, value: encodeNumber(sample.value) as number })) };
}

function decodeFromIpc(metric: CollectedMetric): CollectedMetric {
  return { ...metric, values: (metric.values ?? []).map((sample: CollectedSample) => ({ ...sample, value: decodeNumber(sample.value as number | string) })) };
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
