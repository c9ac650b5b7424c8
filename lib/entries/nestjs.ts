// prom-decorators/nestjs: MetricsModule for NestJS 10, 11 and 12 (Express and Fastify platforms).
export * from '../nestjs/index.js';
