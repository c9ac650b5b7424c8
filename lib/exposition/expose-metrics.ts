import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { collectDefaultMetrics, globalRegistry, metricIn } from '../client/bridge.js';
import { EndpointOptionsError } from '../errors.js';
import { store } from '../store.js';
import { metricsHandler } from './handler.js';
import type { MetricsRegistry } from '../client/registry.js';
import type { MetricsEndpointOptions } from './scrape.js';

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
}

export interface ExposedMetrics {
  /** `http(s)://<host>:<port><path>`, with the port actually bound (useful with port 0). */
  url: string;
  port: number;
  /** Stops the server, ends open connections and frees the port. */
  close(): Promise<void>;
}

const registriesWithDefaultMetrics = store.registriesWithDefaultMetrics;

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
  const registry = options.registry ?? globalRegistry;
  const path = options.path ?? '/metrics';
  const handler = metricsHandler({ ...options, registry, path });
  const server = createServer(options.tls, handler);
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

function createServer(tls: ExposeMetricsTlsOptions | undefined, handler: (request: IncomingMessage, response: ServerResponse) => void): Server {
  if (tls === undefined) return createHttpServer(handler);
  if (tls.requireClientCertificate === true && tls.ca === undefined) {
    throw new EndpointOptionsError(
      'exposeMetrics()',
      'tls.requireClientCertificate',
      'tls.requireClientCertificate needs tls.ca, the CA that signs client certificates',
      'Pass { tls: { key, cert, ca, requireClientCertificate: true } }.',
    );
  }
  return createHttpsServer(
    {
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

/** The client's default metrics, once per registry, unless someone already turned them on. */
function enableDefaultMetrics(registry: MetricsRegistry): void {
  if (registriesWithDefaultMetrics.has(registry)) return;
  registriesWithDefaultMetrics.add(registry);
  if (metricIn(registry, 'process_cpu_user_seconds_total') !== undefined) return;
  collectDefaultMetrics(registry);
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
