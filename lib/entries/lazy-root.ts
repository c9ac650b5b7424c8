/**
 * The root entry's servers, framework adapters, cluster, Pushgateway and generators, loaded at
 * their first call. They have their own entry points now (prom-decorators/express, /koa,
 * /fastify, /node-http, /hono, /cluster, /pushgateway, /generate); the root keeps exporting
 * them so existing imports work, but `import { Counted } from 'prom-decorators'` must not load
 * node:http, node:cluster or any adapter, so each is a stand-in that loads its module once.
 *
 * Loading is synchronous in both builds: require-from-library.cts is CommonJS in both, and in
 * the ESM build its require() of one of our ES modules gets the very module `import` would
 * (Node 20.19+ and 22.12+ require ES modules without top-level await; these have none).
 */
import { requireFromLibrary } from '../client/require-from-library.cjs';

/** A module of ours, by its path from lib/client/ (where require-from-library lives), loaded once. */
function onFirstUse<M>(pathFromClientFolder: string): () => M {
  let loaded: M | undefined;
  return () => (loaded ??= requireFromLibrary(pathFromClientFolder) as M);
}

/**
 * A function standing in for `module()[name]`: same arity, and the symbol-keyed properties a
 * framework reads before calling it (Fastify's skip-override and display name) read through to
 * the real function, loading it then.
 */
function standIn<M, K extends keyof M>(module: () => M, name: K, arity: number): M[K] {
  const real = (): ((...args: unknown[]) => unknown) => module()[name] as (...args: unknown[]) => unknown;
  const stand = function (this: unknown, ...args: unknown[]): unknown {
    return real().apply(this, args);
  };
  Object.defineProperty(stand, 'name', { value: String(name) });
  Object.defineProperty(stand, 'length', { value: arity });
  for (const key of [Symbol.for('skip-override'), Symbol.for('fastify.display-name')]) {
    Object.defineProperty(stand, key, { get: () => (real() as unknown as Record<symbol, unknown>)[key], enumerable: false });
  }
  return stand as M[K];
}

type ExposeModule = typeof import('../exposition/expose-metrics.js');
type HandlerModule = typeof import('../exposition/handler.js');
type RenderModule = typeof import('../exposition/render.js');
type KoaModule = typeof import('../exposition/koa.js');
type FastifyModule = typeof import('../exposition/fastify.js');
type ClusterModule = typeof import('../exposition/cluster.js');
type PushModule = typeof import('../exposition/pushgateway.js');
type ExpressHttpModule = typeof import('../http-metrics/express.js');
type KoaHttpModule = typeof import('../http-metrics/koa.js');
type FastifyHttpModule = typeof import('../http-metrics/fastify.js');
type NodeHttpModule = typeof import('../http-metrics/node-http.js');
type DashboardModule = typeof import('../generate/dashboard.js');
type RulesModule = typeof import('../generate/rules.js');

const expose = onFirstUse<ExposeModule>('../exposition/expose-metrics.js');
const handler = onFirstUse<HandlerModule>('../exposition/handler.js');
const render = onFirstUse<RenderModule>('../exposition/render.js');
const koa = onFirstUse<KoaModule>('../exposition/koa.js');
const fastify = onFirstUse<FastifyModule>('../exposition/fastify.js');
const cluster = onFirstUse<ClusterModule>('../exposition/cluster.js');
const push = onFirstUse<PushModule>('../exposition/pushgateway.js');
const expressHttp = onFirstUse<ExpressHttpModule>('../http-metrics/express.js');
const koaHttp = onFirstUse<KoaHttpModule>('../http-metrics/koa.js');
const fastifyHttp = onFirstUse<FastifyHttpModule>('../http-metrics/fastify.js');
const nodeHttp = onFirstUse<NodeHttpModule>('../http-metrics/node-http.js');
const dashboard = onFirstUse<DashboardModule>('../generate/dashboard.js');
const rules = onFirstUse<RulesModule>('../generate/rules.js');

export const exposeMetrics = standIn(expose, 'exposeMetrics', 1);
export const metricsHandler = standIn(handler, 'metricsHandler', 0);
export const renderMetrics = standIn(render, 'renderMetrics', 0);
export const koaMetrics = standIn(koa, 'koaMetrics', 0);
export const fastifyMetrics = standIn(fastify, 'fastifyMetrics', 1);
export const clusterWorkerMetrics = standIn(cluster, 'clusterWorkerMetrics', 0);
export const pushMetrics = standIn(push, 'pushMetrics', 1);
export const httpMetrics = standIn(expressHttp, 'httpMetrics', 0);
export const koaHttpMetrics = standIn(koaHttp, 'koaHttpMetrics', 0);
export const fastifyHttpMetrics = standIn(fastifyHttp, 'fastifyHttpMetrics', 3);
export const withHttpMetrics = standIn(nodeHttp, 'withHttpMetrics', 2);
export const generateDashboard = standIn(dashboard, 'generateDashboard', 0);
export const generateRules = standIn(rules, 'generateRules', 0);
export const formatRules = standIn(rules, 'formatRules', 1);
