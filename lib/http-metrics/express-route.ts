import type { ExpressRequestLike } from './framework-types.js';

/**
 * The route template of an Express request, with the mount patterns of the routers it is
 * nested in: `/users/:userId/posts/:postId`, never `/users/77/posts/:postId`.
 *
 * `req.baseUrl` cannot give the prefix: it is the matched URL (raw values included), and
 * Express restores it when an error leaves a router, so a 500 would lose its prefix. The
 * route object does not change, though: its template is found once by walking the app's
 * router tree and remembered per route object, so later requests pay one WeakMap lookup.
 * Express 5 keeps each mount pattern as the layer's `rawPath` (router 2.3+); Express 4 keeps
 * only the regular expression path-to-regexp 0.1 compiled it to, which is read back into the
 * pattern (see mountPattern).
 */
export function expressRouteTemplate(req: ExpressRequestLike): string | undefined {
  const route = req.route as ExpressRoute | undefined;
  if (route === undefined || route === null) return undefined;
  const known = templates.get(route);
  if (known !== undefined) return known;
  if (!notInTree.has(route)) {
    const template = templateInApp(req, route);
    if (template !== undefined) {
      templates.set(route, template);
      return template;
    }
    notInTree.add(route); // walked once, in vain: do not walk again for every request
  }
  return (req.baseUrl ?? '') + patternText(route.path); // see the README's limits
}

interface ExpressRoute {
  path: unknown;
}

interface RouterLayer {
  route?: ExpressRoute;
  /** Express 5: the mount pattern as given to use(). */
  rawPath?: unknown;
  /** Express 4: the compiled mount pattern and its parameters. */
  regexp?: unknown;
  keys?: unknown;
  handle?: { stack?: RouterLayer[] };
}

interface Router {
  stack?: RouterLayer[];
}

interface ExpressApp {
  /** Express 4's router (created with the first route or middleware). */
  _router?: Router;
  /** Express 5's router; on Express 4 this getter throws ('app.router' is deprecated!). */
  router?: Router;
  path?: () => string;
}

const templates = new WeakMap<ExpressRoute, string>();
const notInTree = new WeakSet<ExpressRoute>();

/** Walks the router tree of the app serving the request; undefined when the route is not found exactly once. */
function templateInApp(req: ExpressRequestLike, route: ExpressRoute): string | undefined {
  const app = req.app as ExpressApp | undefined;
  const stack = routerOf(app)?.stack;
  if (!Array.isArray(stack)) return undefined;
  const found: string[] = [];
  collect(stack, route, '', found, 0);
  if (found.length !== 1) return undefined; // not reachable, or mounted at several places
  const appPrefix = typeof app?.path === 'function' ? app.path() : ''; // a sub-app's own mount path ('' for the main app)
  return appPrefix + found[0];
}

function collect(stack: RouterLayer[], route: ExpressRoute, prefix: string, found: string[], depth: number): void {
  if (depth > 16) return; // a router mounted inside itself
  for (const layer of stack) {
    if (layer.route === route) found.push(prefix + patternText(route.path));
    else if (layer.route === undefined && Array.isArray(layer.handle?.stack)) {
      const mount = mountPattern(layer);
      if (mount === undefined) continue; // an old router that keeps no mount pattern
      collect(layer.handle.stack, route, prefix + (mount.endsWith('/') ? mount.slice(0, -1) : mount), found, depth + 1);
    }
  }
}

/** Express 4 has `_router`; only Express 5 may be asked for `router` (Express 4's getter throws). */
function routerOf(app: ExpressApp | undefined): Router | undefined {
  if (app === undefined || app === null) return undefined;
  if (app._router !== undefined) return app._router;
  return app.router;
}

/**
 * The pattern a router was mounted at: Express 5's `rawPath`, or Express 4's compiled one read
 * back; a pattern that cannot be read back is written as the regular expression, as Express 5
 * writes a RegExp mount path (a label the app's code bounds, where the matched URL would not be).
 */
function mountPattern(layer: RouterLayer): string | undefined {
  if (typeof layer.rawPath === 'string' || layer.rawPath instanceof RegExp) return patternText(layer.rawPath);
  if (layer.regexp instanceof RegExp && Array.isArray(layer.keys)) return express4Pattern(layer.regexp, layer.keys as { name?: unknown }[]) ?? String(layer.regexp);
  return undefined;
}

/**
 * path-to-regexp 0.1 compiles a mount path such as `/users/:userId` to
 * `^\/users(?:\/([^\/]+?))\/?(?=\/|$)` (flags i). This reads back the forms a mount path
 * is made of: literal text, `/:name` and `/:name?`. Anything else (custom parameter patterns,
 * `*`, a RegExp or an array of paths) gives undefined.
 */
function express4Pattern(regexp: RegExp, keys: { name?: unknown }[]): string | undefined {
  const source = regexp.source;
  if (!source.startsWith('^') || !source.endsWith(MOUNT_END)) return undefined;
  let body = source.slice(1, -MOUNT_END.length);
  let pattern = '';
  let key = 0;
  while (body.length > 0) {
    const param = PARAM.exec(body);
    if (param !== null) {
      const name = keys[key++]?.name;
      if (typeof name !== 'string') return undefined;
      pattern += `/:${name}${param[1]}`;
      body = body.slice(param[0].length);
    } else if (body[0] === '\\' && body.length > 1 && !/[a-zA-Z0-9]/.test(body[1])) {
      pattern += body[1]; // an escaped literal: \/ \. \-
      body = body.slice(2);
    } else if (/[^\\()[\]{}*+?.|^$]/.test(body[0])) {
      pattern += body[0];
      body = body.slice(1);
    } else {
      return undefined;
    }
  }
  return key === keys.length ? pattern : undefined;
}

/** How path-to-regexp 0.1 ends a pattern that is not an end point (a mount path): an optional slash, then a slash or the end. */
const MOUNT_END = '\\/?(?=\\/|$)';
/** `/:name` (and `/:name?`, the optional form) as path-to-regexp 0.1 writes it. */
const PARAM = /^\(\?:\\\/\(\[\^\\?\/\]\+\?\)\)(\??)/;

function patternText(path: unknown): string {
  return typeof path === 'string' ? path : String(path);
}
