/**
 * The root's stand-ins for the functions that have entry points of their own
 * (lib/entries/lazy-root.ts): each has the real function's name and arity, forwards its
 * arguments and result, and shows Fastify the plugin flags of the real plugin.
 */
import * as root from '../../lib/index.js';
import * as expressEntry from '../../lib/entries/express.js';
import * as fastifyEntry from '../../lib/entries/fastify.js';
import * as koaEntry from '../../lib/entries/koa.js';
import * as nodeEntry from '../../lib/entries/node-http.js';
import * as clusterEntry from '../../lib/entries/cluster.js';
import * as pushEntry from '../../lib/entries/pushgateway.js';
import * as generateEntry from '../../lib/entries/generate.js';
import * as render from '../../lib/exposition/render.js';
import { Registry } from '@prometheus-io/client';

const REAL = {
  exposeMetrics: nodeEntry.exposeMetrics,
  metricsHandler: nodeEntry.metricsHandler,
  renderMetrics: render.renderMetrics,
  koaMetrics: koaEntry.koaMetrics,
  fastifyMetrics: fastifyEntry.fastifyMetrics,
  clusterWorkerMetrics: clusterEntry.clusterWorkerMetrics,
  pushMetrics: pushEntry.pushMetrics,
  httpMetrics: expressEntry.httpMetrics,
  koaHttpMetrics: koaEntry.koaHttpMetrics,
  fastifyHttpMetrics: fastifyEntry.fastifyHttpMetrics,
  withHttpMetrics: nodeEntry.withHttpMetrics,
  generateDashboard: generateEntry.generateDashboard,
  generateRules: generateEntry.generateRules,
  formatRules: generateEntry.formatRules,
} as const;

describe('the root stand-ins', () => {
  test.each(Object.keys(REAL) as (keyof typeof REAL)[])('%s has the real function’s name and arity', (name) => {
    const standIn = root[name] as (...args: unknown[]) => unknown;
    expect(standIn).not.toBe(REAL[name]);
    // The stand-in is named as the root exports it (httpMetrics is expressHttpMetrics under its old name).
    expect([standIn.name, standIn.length]).toEqual([name, REAL[name].length]);
  });

  test('forward the arguments and hand back the result: a rendering of the registry given', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({});
    const fromRoot = await root.renderMetrics({ registry });
    const direct = await render.renderMetrics({ registry });
    expect(fromRoot).toEqual(direct);
    expect(fromRoot.contentType).toBe(root.TEXT_CONTENT_TYPE);
  });

  test('throw what the real function throws, the very error class', () => {
    expect(() => root.httpMetrics({ buckets: [-1] })).toThrow(root.HttpMetricsOptionsError);
  });

  test('show Fastify the flags of the real plugin', () => {
    const flags = (plugin: object) => [Symbol.for('skip-override'), Symbol.for('fastify.display-name')].map((key) => (plugin as Record<symbol, unknown>)[key]);
    expect(flags(root.fastifyHttpMetrics)).toEqual(flags(fastifyEntry.fastifyHttpMetrics));
    expect(flags(root.fastifyHttpMetrics)).toEqual([true, 'prom-decorators-http-metrics']);
  });

  test('the express entry point serves with the same handler under both names', () => {
    expect(expressEntry.expressMetrics).toBe(expressEntry.metricsHandler);
    expect(expressEntry.httpMetrics).toBe(expressEntry.expressHttpMetrics);
    expect(nodeEntry.withHttpMetrics).toBe(nodeEntry.nodeHttpMetrics);
    expect(nodeEntry.nodeMetrics).toBe(nodeEntry.metricsHandler);
  });
});
