import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { globalRegistry } from '../client/bridge.js';
import { EndpointOptionsError } from '../errors.js';
import { checkOptionType, closestName, describeValue, type OptionErrorFactory } from '../options-check.js';
import { enableDefaultMetrics } from './default-metrics.js';
import { metricsHandler } from './handler.js';
import { checkEndpointOptions, endpointOptionsOf, type MetricsEndpointOptions } from './scrape.js';
import { LONGEST_TIMEOUT_SECONDS } from './timers.js';

/** TLS for the metrics server (Prometheus' `scheme: https` with `tls_config`). */
export interface ExposeMetricsTlsOptions {
  /** PEM private key and certificate of the server. */
  key: string | Buffer;
  cert: string | Buffer;
  /** PEM CA(s) that client certificates must chain to (mutual TLS). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Mutual TLS: refuse clients without a certificate signed by `ca`. Default false. */
  requireClientCertificate?: boolean;
  /** Oldest TLS version accepted. Default 'TLSv1.2'. */
  minVersion?: SecureVersion;
}

export interface ExposeMetricsOptions extends MetricsEndpointOptions {
  /** Interface to bind, e.g. '127.0.0.1'. Default: all interfaces, as Node and Python's start_http_server do. */
  host?: string;
  /** Turn on the Prometheus client's Node.js and process metrics for the registry (once). Default true. */
  defaultMetrics?: boolean;
  /** Serve over HTTPS (and mutual TLS with `ca` + `requireClientCertificate`). Default: plain HTTP. */
  tls?: ExposeMetricsTlsOptions;
  /** Do not keep the process alive just for this server (CLIs, batch jobs). Default false. */
  unref?: boolean;
  /**
   * Seconds a client has to send its request headers (with TLS, to finish the handshake too);
   * then it is answered 408 and closed, so idle half-sent requests (slowloris) cannot pile up.
   * Default 5; Infinity for none.
   */
  headersTimeoutSeconds?: number;
  /** Seconds a client has to send its whole request, at least `headersTimeoutSeconds`. Default 10; Infinity for none. */
  requestTimeoutSeconds?: number;
  /** Seconds an idle keep-alive connection stays open after an answer. Default 5 (Node's); Infinity for none. */
  keepAliveTimeoutSeconds?: number;
  /**
   * Seconds without any traffic on a connection (a client that stopped reading its answer)
   * before it is closed; longer than `timeoutSeconds`, so a slow collection is still answered.
   * Default 30, or `timeoutSeconds` + 10 when that is longer; Infinity for none.
   */
  idleTimeoutSeconds?: number;
  /**
   * Connections open at once; a connection over the cap is closed as soon as it is accepted,
   * so the endpoint never takes the app's file descriptors. Default 100; Infinity for none.
   */
  maxConnections?: number;
}

export interface ExposedMetrics {
  /** `http(s)://<host>:<port><path>`, with the port actually bound (useful with port 0). */
  url: string;
  port: number;
  /** Stops the server, ends open connections and frees the port. */
  close(): Promise<void>;
}


/**
 * Starts a server for Prometheus to scrape (Python's `start_http_server`). Resolves once
 * listening; rejects with the listen error (`EADDRINUSE`). Port 0 picks a free port. Serves
 * `path` (default `/metrics`) with everything `metricsHandler` does; 404 elsewhere.
 *
 * @example
 * const { url, close } = await exposeMetrics(8001);               // http://localhost:8001/metrics
 * await exposeMetrics(9100, { host: '127.0.0.1', bearerToken: process.env.METRICS_TOKEN });
 */
