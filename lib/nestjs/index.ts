// prom-decorators/nestjs: the NestJS module. Nest packages are optional peers: only this entry point loads them.
export { MetricsModule, type MetricsModuleAsyncOptions } from './metrics-module.js';
export { PROMETHEUS_REGISTRY, InjectRegistry } from './tokens.js';
export type { MetricsModuleOptions, NestHttpMetricsOptions } from './options.js';
