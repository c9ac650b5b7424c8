import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from '../support/prometheus-client.js';
import { fastifyHttpMetrics } from '../../lib/http-metrics/fastify.js';
import { samples, scrapeWhenIdle, send } from './http-client.js';

/** What only Fastify has: encapsulated plugins with prefixes, its own not-found handler, request/reply in the options. */
describe('fastifyHttpMetrics for Fastify', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const start = async (fastify: FastifyInstance) => {
    app = fastify;
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`;
  };

  test('counts routes registered in plugins with parameterised prefixes, and a custom not-found handler as __unmatched__', async () => {
    const registry = new Registry();
    const fastify = Fastify();
    await fastify.register(fastifyHttpMetrics, { registry });
    await fastify.register(
      async (users) => {
        users.get('/posts/:postId', async () => ({}));
      },
      { prefix: '/users/:userId' },
    );
    fastify.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ missing: true }));
    const url = await start(fastify);
    await send(`${url}/users/77/posts/5`);
    await send(`${url}/users/78/posts/6`);
    await send(`${url}/nope/1`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/users/:userId/posts/:postId",status_code="200"} 2',
      'http_requests_total{method="GET",route="__unmatched__",status_code="404"} 1',
    ]);
  });

  test('takes extra labels and skip from the Fastify request and reply', async () => {
    const registry = new Registry();
    const fastify = Fastify();
    await fastify.register(fastifyHttpMetrics, {
      registry,
      skip: (request) => request.headers['x-synthetic'] === '1',
      labelNames: ['version'], labelsFrom: (request, reply) => ({ version: `${request.headers['accept-version'] ?? 'none'}/${reply.statusCode}` }),
    });
    fastify.get('/hello', async () => 'hi');
    const url = await start(fastify);
    await send(`${url}/hello`, { headers: { 'accept-version': '2' } });
    await send(`${url}/hello`, { headers: { 'x-synthetic': '1' } });
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/hello",status_code="200",version="2/200"} 1']);
  });

  test('measures routes registered before and after the plugin, in every encapsulation context', async () => {
    const registry = new Registry();
    const fastify = Fastify();
    fastify.get('/before', async () => 'b');
    await fastify.register(fastifyHttpMetrics, { registry });
    await fastify.register(async (child) => {
      child.get('/inside', async () => 'i');
    });
    const url = await start(fastify);
    await send(`${url}/before`);
    await send(`${url}/inside`);
    const text = await scrapeWhenIdle(registry);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",route="/before",status_code="200"} 1',
      'http_requests_total{method="GET",route="/inside",status_code="200"} 1',
    ]);
  });
});
