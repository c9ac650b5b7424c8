import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

// The parts of Express, Koa and Fastify objects the HTTP-metrics adapters read, described here
// so the published declarations do not import the frameworks' types: an app that uses one
// framework (or none) compiles without the others installed. The real framework objects fit
// these shapes, and the adapters take the real types as generic parameters, inferred from the
// user's callbacks, so `(req: Request) => ...` keeps its Express type.

/** What the Express adapter reads from a request; Express's `Request` fits it. */
export interface ExpressRequestLike extends IncomingMessage {
  /** The URL as the client sent it, before routers stripped their mount paths. */
  originalUrl: string;
  /** The mount path of the router serving the request. */
  baseUrl: string;
  /** The matched route object (Express types it `any`); undefined until a route matched. */
  route?: unknown;
  /** The app serving the request, whose router tree gives the route's full template. */
  app?: unknown;
  /** A request header, case-insensitive. */
  get(name: string): string | undefined;
}

/** What the Express adapter hands to `labelsFrom` as the response; Express's `Response` fits it. */
export interface ExpressResponseLike extends ServerResponse {
  /** A response header set so far. */
  get(field: string): string | undefined;
}

/** What the Koa adapter reads from a context; Koa's `Context` fits it. */
export interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: string;
  originalUrl: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** What the app's middleware stored for this request (Koa's recommended namespace). */
  state: Record<string, unknown>;
  /** A request header, case-insensitive ('' when absent). */
  get(field: string): string;
  /** Set by @koa/router when a route matched. */
  _matchedRoute?: unknown;
}

/** What the Fastify adapter reads from a request; Fastify's `FastifyRequest` fits it. */
export interface FastifyRequestLike {
  raw: IncomingMessage;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** True when the not-found handler serves the request. */
  readonly is404: boolean;
  /** The matched route's options; `url` is its template, prefixes of registered plugins included. */
  readonly routeOptions: { readonly url?: string };
}

/** What the Fastify adapter reads from a reply; Fastify's `FastifyReply` fits it. */
export interface FastifyReplyLike {
  raw: ServerResponse;
  request: FastifyRequestLike;
  statusCode: number;
  /** A header set on the reply (Fastify keeps them away from node's response until it writes the head). */
  getHeader(name: string): unknown;
}

/** The one Fastify instance method the plugin calls; a Fastify instance fits it. */
export interface FastifyInstanceLike {
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: (error?: Error) => void) => void): unknown;
}

/** A route the Hono router matched for a request: middleware (`app.use`) and handlers (`app.get`, ...) alike. */
export interface HonoRouteLike {
  /** The template, base paths of `app.route()` and `basePath()` included: `/api/users/:id`. */
  readonly path: string;
  /** The method it was registered for; `ALL` for `app.use()` and `app.all()`. */
  readonly method: string;
}

/** What the Hono adapter reads from a request; Hono's `HonoRequest` fits it. */
export interface HonoRequestLike {
  /** The Web `Request`; its signal is aborted when the client goes away. */
  readonly raw: Request;
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The index in `matchedRoutes` of the handler running now (or the last one that ran). */
  readonly routeIndex: number;
  /** The routes the router matched, in order; hono/route's `matchedRoutes(c)` reads the same list. */
  readonly matchedRoutes: readonly HonoRouteLike[];
  /** A request header, case-insensitive. */
  header(name: string): string | undefined;
}

/** What the Hono adapters read from a context; Hono's `Context` fits it. */
export interface HonoContextLike {
  readonly req: HonoRequestLike;
  /** On @hono/node-server, `{ incoming, outgoing }`: node's request and response. */
  readonly env: unknown;
  /** The response, once a handler gave one (read only after `finalized`). */
  readonly res: Response;
  /** Whether a response has been set. */
  readonly finalized: boolean;
}