export async function exposeMetrics(port: number, options: ExposeMetricsOptions = {}): Promise<ExposedMetrics> {
  checkServerOptions(port, options);
  const registry = options.registry ?? globalRegistry;
  const path = options.path ?? '/metrics';
  const handler = metricsHandler({ ...endpointOptionsOf(options), registry, path });
  const limits = connectionLimits(options);
  const server = createServer(options.tls, limits, handler);
  await listen(server, port, options.host);
  if (options.defaultMetrics !== false) enableDefaultMetrics(registry);
  if (options.unref === true) server.unref();
  const bound = (server.address() as AddressInfo).port;
  const shownHost = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const scheme = options.tls === undefined ? 'http' : 'https';
  return {
    url: `${scheme}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound}${path}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The options exposeMetrics takes besides the endpoint's, once: one added to the interface and not here does not compile. */
const SERVER_OPTION_KEYS: Record<Exclude<keyof ExposeMetricsOptions, keyof MetricsEndpointOptions>, true> = {
  host: true,
  defaultMetrics: true,
  tls: true,
  unref: true,
  headersTimeoutSeconds: true,
  requestTimeoutSeconds: true,
  keepAliveTimeoutSeconds: true,
  idleTimeoutSeconds: true,
  maxConnections: true,
};
const TLS_OPTION_KEYS: Record<keyof ExposeMetricsTlsOptions, true> = { key: true, cert: true, ca: true, requireClientCertificate: true, minVersion: true };

/** The port and every option checked before anything starts, named after exposeMetrics() (the endpoint's with its own). */
function checkServerOptions(port: unknown, options: ExposeMetricsOptions): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EndpointOptionsError(where, 'port', `port must be a whole number from 0 to 65535, got ${describeValue(port)}`, 'Pass exposeMetrics(9464) (0 picks a free port).');
  }
  checkEndpointOptions(options, where, Object.keys(SERVER_OPTION_KEYS));
  const makeError: OptionErrorFactory = (option, problem, fix) => new EndpointOptionsError(where, option, problem, fix);
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host === '')) {
    throw makeError('host', `host must be a host name or address, got ${describeValue(options.host)}`, "Pass { host: '127.0.0.1' }, or leave it out for every interface.");
  }
  checkOptionType(options, 'defaultMetrics', 'a boolean', makeError, 'Pass { defaultMetrics: false } to leave them off, or leave it out.');
  checkOptionType(options, 'unref', 'a boolean', makeError, 'Pass { unref: true } to let the process exit while it serves.');
  checkOptionType(options, 'tls', 'an object', makeError, 'Pass { tls: { key, cert } } with PEM strings or Buffers.');
  const { tls } = options;
  if (tls === undefined) return;
  const tlsError: OptionErrorFactory = (option, problem, fix) => new EndpointOptionsError(where, `tls.${option}`, problem, fix);
  const tlsOptions = Object.keys(TLS_OPTION_KEYS);
  for (const key of Object.keys(tls)) {
    if (Object.prototype.hasOwnProperty.call(TLS_OPTION_KEYS, key)) continue;
    const meant = closestName(key, tlsOptions);
    throw tlsError(
      key,
      `unknown option "tls.${key}"${meant === undefined ? '' : ` (did you mean "tls.${meant}"?)`}`,
      meant === undefined ? `Remove it; tls takes ${tlsOptions.join(', ')}` : `Rename it to "tls.${meant}"`,
    );
  }
  const { requireClientCertificate, minVersion } = tls as { requireClientCertificate?: unknown; minVersion?: unknown };
  if (requireClientCertificate !== undefined && typeof requireClientCertificate !== 'boolean') {
    throw tlsError('requireClientCertificate', `tls.requireClientCertificate must be a boolean, got ${describeValue(requireClientCertificate)}`, 'Pass { tls: { key, cert, ca, requireClientCertificate: true } }.');
  }
  if (minVersion !== undefined && typeof minVersion !== 'string') {
    throw tlsError('minVersion', `tls.minVersion must be a string, got ${describeValue(minVersion)}`, "Pass { tls: { key, cert, minVersion: 'TLSv1.3' } }.");
  }
  for (const part of ['key', 'cert'] as const) {
    const value: unknown = tls[part];
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw tlsError(part, `tls.${part} must be a PEM string or a Buffer, got ${describeValue(value)}`, 'Pass { tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) } }.');
    }
  }
}

/** Node's server settings, in milliseconds (0 for none), from the options in seconds. */
interface ConnectionLimits {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  idleTimeout: number;
  maxConnections: number;
  /** How often Node looks for requests past headersTimeout or requestTimeout (its default, 30 s, would let them live that much longer). */
  connectionsCheckingInterval: number;
}

const where = 'exposeMetrics()';

function connectionLimits(options: ExposeMetricsOptions): ConnectionLimits {
  const headersTimeoutSeconds = timeoutOption(options, 'headersTimeoutSeconds', 5);
  const requestTimeoutSeconds = timeoutOption(options, 'requestTimeoutSeconds', 10);
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw new EndpointOptionsError(
      where,
      'headersTimeoutSeconds',
      `headersTimeoutSeconds ${headersTimeoutSeconds} must not be longer than requestTimeoutSeconds ${requestTimeoutSeconds}`,
      `Pass { headersTimeoutSeconds: ${headersTimeoutSeconds}, requestTimeoutSeconds: ${headersTimeoutSeconds} } or a shorter headersTimeoutSeconds.`,
    );
  }
  const keepAliveTimeoutSeconds = timeoutOption(options, 'keepAliveTimeoutSeconds', 5);
  // metricsHandler() has validated timeoutSeconds; 10 is its default.
  const collectionSeconds = options.timeoutSeconds ?? 10;
  const longerThanCollection = collectionSeconds + 10 > LONGEST_TIMEOUT_SECONDS ? Infinity : collectionSeconds + 10;
  const idleTimeoutSeconds = timeoutOption(options, 'idleTimeoutSeconds', Math.max(30, longerThanCollection));
  if (idleTimeoutSeconds <= collectionSeconds && idleTimeoutSeconds !== Infinity) {
    throw new EndpointOptionsError(
      where,
      'idleTimeoutSeconds',
      `idleTimeoutSeconds ${idleTimeoutSeconds} must be longer than timeoutSeconds ${collectionSeconds}, or a slow collection's connection is closed before it is answered`,
      `Pass { idleTimeoutSeconds: ${longerThanCollection} } or leave it out.`,
    );
  }
  const maxConnections = options.maxConnections ?? 100;
  if (typeof maxConnections !== 'number' || !(maxConnections === Infinity || (Number.isInteger(maxConnections) && maxConnections >= 1))) {
    throw new EndpointOptionsError(
      where,
      'maxConnections',
      `maxConnections ${shown(maxConnections)} must be a whole number of at least 1 (Infinity for none)`,
      'Pass { maxConnections: 100 }.',
    );
  }
  const milliseconds = (seconds: number) => (seconds === Infinity ? 0 : Math.ceil(seconds * 1000));
  const checked = [headersTimeoutSeconds, requestTimeoutSeconds].filter((seconds) => seconds !== Infinity);
  return {
    headersTimeout: milliseconds(headersTimeoutSeconds),
    requestTimeout: milliseconds(requestTimeoutSeconds),
    keepAliveTimeout: milliseconds(keepAliveTimeoutSeconds),
    idleTimeout: milliseconds(idleTimeoutSeconds),
    maxConnections,
    // A quarter of the shortest timeout, at most a second: a request is shed at most that late.
    connectionsCheckingInterval: checked.length === 0 ? 30_000 : Math.max(10, Math.min(1000, Math.floor((Math.min(...checked) * 1000) / 4))),
  };
}

