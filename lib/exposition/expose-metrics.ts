import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, register as globalRegistry, type Registry } from 'prom-client';
import { metricsHandler } from './handler.js';

export interface ExposeMetricsOptions {
  /** Default: prom-client's global `register`. */
  registry?: Registry;
  /** Default `/metrics`; every other path answers 404. */
  path?: string;
  /** Interface to bind. Default: all interfaces, as Node and Python's start_http_server do. */
  host?: string;
  /** Turn on prom-client's Node.js and process metrics for the registry (once). Default true. */
  defaultMetrics?: boolean;
}

export interface ExposedMetrics {
  /** `http://<host>:<port><path>`, with the port actually bound (useful with port 0). */
  url: string;
  port: number;
  /** Stops the server and frees the port. */
  close(): Promise<void>;
}

const registriesWithDefaultMetrics = new WeakSet<Registry>();

/**
 * Starts a node:http server for Prometheus to scrape (Python's `start_http_server`).
 * Resolves once listening; rejects with the listen error (`EADDRINUSE`). Port 0 picks a
 * free port.
 *
 * @example
 * const { url } = await exposeMetrics(8001); // http://0.0.0.0:8001/metrics
 */
export async function exposeMetrics(port: number, options: ExposeMetricsOptions = {}): Promise<ExposedMetrics> {
  const registry = options.registry ?? globalRegistry;
  const path = options.path ?? '/metrics';
  if (options.defaultMetrics !== false) enableDefaultMetrics(registry);
  const server = createServer(metricsHandler({ registry, path }));
  await listen(server, port, options.host);
  const bound = (server.address() as AddressInfo).port;
  const shownHost = options.host ?? 'localhost';
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound}${path}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** prom-client's default metrics, once per registry, unless someone already turned them on. */
function enableDefaultMetrics(registry: Registry): void {
  if (registriesWithDefaultMetrics.has(registry)) return;
  registriesWithDefaultMetrics.add(registry);
  if (registry.getSingleMetric('process_cpu_user_seconds_total') !== undefined) return;
  collectDefaultMetrics({ register: registry });
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
