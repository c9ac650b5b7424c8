/**
 * The demo's routes on node:http, one per tutorial endpoint. Handlers call the decorated
 * classes; a thrown error becomes a 500 (a job timeout a 504), as an unhandled exception
 * does in the tutorials' Python servers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  EchoServer,
  ExampleApp,
  GitHubClient,
  JobRunner,
  JobTimeout,
  JOB_STATUSES,
  NumberList,
  Pages,
  TreeCounterEndpoint,
  TreeService,
  type JobStatus,
  type Random,
} from './tutorials/index.js';

/** The routes, for the start-up banner and the load generator. */
export const ROUTES = [
  ['GET', '/', 'home page counter (Flask tutorial)'],
  ['GET', '/about', 'about page counter (Flask tutorial)'],
  ['GET', '/example', 'example app: 20% exceptions, slow 5% of the time, sales (French TP; ?fail=1, ?delay=0.3)'],
  ['GET', '/treecounter', 'trees planted, requests_total{status,endpoint} (PyCon workshop; ?fail=1)'],
  ['GET', '/add/<n>, /remove/<n>', 'a list whose size is the gauge list_size (Flask tutorial)'],
  ['GET', '/repos/<user>/<repo>', 'a simulated upstream call, histogram and summary (Flask tutorial)'],
  ['GET|POST', '/echo, /index, <any>/error', 'GET/POST server, /error paths throw (Japanese tutorial)'],
  ['GET', '/jobs/run', 'runs a job: ok, error or timeout (AYS jobs; ?outcome=timeout)'],
] as const;

export interface DemoApp {
  example: ExampleApp;
  trees: TreeService;
  treeCounter: TreeCounterEndpoint;
  pages: Pages;
  list: NumberList;
  github: GitHubClient;
  echo: EchoServer;
  jobs: JobRunner;
}

export function createDemoApp(random: Random = Math.random): DemoApp {
  const trees = new TreeService(random);
  return {
    example: new ExampleApp(random),
    trees,
    treeCounter: new TreeCounterEndpoint(trees),
    pages: new Pages(),
    list: new NumberList(),
    github: new GitHubClient(random),
    echo: new EchoServer(random),
    jobs: new JobRunner(random),
  };
}

type Reply = { status: number; body: string; json?: boolean };

/** The node:http request listener of the demo app. */
export function createRequestListener(app: DemoApp): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://demo');
    const method = request.method ?? 'GET';
    readBody(request)
      .then((body) => route(app, method, url, body))
      .catch((error: unknown): Reply => ({ status: error instanceof JobTimeout ? 504 : 500, body: `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}\n` }))
      .then((reply) => {
        response.statusCode = reply.status;
        response.setHeader('Content-Type', reply.json ? 'application/json' : 'text/plain; charset=utf-8');
        response.end(reply.body);
      });
  };
}

/**
 * The route template of a request, for the `route` label of the HTTP request metrics
 * (`nodeHttpMetrics`): ids never become label values, unknown paths are `__unmatched__`.
 */
export function demoRouteTemplate(request: IncomingMessage): string | undefined {
  const path = new URL(request.url ?? '/', 'http://demo').pathname;
  if (path === '/echo' || path === '/index') return path;
  if (path.endsWith('/error')) return '/*/error';
  if (path === '/' || path === '/about' || path === '/example' || path === '/treecounter' || path === '/jobs/run') return path;
  const listMatch = /^\/(add|remove)\/-?\d+$/.exec(path);
  if (listMatch) return `/${listMatch[1]}/:n`;
  if (/^\/repos\/[^/]+\/[^/]+$/.test(path)) return '/repos/:user/:repo';
  return undefined;
}

function isEchoPath(path: string): boolean {
  return path === '/echo' || path === '/index' || path.endsWith('/error');
}

async function route(app: DemoApp, method: string, url: URL, body: string): Promise<Reply> {
  const path = url.pathname;
  const ok = (text: string): Reply => ({ status: 200, body: text });
  if (isEchoPath(path)) {
    if (method === 'GET') return ok(await app.echo.doGet(path));
    if (method === 'POST') return ok(await app.echo.doPost(path, body));
    return { status: 405, body: 'Method Not Allowed\n' };
  }
  if (method !== 'GET') return { status: 405, body: 'Method Not Allowed\n' };
  if (path === '/') return ok(app.pages.home());
  if (path === '/about') return ok(app.pages.about());
  if (path === '/example') {
    const delay = url.searchParams.get('delay');
    return ok(await app.example.handle({ fail: flag(url, 'fail'), delaySeconds: delay === null ? undefined : Number(delay) }));
  }
  if (path === '/treecounter') return ok(await app.treeCounter.get(flag(url, 'fail')));
  const listMatch = /^\/(add|remove)\/(-?\d+)$/.exec(path);
  if (listMatch) return ok(listMatch[1] === 'add' ? app.list.add(Number(listMatch[2])) : app.list.remove(Number(listMatch[2])));
  const repoMatch = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
  if (repoMatch) return { status: 200, json: true, body: `${JSON.stringify(await app.github.getRepository(repoMatch[1], repoMatch[2]))}\n` };
  if (path === '/jobs/run') {
    const outcome = url.searchParams.get('outcome');
    const forced = JOB_STATUSES.includes(outcome as JobStatus) ? (outcome as JobStatus) : undefined;
    return ok(`job finished: ${await app.jobs.execute(forced)}\n`);
  }
  return { status: 404, body: `Not Found. Routes:\n${ROUTES.map(([verb, route, what]) => `  ${verb} ${route}  ${what}`).join('\n')}\n` };
}

/** `?fail=1` forces a failure, `?fail=0` a success; absent leaves it to chance. */
function flag(url: URL, name: string): boolean | undefined {
  const value = url.searchParams.get(name);
  return value === null ? undefined : value === '1' || value === 'true';
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