type TimeoutOption = 'headersTimeoutSeconds' | 'requestTimeoutSeconds' | 'keepAliveTimeoutSeconds' | 'idleTimeoutSeconds';

function timeoutOption(options: ExposeMetricsOptions, option: TimeoutOption, fallback: number): number {
  const seconds = options[option] ?? fallback;
  if (typeof seconds !== 'number' || !(seconds > 0) || (seconds > LONGEST_TIMEOUT_SECONDS && seconds !== Infinity)) {
    throw new EndpointOptionsError(
      where,
      option,
      `${option} ${shown(seconds)} must be a number above 0 and at most ${LONGEST_TIMEOUT_SECONDS} (about 24.8 days; Infinity for none)`,
      `Pass { ${option}: ${fallback} }.`,
    );
  }
  return seconds;
}

/** A number as written (Infinity, NaN), anything else as JSON ("5"). */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function createServer(
  tls: ExposeMetricsTlsOptions | undefined,
  limits: ConnectionLimits,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Server {
  const server = tlsOrPlainServer(tls, limits, handler);
  server.keepAliveTimeout = limits.keepAliveTimeout;
  server.timeout = limits.idleTimeout;
  if (limits.maxConnections !== Infinity) server.maxConnections = limits.maxConnections;
  return server;
}

function tlsOrPlainServer(
  tls: ExposeMetricsTlsOptions | undefined,
  limits: ConnectionLimits,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Server {
  const { headersTimeout, requestTimeout, connectionsCheckingInterval } = limits;
  const httpOptions = { headersTimeout, requestTimeout, connectionsCheckingInterval };
  if (tls === undefined) return createHttpServer(httpOptions, handler);
  if (tls.requireClientCertificate === true && tls.ca === undefined) {
    throw new EndpointOptionsError(
      where,
      'tls.requireClientCertificate',
      'tls.requireClientCertificate needs tls.ca, the CA that signs client certificates',
      'Pass { tls: { key, cert, ca, requireClientCertificate: true } }.',
    );
  }
  return createHttpsServer(
    {
      ...httpOptions,
      // Before the handshake there is no request yet; it gets the headers' time (tls' default is 120 s, and 0 means that default).
      handshakeTimeout: headersTimeout === 0 ? LONGEST_TIMEOUT_SECONDS * 1000 : headersTimeout,
      key: tls.key,
      cert: tls.cert,
      ca: tls.ca,
      requestCert: tls.requireClientCertificate === true,
      rejectUnauthorized: tls.requireClientCertificate === true,
      minVersion: tls.minVersion ?? 'TLSv1.2',
    },
    handler,
  );
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
