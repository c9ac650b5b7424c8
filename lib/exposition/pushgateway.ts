import { createPushgateway, globalRegistry } from '../client/bridge.js';
import { EndpointOptionsError } from '../errors.js';
import type { RequestOptions } from 'node:https';
import type { MetricsRegistry } from '../client/registry.js';

export interface PushMetricsOptions {
  /** The Pushgateway's base URL, e.g. `http://pushgateway:9091`. */
  url: string;
  /** The `job` label of the pushed group. */
  job: string;
  /** More grouping labels, e.g. `{ instance: 'nightly-1' }`. Default none. */
  groupings?: Record<string, string>;
  /** The registry to push. Default: the Prometheus client's global `register`. */
  registry?: MetricsRegistry;
  /**
   * `'push'` (default, HTTP PUT) replaces every metric of the group; `'pushAdd'` (POST)
   * replaces only the metrics pushed; `'delete'` removes the group.
   */
  method?: 'push' | 'pushAdd' | 'delete';
  /** Give up after this many milliseconds. Default 10000. */
  timeoutMs?: number;
  /**
   * More node:http(s) request options, e.g. `{ headers: { Authorization: 'Bearer ...' } }` or
   * `{ ca }` for a gateway behind TLS. Default: none (and no keep-alive socket left open).
   */
  requestOptions?: RequestOptions;
}

/**
 * Pushes the registry to a Prometheus Pushgateway (for batch jobs and CLIs that end before
 * a scrape), on top of prom-client's `Pushgateway`. Rejects when the gateway answers an
 * error status or cannot be reached: a batch job decides itself whether that fails it.
 *
 * @example
 * class NightlyExport {
 *   @LastCalled({ on: 'success' }) @Counted()
 *   async run(): Promise<void> { ... }
 * }
 * await new NightlyExport().run();
 * await pushMetrics({ url: 'http://pushgateway:9091', job: 'nightly_export' });
 */
export async function pushMetrics(options: PushMetricsOptions): Promise<void> {
  validate(options);
  // agent: false: a fresh socket per push, closed afterwards, so a batch job can exit at once.
  const requestOptions = { timeout: options.timeoutMs ?? 10_000, agent: false, ...options.requestOptions };
  const gateway = createPushgateway(options.url, requestOptions, options.registry ?? globalRegistry);
  const parameters = { jobName: options.job, groupings: options.groupings };
  const method = options.method ?? 'push';
  if (method === 'push') await gateway.push(parameters);
  else if (method === 'pushAdd') await gateway.pushAdd(parameters);
  else await gateway.delete(parameters);
}

function validate(options: PushMetricsOptions): void {
  if (typeof options?.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new EndpointOptionsError('pushMetrics()', 'url', `url ${JSON.stringify(options?.url)} must be an http(s) URL`, "Pass { url: 'http://localhost:9091', job: 'my_job' }.");
  }
  if (typeof options.job !== 'string' || options.job === '') {
    throw new EndpointOptionsError('pushMetrics()', 'job', 'job must be a non-empty string', "Pass { url, job: 'my_job' }.");
  }
  const method = options.method ?? 'push';
  if (method !== 'push' && method !== 'pushAdd' && method !== 'delete') {
    throw new EndpointOptionsError('pushMetrics()', 'method', `method ${JSON.stringify(method)} is not 'push', 'pushAdd' or 'delete'`, "Pass method: 'push' (the default: replaces the group), 'pushAdd' (replaces only the metrics pushed) or 'delete'.");
  }
}
