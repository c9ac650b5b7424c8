import type { DynamicModule, FactoryProvider, ModuleMetadata, Provider } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { EndpointOptionsError } from '../errors.js';
import { describeValue, rejectUnknownOptions } from '../options-check.js';
import { MetricsLifecycle } from './lifecycle.js';
import { checkModuleOptions, type MetricsModuleOptions, type ModuleSetup } from './options.js';
import { METRICS_MODULE_SETUP, PROMETHEUS_REGISTRY } from './tokens.js';

/** Options of `MetricsModule.forRootAsync()`: a factory of the module's options and what it needs. */
export interface MetricsModuleAsyncOptions {
  /** Modules whose providers the factory injects (e.g. ConfigModule). */
  imports?: ModuleMetadata['imports'];
  /** The providers `useFactory` gets, in order. */
  inject?: FactoryProvider['inject'];
  /** Returns (or resolves to) the options `forRoot()` takes. */
  useFactory: (...args: never[]) => MetricsModuleOptions | Promise<MetricsModuleOptions>;
}

const FOR_ROOT = 'MetricsModule.forRoot()';
const FOR_ROOT_ASYNC = 'MetricsModule.forRootAsync()';
const ASYNC_OPTIONS = ['imports', 'inject', 'useFactory'];

/**
 * The Prometheus metrics of a Nest app, in one import: the client's registry as a provider
 * (`@Inject(PROMETHEUS_REGISTRY)`), the client's default process metrics, the metrics served
 * through the app at `/metrics` (or on a port of their own), and, with `httpMetrics`, every
 * request counted and timed by Nest's route template. Global: import it once, in the root module.
 *
 * No decorators are applied here (the module is configured only through the dynamic module it
 * returns), so the package compiles in either decorator mode.
 *
 * @example
 * @Module({ imports: [MetricsModule.forRoot({ httpMetrics: true })], controllers: [UsersController] })
 * export class AppModule {}
 */
export class MetricsModule {
  /** Checks the options at once: a mistake throws here, naming the option and the fix. */
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    const setup = checkModuleOptions(FOR_ROOT, options);
    return moduleWith({ provide: METRICS_MODULE_SETUP, useValue: setup }, []);
  }

  /**
   * Options from other providers (configuration), checked when the factory resolves, while
   * Nest creates the app.
   *
   * @example
   * MetricsModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ port: config.get('METRICS_PORT') }),
   * })
   */
  static forRootAsync(options: MetricsModuleAsyncOptions): DynamicModule {
    checkAsyncOptions(options);
    const { useFactory, inject = [], imports = [] } = options;
    return moduleWith(
      {
        provide: METRICS_MODULE_SETUP,
        useFactory: async (...args: never[]) => checkModuleOptions(FOR_ROOT_ASYNC, await useFactory(...args)),
        inject,
      },
      imports,
    );
  }
}

function moduleWith(setupProvider: Provider, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
  return {
    module: MetricsModule,
    global: true,
    imports,
    providers: [
      setupProvider,
      { provide: PROMETHEUS_REGISTRY, useFactory: (setup: ModuleSetup) => setup.registry, inject: [METRICS_MODULE_SETUP] },
      {
        provide: MetricsLifecycle,
        useFactory: (setup: ModuleSetup, adapterHost: HttpAdapterHost | undefined, moduleRef: ModuleRef) => new MetricsLifecycle(setup, adapterHost, moduleRef),
        // HttpAdapterHost is optional: an application context without HTTP has none.
        inject: [METRICS_MODULE_SETUP, { token: HttpAdapterHost, optional: true }, ModuleRef],
      },
    ],
    exports: [PROMETHEUS_REGISTRY],
  };
}

function checkAsyncOptions(options: MetricsModuleAsyncOptions): void {
  const fix = 'Pass { imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ ... }) }.';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EndpointOptionsError(FOR_ROOT_ASYNC, undefined, `options must be an object, got ${describeValue(options)}`, fix);
  }
  rejectUnknownOptions(FOR_ROOT_ASYNC, options, ASYNC_OPTIONS, (option, problem) => {
    // useClass and useExisting are the other two forms Nest's own async modules take.
    const only = option === 'useClass' || option === 'useExisting' ? ' (only useFactory is supported)' : '';
    return new EndpointOptionsError(FOR_ROOT_ASYNC, option, `${problem}${only}`, fix);
  });
  if (typeof options.useFactory !== 'function') {
    throw new EndpointOptionsError(FOR_ROOT_ASYNC, 'useFactory', 'useFactory must be a function returning the options of forRoot()', fix);
  }
  if (options.inject !== undefined && !Array.isArray(options.inject)) {
    throw new EndpointOptionsError(FOR_ROOT_ASYNC, 'inject', 'inject must be an array of providers', fix);
  }
  if (options.imports !== undefined && !Array.isArray(options.imports)) {
    throw new EndpointOptionsError(FOR_ROOT_ASYNC, 'imports', 'imports must be an array of modules', fix);
  }
}
