import { createScrapeResponder, notFound, type MetricsEndpointOptions, type ScrapeResponse } from './scrape.js';

/** Options of the Fastify plugin: every option of the shared endpoint. */
export type FastifyMetricsOptions = MetricsEndpointOptions;

/** The parts of Fastify the plugin uses (no type dependency on fastify). */
interface FastifyRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string | string[]): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

interface FastifyInstanceLike {
  route(options: {
    method: string[];
    url: string;
    exposeHeadRoute?: boolean;
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;
  }): unknown;
}

const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * A Fastify plugin serving the metrics at `path` (default `/metrics`) on the same code path
 * as `metricsHandler`: GET, HEAD and OPTIONS, 405 for the other methods.
 *
 * @example
 * await fastify.register(fastifyMetrics, { registry, path: '/metrics' });
 */
export async function fastifyMetrics(fastify: FastifyInstanceLike, options: FastifyMetricsOptions = {}): Promise<void> {
  // Fastify passes its own register options (prefix, logLevel, logSerializers) to the plugin too.
  const respond = createScrapeResponder(options, 'fastifyMetrics()', ['prefix', 'logLevel', 'logSerializers']);
  fastify.route({
    method: METHODS,
    url: options.path ?? '/metrics',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const answer = await respond({
        method: request.method,
        url: request.url,
        header: (name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        // Fastify routed the request here by its path already.
        routeMatched: true,
      });
      return send(request, reply, answer ?? notFound(request.url));
    },
  });
}

function send(request: FastifyRequestLike, reply: FastifyReplyLike, answer: ScrapeResponse): FastifyReplyLike {
  reply.code(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  return reply.send(answer.status === 204 || request.method === 'HEAD' ? undefined : answer.body);
}
