/**
 * Starts the demo: the app on one port (8000) and its metrics on another (8001), as the
 * tutorials' `start_http_server(8001)` does, both on loopback unless told otherwise.
 * Nothing starts on import.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exposeMetrics, nodeHttpMetrics, type ExposedMetrics } from '../lib/entries/node-http.js';
import { createDemoApp, createRequestListener, demoRouteTemplate, type DemoApp } from './routes.js';
import { setApplicationInfo, setApplicationState, type Random } from './tutorials/index.js';

export interface DemoOptions {
  /** App port. Default 8000; 0 picks a free one. */
  port?: number;
  /** Metrics port. Default 8001; 0 picks a free one. */
  metricsPort?: number;
  /** Address to bind both servers to. Default `127.0.0.1`; `0.0.0.0` or `::` for every interface. */
  host?: string;
  /** The dice of the tutorials (failures, slow requests). Default Math.random. */
  random?: Random;
}

export interface RunningDemo {
  app: DemoApp;
  appUrl: string;
  metricsUrl: string;
  port: number;
  metricsPort: number;
  /** The address both servers are bound to, as the system reports it (`127.0.0.1`, `0.0.0.0`, `::1`…). */
  address: string;
  /** Stops both servers (open connections too). */
  close(): Promise<void>;
}

export const DEMO_VERSION = '0.1.0';

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  setApplicationInfo(DEMO_VERSION, 'prom-decorators');
  setApplicationState('loading');
  const app = createDemoApp(options.random);
  // Request rate, latency and in-flight per route template, next to the decorators' method metrics.
  const server = createServer(nodeHttpMetrics(createRequestListener(app), { route: demoRouteTemplate }));
  await listen(server, options.port ?? 8000, options.host ?? '127.0.0.1');
  // The app's resolved address, not the name it was given: `localhost` can resolve to ::1 or
  // 127.0.0.1, and both servers must be where the banner says.
  const { address, port } = server.address() as AddressInfo;
  let metrics: ExposedMetrics;
  try {
    metrics = await exposeMetrics(options.metricsPort ?? 8001, { host: address });
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  setApplicationState('running');
  const host = reachableHost(address);
  let closing: Promise<void> | undefined;
  return {
    app,
    appUrl: `http://${host}:${port}/`,
    metricsUrl: `http://${host}:${metrics.port}/metrics`,
    port,
    metricsPort: metrics.port,
    address,
    close: () =>
      (closing ??= (async () => {
        setApplicationState('stopped');
        await Promise.all([closeServer(server), metrics.close()]);
      })()),
  };
}

/** How a client on this machine reaches a server bound to `address`: a wildcard through loopback. */
function reachableHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
