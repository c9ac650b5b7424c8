import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { gzipSync } from 'node:zlib';
import type { MetricsRegistry } from '../client/registry.js';
import { EndpointOptionsError } from '../errors.js';
import { renderMetrics, type RenderedMetrics } from './render.js';

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

/** The HTTP method of each push method. */
const HTTP_METHODS = { push: 'PUT', pushAdd: 'POST', delete: 'DELETE' } as const;

/**
 * Pushes the registry to a Prometheus Pushgateway (for batch jobs and CLIs that end before
 * a scrape), rendered in the text format by the library's own renderer. Rejects when the
 * gateway answers an error status or cannot be reached: a batch job decides itself whether
 * that fails it.
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
  const method = HTTP_METHODS[options.method ?? 'push'];
  const gateway = new URL(options.url);
  const path = `${gateway.pathname.replace(/\/+$/, '')}/metrics${groupingPath(options.job, options.groupings ?? {})}`;
  // Rendered before the request opens: a collector that fails sends nothing.
  const exposition = method === 'DELETE' ? undefined : await renderMetrics({ registry: options.registry });
  await send(gateway, path, method, exposition, options);
}

/**
 * `/job/<job>/<label>/<value>...`, each value as the Pushgateway API reads it: URL-encoded,
 * or `<label>@base64/<base64url>` when a path segment cannot carry it (a `/`, or a `.` or `..`
 * segment that URLs resolve away), and `<label>@base64/=` when empty (as the Python client does).
 */
function groupingPath(job: string, groupings: Record<string, string>): string {
  let path = `/${groupingSegment('job', job)}`;
  for (const [label, value] of Object.entries(groupings)) path += `/${groupingSegment(label, String(value))}`;
  return path;
}

function groupingSegment(label: string, value: string): string {
  const name = encodeURIComponent(label);
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/') || value === '.' || value === '..') return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/**
 * One request to the gateway; resolves on a 2xx/3xx answer. The gateway's answer is read
 * in `readAnswer`, where a cap on its size belongs; the request's own timeout is an idle
 * timeout, and a deadline over the whole push would be set here, next to it.
 */
function send(gateway: URL, path: string, method: string, exposition: RenderedMetrics | undefined, options: PushMetricsOptions): Promise<void> {
  const transport = gateway.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    // agent: false: a fresh socket per push, closed afterwards, so a batch job can exit at once.
    const request = transport(gateway, { timeout: options.timeoutMs ?? 10_000, agent: false, ...options.requestOptions, method, path }, (response) => {
      readAnswer(response).then((answer) => {
        const status = response.statusCode ?? 0;
        if (status >= 400) reject(new Error(`push failed with status ${status}, ${answer}`));
        else resolve();
      }, reject);
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('Pushgateway request timed out')));
    if (exposition === undefined) {
      request.removeHeader('Content-Encoding');
      request.end();
      return;
    }
    // The caller's headers win: a Content-Encoding of gzip compresses the body, as prom-client's Pushgateway does.
    if (!request.hasHeader('Content-Type')) request.setHeader('Content-Type', exposition.contentType);
    const body = request.getHeader('Content-Encoding') === 'gzip' ? gzipSync(exposition.body) : Buffer.from(exposition.body, 'utf8');
    request.setHeader('Content-Length', body.length);
    request.end(body);
  });
}

/** The gateway's answer as text, for the error message. */
function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      answer += chunk;
    });
    response.on('end', () => resolve(answer));
    response.on('error', reject);
  });
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
