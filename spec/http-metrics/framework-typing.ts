import Router, { type RouterContext } from '@koa/router';
import express, { type Request, type Response } from 'express';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Hono, type Context as HonoContext } from 'hono';
import Koa, { type Context } from 'koa';
import { honoMetrics } from '../../lib/exposition/hono.js';
import { expressHttpMetrics, httpMetrics } from '../../lib/http-metrics/express.js';
import { fastifyHttpMetrics } from '../../lib/http-metrics/fastify.js';
import { honoHttpMetrics } from '../../lib/http-metrics/hono.js';
import { koaHttpMetrics } from '../../lib/http-metrics/koa.js';

/**
 * Compile-time checks only (never called; `npx tsc --noEmit -p tsconfig.json` checks them).
 * The adapters describe the framework objects structurally, so the published declarations
 * import no framework types; these lines make sure the real framework types still flow through:
 * callbacks annotated with them are accepted and typed, and the returned middleware and plugin
 * go into the real app.use() / router.use() / register() / Hono's app.use() and app.get() without casts, also when they are
 * built apart from the call (no contextual type from app.use to infer from).
 */
export function frameworkTypingChecks(): void {
  const app = express();
  const annotated = httpMetrics({
    skip: (req: Request) => req.path === '/health',
    labelNames: ['plan'],
    labelsFrom: (req: Request, res: Response) => ({ plan: `${String(res.locals.plan)}${req.hostname}` }),
  });
  app.use(annotated);
  app.use('/api', annotated);
  const withParams = httpMetrics({ route: (req: Request<{ id: string }>) => req.params.id });
  app.use(withParams);
  const unannotated = httpMetrics({ skip: (req) => req.get('x-synthetic') === '1', route: (req) => req.originalUrl, labelNames: ['c'], labelsFrom: (_req, res) => ({ c: res.get('x-cache') ?? 'miss' }) });
  app.use(unannotated);
  app.get('/one', httpMetrics(), (_req, res) => {
    res.send('one');
  });
  express.Router().use(httpMetrics({ labelNames: ['t'], labelsFrom: (req) => ({ t: req.route === undefined ? 'none' : 'routed' }) }));
  // @ts-expect-error labelsFrom returns a label that labelNames does not name
  httpMetrics({ labelNames: ['t'], labelsFrom: () => ({ t: 'a', u: 'b' }) });
  // @ts-expect-error labelsFrom misses a label that labelNames names
  httpMetrics({ labelNames: ['t', 'u'], labelsFrom: () => ({ t: 'a' }) });

  const koa = new Koa();
  const koaAnnotated = koaHttpMetrics({ labelNames: ['tenant'], labelsFrom: (ctx: Context) => ({ tenant: String(ctx.state.tenant) }) });
  koa.use(koaAnnotated);
  const koaUnannotated = koaHttpMetrics({ skip: (ctx) => ctx.get('user-agent') === 'kube-probe', labelNames: ['t'], labelsFrom: (ctx) => ({ t: String(ctx.state.t) }) });
  koa.use(koaUnannotated);
  const routed = koaHttpMetrics({ route: (ctx: RouterContext) => String(ctx._matchedRoute) });
  koa.use(routed);
  new Router().use(routed);
  // @ts-expect-error skip takes a context, not a number
  koa.use(koaHttpMetrics({ skip: (ctx: number) => ctx === 1 }));

  const fastify = Fastify();
  void fastify.register(fastifyHttpMetrics);
  void fastify.register(fastifyHttpMetrics, { statusCodeGroups: true });
  void fastify.register(fastifyHttpMetrics, { skip: (request: FastifyRequest) => request.routeOptions.url === '/health' });
  void fastify.register(fastifyHttpMetrics, { labelNames: ['v'], labelsFrom: (request: FastifyRequest, reply: FastifyReply) => ({ v: `${request.id}/${reply.statusCode}` }) });
  void fastify.register(fastifyHttpMetrics, { skip: (request) => request.headers['x-synthetic'] === '1', labelNames: ['s'], labelsFrom: (_request, reply) => ({ s: reply.statusCode }) });
  // @ts-expect-error a label value must be a string or a number
  void fastify.register(fastifyHttpMetrics, { labelNames: ['v'], labelsFrom: () => ({ v: null }) });
  // @ts-expect-error skip takes a request, not a number
  void fastify.register(fastifyHttpMetrics, { skip: (request: number) => request === 1 });

  app.use(expressHttpMetrics({ skip: (req: Request) => req.path === '/health' }));

  type Env = { Bindings: { region: string }; Variables: { tenant: string } };
  const hono = new Hono<Env>();
  hono.use(honoHttpMetrics());
  hono.use('*', honoHttpMetrics({ skip: (c) => c.req.header('x-synthetic') === '1', labelNames: ['m'], labelsFrom: (c) => ({ m: c.req.method }) }));
  const honoAnnotated = honoHttpMetrics({ labelNames: ['tenant'], labelsFrom: (c: HonoContext<Env>) => ({ tenant: c.get('tenant') }), route: (c: HonoContext<Env>) => c.req.routePath });
  hono.use(honoAnnotated);
  hono.get('/metrics', honoMetrics());
  hono.on(['GET', 'HEAD', 'OPTIONS'], '/internal/metrics', honoMetrics({ bearerToken: 'x' }));
  new Hono().use(honoMetrics({ path: '/m' }));
  // @ts-expect-error labelsFrom returns a label that labelNames does not name
  honoHttpMetrics({ labelNames: ['t'], labelsFrom: () => ({ t: 'a', u: 'b' }) });
  // @ts-expect-error skip takes a context, not a number
  hono.use(honoHttpMetrics({ skip: (c: number) => c === 1 }));
}
