import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { EndpointOptionsError } from '../errors.js';
import { exposeMetrics, type ExposedMetrics } from '../exposition/expose-metrics.js';
import { warnOnce } from '../log.js';
import { enableDefaultMetrics } from '../exposition/default-metrics.js';
import type { ModuleSetup } from './options.js';
import { recordRequests } from './request-metrics.js';
import { serveThroughApp } from './serve-route.js';

/**
 * What MetricsModule does in a running app, at Nest's lifecycle hooks: default metrics when
 * the app is created; at onModuleInit (Nest's routes are on the platform by then, its
 * not-found handler not yet) the /metrics route and the request metrics; the separate metrics
 * server once the app has bootstrapped, closed when the app closes.
 */
export class MetricsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private server: ExposedMetrics | undefined;

  constructor(
    private readonly setup: ModuleSetup,
    private readonly adapterHost: HttpAdapterHost | undefined,
    private readonly moduleRef: ModuleRef,
  ) {
    if (setup.defaultMetrics) enableDefaultMetrics(setup.registry);
  }

  onModuleInit(): void {
    const { setup } = this;
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter === undefined || adapter === null) {
      // An application context (NestFactory.createApplicationContext): nothing to serve through or measure.
      if (setup.port === undefined) warnOnce('nest-no-http', `${setup.where}: the app has no HTTP server, so the metrics are not served; pass { port: 9464 } to serve them on a port of their own`);
      if (setup.http !== undefined) warnOnce('nest-no-http-metrics', `${setup.where}: the app has no HTTP server, so httpMetrics records nothing`);
      return;
    }
    const served = setup.port === undefined ? this.servedPath() : undefined;
    if (served !== undefined) serveThroughApp(adapter, setup.respond, served, setup.where);
    if (setup.http !== undefined) recordRequests(adapter, setup.http, setup.registry, served, setup.where);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { setup } = this;
    if (setup.port === undefined) return;
    this.server = await exposeMetrics(setup.port, { ...setup.endpoint, host: setup.host, defaultMetrics: false });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  /** Where the app serves the scrapes: `path`, under the global prefix with `globalPrefix: true`. */
  private servedPath(): string {
    const { path, globalPrefix, where } = this.setup;
    if (!globalPrefix) return path;
    const prefix = globalPrefixOf(this.moduleRef);
    if (prefix === undefined) {
      throw new EndpointOptionsError(
        where,
        'globalPrefix',
        "this Nest version does not show the app's global prefix to modules",
        `Leave globalPrefix out and pass the whole path, e.g. { path: '/api${path}' }.`,
      );
    }
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    return trimmed === '' ? path : `/${trimmed}${path}`;
  }
}

/**
 * `app.setGlobalPrefix()`'s value. Nest keeps it in the ApplicationConfig of its container,
 * which it offers no provider for; ModuleRef holds the container (Nest 10, 11 and 12).
 */
function globalPrefixOf(moduleRef: ModuleRef): string | undefined {
  const container = (moduleRef as unknown as { container?: { applicationConfig?: { getGlobalPrefix?: () => unknown } } }).container;
  const prefix = container?.applicationConfig?.getGlobalPrefix?.();
  return typeof prefix === 'string' ? prefix : undefined;
}
