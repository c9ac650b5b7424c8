import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { gzipSync } from 'node:zlib';
import type { MetricsRegistry } from '../client/registry.js';
import { isRegistry } from '../client/bridge.js';
import { EndpointOptionsError } from '../errors.js';
import { checkOptionType, describeValue, rejectUnknownOptions, type OptionErrorFactory } from '../options-check.js';
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
  /**
   * Give up after this many milliseconds, counted over the whole push (connect, send, read the
   * answer). Default 10000; at most 2147483647.
   */
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
 * a scrape), rendered in the text format by the library's own renderer. Rejects (never throws)
 * when the options are bad, the gateway cannot be reached, answers anything but a 2xx (a 3xx
 * included: redirects are not followed) or is not done within `timeoutMs`: a batch job decides
 * itself whether that fails it. Messages never repeat a password from the URL.
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
  const gateway = validate(options);
  const method = HTTP_METHODS[options.method ?? 'push'];
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

/** The most of the gateway's answer read (and quoted in an error); past it the socket is closed. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** setTimeout's largest delay; a longer one would fire after 1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * One request to the gateway; resolves on a 2xx answer. `timeoutMs` is a deadline over the whole
 * push (connect, send, read), so a gateway trickling bytes cannot keep it pending; past it, or once
 * settled, the socket is destroyed. Every failure is a rejection, none a throw from a callback.
 */
function send(gateway: URL, path: string, method: string, exposition: RenderedMetrics | undefined, options: PushMetricsOptions): Promise<void> {
  const transport = gateway.protocol === 'https:' ? httpsRequest : httpRequest;
  const where = `pushMetrics(): ${method} ${redactedUrl(gateway, path)}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    // agent: false: a fresh socket per push, closed afterwards, so a batch job can exit at once.
    const request = transport(gateway, { agent: false, ...options.requestOptions, method, path }, (response) => {
      readAnswer(response).then((answer) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return settle();
        const { location } = response.headers;
        // Not followed: the push would go, credentials and all, wherever the answer says.
        const redirect = status < 300 || status >= 400 ? '' : ` (${location === undefined ? '' : `Location: ${redactCredentials(location)}; `}redirects are not followed: pass the gateway's own URL)`;
        settle(new Error(`${where} failed with status ${status}${redirect}${answer === '' ? '' : `, ${answer}`}`));
      }, (error: Error) => settle(new Error(`${where} failed: the gateway answered ${response.statusCode} and closed the connection before the end of its answer (${error.message})`, { cause: error })));
    });
    const deadline = setTimeout(() => settle(new Error(`${where} timed out: not done within timeoutMs (${timeoutMs} ms)`)), timeoutMs);
    function settle(error?: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      if (error === undefined) resolve();
      else reject(error);
    }
    request.on('error', settle);
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

/**
 * The gateway's answer as text, for the error message: at most MAX_ANSWER_BYTES of it, so an
 * endless answer is never buffered whole; past that the response is destroyed.
 */
function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < MAX_ANSWER_BYTES) return;
      response.destroy();
      resolve(`${Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8')}… (answer cut at ${MAX_ANSWER_BYTES} bytes)`);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    // After 'end' or the cap, a no-op; before them (the deadline destroyed it, or the gateway hung up), a failure.
    response.on('close', () => reject(new Error('closed')));
  });
}

/** The gateway's address for messages: without the user name and password the URL may carry. */
function redactedUrl(gateway: URL, path: string): string {
  return `${gateway.protocol}//${gateway.host}${path}`;
}

/**
 * `text` with the password of a URL's userinfo replaced by `***` (all of it when there is no
 * password: a lone user name may be a token). Works on text that is not a valid URL, too: it
 * hides everything between the scheme's `//` (or the start) and the last `@`.
 */
function redactCredentials(text: string): string {
  const at = text.lastIndexOf('@');
  const start = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0].length ?? 0;
  if (at < start) return text;
  const colon = text.indexOf(':', start);
  const user = colon !== -1 && colon < at ? `${text.slice(start, colon)}:` : '';
  return `${text.slice(0, start)}${user}***${text.slice(at)}`;
}

/** Every option of PushMetricsOptions, once: one added there and not here does not compile. */
const PUSH_OPTION_KEYS: Record<keyof PushMetricsOptions, true> = { url: true, job: true, groupings: true, registry: true, method: true, timeoutMs: true, requestOptions: true };

function validate(options: PushMetricsOptions): URL {
  const makeError: OptionErrorFactory = (option, problem, fix) => new EndpointOptionsError('pushMetrics()', option, problem, fix);
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new EndpointOptionsError('pushMetrics()', undefined, `options must be an object, got ${describeValue(options)}`, "Pass { url: 'http://localhost:9091', job: 'my_job' }.");
    }
    rejectUnknownOptions('pushMetrics()', options, Object.keys(PUSH_OPTION_KEYS), makeError);
  }
  const url: unknown = options?.url;
  const fix = "Pass { url: 'http://localhost:9091', job: 'my_job' }.";
  if (typeof url !== 'string') throw new EndpointOptionsError('pushMetrics()', 'url', `url must be an http(s) URL string, not ${url === null ? 'null' : typeof url}`, fix);
  // Never repeated as given: the URL may carry a password (http://user:secret@host).
  const shown = JSON.stringify(redactCredentials(url));
  if (!/^https?:\/\//.test(url)) throw new EndpointOptionsError('pushMetrics()', 'url', `url ${shown} must be an http(s) URL`, fix);
  let gateway: URL;
  try {
    gateway = new URL(url);
  } catch {
    // Node's own error carries the input, password included.
    throw new EndpointOptionsError('pushMetrics()', 'url', `url ${shown} is not a valid URL`, fix);
  }
  if (typeof options.job !== 'string' || options.job === '') {
    throw new EndpointOptionsError('pushMetrics()', 'job', 'job must be a non-empty string', "Pass { url, job: 'my_job' }.");
  }
  const method = options.method ?? 'push';
  if (method !== 'push' && method !== 'pushAdd' && method !== 'delete') {
    throw new EndpointOptionsError('pushMetrics()', 'method', `method ${JSON.stringify(method)} is not 'push', 'pushAdd' or 'delete'`, "Pass method: 'push' (the default: replaces the group), 'pushAdd' (replaces only the metrics pushed) or 'delete'.");
  }
  if (options.registry !== undefined && !isRegistry(options.registry)) {
    throw makeError('registry', `registry must be a Registry of the Prometheus client, got ${describeValue(options.registry)}`, 'Pass { registry: new Registry() }, or leave it out for the global register.');
  }
  checkOptionType(options, 'groupings', 'an object', makeError, "Pass { groupings: { instance: 'nightly-1' } }.");
  checkOptionType(options, 'requestOptions', 'an object', makeError, "Pass { requestOptions: { headers: { Authorization: 'Bearer <token>' } } }.");
  const timeoutMs: unknown = options.timeoutMs;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new EndpointOptionsError('pushMetrics()', 'timeoutMs', `timeoutMs ${String(timeoutMs)} must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS}`, 'Pass { timeoutMs: 10_000 } (the default).');
  }
  return gateway;
}
