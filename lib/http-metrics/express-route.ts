import type { ExpressRequestLike } from './framework-types.js';

/**
 * The route template of an Express request, with the mount patterns of the routers it is
 * nested in: `/users/:userId/posts/:postId`, never `/users/77/posts/:postId`.
 *
 * `req.baseUrl` cannot give the prefix: it is the matched URL (raw values included), and
 * Express restores it when an error leaves a router, so a 500 would lose its prefix. The
 * route object does not change, though: its template is found once by walking the app's
 * router tree (the mount patterns are the layers' `rawPath`, router 2.3+) and remembered
 * per route object, so later requests pay one WeakMap lookup.
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
  rawPath?: unknown;
  handle?: { stack?: RouterLayer[] };
}

interface ExpressApp {
  router?: { stack?: RouterLayer[] };
  path?: () => string;
}

const templates = new WeakMap<ExpressRoute, string>();
const notInTree = new WeakSet<ExpressRoute>();

/** Walks the router tree of the app serving the request; undefined when the route is not found exactly once. */
function templateInApp(req: ExpressRequestLike, route: ExpressRoute): string | undefined {
  const app = req.app as ExpressApp | undefined;
  const stack = app?.router?.stack;
  if (stack === undefined) return undefined;
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
      if (typeof layer.rawPath !== 'string' && !(layer.rawPath instanceof RegExp)) continue; // old router, or several mount paths
      const mount = patternText(layer.rawPath);
      collect(layer.handle.stack, route, prefix + (mount.endsWith('/') ? mount.slice(0, -1) : mount), found, depth + 1);
    }
  }
}

function patternText(path: unknown): string {
  return typeof path === 'string' ? path : String(path);
}
