/**
 * Starts the demo: the app on one port (8000) and its metrics on another (8001), as the
 * tutorials' `start_http_server(8001)` does. Nothing starts on import.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exposeMetrics, withHttpMetrics } from '../lib/index.js';
import { createDemoApp, createRequestListener, demoRouteTemplate, type DemoApp } from './routes.js';
import { setApplicationInfo, setApplicationState, type Random } from './tutorials/index.js';

export interface DemoOptions {
  /** App port. Default 8000; 0 picks a free one. */
  port?: number;
  /** Metrics port. Default 8001; 0 picks a free one. */
  metricsPort?: number;
  /** Interface to bind both servers to. Default: all interfaces. `127.0.0.1` keeps them local. */
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
  /** Stops both servers (open connections too). */
  close(): Promise<void>;
}

export const DEMO_VERSION = '0.1.0';

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  setApplicationInfo(DEMO_VERSION, 'prom-decorators');
  setApplicationState('loading');
  const app = createDemoApp(options.random);
  const metrics = await exposeMetrics(options.metricsPort ?? 8001, { host: options.host });
  // Request rate, latency and in-flight per route template, next to the decorators' method metrics.
  const server = createServer(withHttpMetrics(createRequestListener(app), { route: demoRouteTemplate }));
  try {
    await listen(server, options.port ?? 8000, options.host);
  } catch (error) {
    await metrics.close();
    throw error;
  }
  setApplicationState('running');
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    appUrl: `http://${shownHost}:${port}/`,
    metricsUrl: `http://${shownHost}:${metrics.port}/metrics`,
    port,
    metricsPort: metrics.port,
    close: () =>
      (closing ??= (async () => {
        setApplicationState('stopped');
        await Promise.all([closeServer(server), metrics.close()]);
      })()),
  };
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
