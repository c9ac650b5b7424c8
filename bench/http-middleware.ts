import { serve as serveHono } from '@hono/node-server';
import { prometheus as honoPrometheus } from '@hono/prometheus';
import autocannon from 'autocannon';
import express from 'express';
import promBundle from 'express-prom-bundle';
import { Hono } from 'hono';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { metricsHandler } from '../lib/exposition/handler.js';
import { honoMetrics } from '../lib/exposition/hono.js';
import { expressHttpMetrics } from '../lib/http-metrics/express.js';
import { honoHttpMetrics } from '../lib/http-metrics/hono.js';
import { describeMachine, type Machine } from './support/machine.js';
import { replaceBetweenMarkers } from './support/markers.js';
import { describeRuntime, type Runtime } from './support/runtime.js';
import { median } from './support/stats.js';

/**
 * `npm run bench:http`: the cost of HTTP request metrics under real load on loopback. The
 * same Express app runs bare, with express-prom-bundle and with our `expressHttpMetrics()`,
 * and the same Hono app on @hono/node-server bare, with @hono/prometheus and with our
 * `honoHttpMetrics()`, each in its own server process; autocannon loads them in turn, the
 * order rotating every round, so the noise of a shared machine falls on all six alike.
 * Medians over the rounds are printed and written between the bench:http markers of
 * BENCHMARKS.md.
 *
 *   node .build/bench/http-middleware.js [--quick] [--rounds=N] [--seconds=S] [--out=FILE]
 *
 * Besides requests per second and p99 latency (what a client sees), each server reports its
 * own CPU time per request. On a machine shared with other work both still swing from round
 * to round, so a last phase runs each server once more under V8's sampling profiler and
 * attributes CPU time to the middleware's own code (its functions and everything they call,
 * but not the rest of the app they hand over to) and to garbage collection: a cost per
 * request that depends less on the other processes on the machine.
 */

const VARIANTS = ['bare', 'express-prom-bundle', 'prom-decorators', 'bare-hono', 'hono-prometheus', 'prom-decorators-hono'] as const;
type Variant = (typeof VARIANTS)[number];

const DESCRIPTIONS: Record<Variant, string> = {
  bare: 'bare Express 5 app',
  'express-prom-bundle': 'with express-prom-bundle 8 (`includeMethod`, `includePath`, `includeStatusCode`)',
  'prom-decorators': 'with our `expressHttpMetrics()` (defaults: counter, histogram, in-flight gauge)',
  'bare-hono': 'bare Hono 4 app on @hono/node-server',
  'hono-prometheus': 'with @hono/prometheus 1 (`registerMetrics`: counter, histogram)',
  'prom-decorators-hono': 'with our `honoHttpMetrics()` (defaults: counter, histogram, in-flight gauge)',
};

/** Each framework's three variants: the bare app, the other middleware, ours. */
interface Comparison {
  framework: string;
  bare: Variant;
  theirs: Variant;
  ours: Variant;
  /** The other middleware's name, for the report. */
  theirName: string;
  /** The metric whose lines show what each recorded for the load. */
  theirMetric: string;
}

const COMPARISONS: Comparison[] = [
  { framework: 'Express', bare: 'bare', theirs: 'express-prom-bundle', ours: 'prom-decorators', theirName: 'express-prom-bundle', theirMetric: 'http_request_duration_seconds_count' },
  { framework: 'Hono', bare: 'bare-hono', theirs: 'hono-prometheus', ours: 'prom-decorators-hono', theirName: '@hono/prometheus', theirMetric: 'http_requests_total' },
];

interface Plan {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Load per variant under the profiler. */
  profileSeconds: number;
}

const FULL: Plan = { rounds: 11, seconds: 3, warmupSeconds: 3, connections: 10, profileSeconds: 6 };
const QUICK: Plan = { rounds: 1, seconds: 0.5, warmupSeconds: 0.3, connections: 4, profileSeconds: 0.5 };

/**
 * The code each middleware runs per request, by the file its frames come from. A sample
 * counts when its stack holds one of these frames, except frames that hand the request on
 * (`next()`): the app behind them is not the middleware's cost, their own time is.
 */
const MIDDLEWARE_CODE: Record<Exclude<Variant, 'bare' | 'bare-hono'>, { files: RegExp; handsOn: (frame: ProfileFrame) => boolean }> = {
  'express-prom-bundle': {
    files: /node_modules\/(express-prom-bundle|on-finished|ee-first|prom-client|url-value-parser)\//,
    handsOn: (frame) => frame.url.includes('express-prom-bundle/src/index.js') && frame.functionName === 'middleware',
  },
  'prom-decorators': {
    files: /\/lib\/http-metrics\//,
    handsOn: (frame) => frame.functionName === 'httpMetricsMiddleware',
  },
  // Its middleware is the anonymous async function given to createMiddleware().
  'hono-prometheus': {
    files: /node_modules\/(@hono\/prometheus|prom-client)\//,
    handsOn: (frame) => frame.url.includes('@hono/prometheus/dist/') && frame.functionName === '',
  },
  'prom-decorators-hono': {
    files: /\/lib\/http-metrics\//,
    handsOn: (frame) => frame.functionName === 'honoHttpMetricsMiddleware',
  },
};

const isBare = (variant: Variant): variant is 'bare' | 'bare-hono' => variant === 'bare' || variant === 'bare-hono';

/** The path loaded: a parameterised route, so each middleware has to turn `/users/42` into a label. */
const LOADED_PATH = '/users/42?fields=name';

// ---------------------------------------------------------------- server side (child process)

/** The app under test: one JSON route, plus /metrics where a middleware is present. */
function serve(variant: Variant): void {
  const server = variant === 'bare' || variant === 'express-prom-bundle' || variant === 'prom-decorators' ? serveExpress(variant) : serveHonoApp(variant);
  server.once('listening', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message: string) => {
    if (message === 'cpu') {
      const usage = process.cpuUsage();
      process.send!({ cpuMicros: usage.user + usage.system });
    } else if (message === 'stop') {
      server.close();
      server.closeAllConnections();
      process.disconnect();
    }
  });
}

function serveExpress(variant: 'bare' | 'express-prom-bundle' | 'prom-decorators'): Server {
  const app = express();
  if (variant === 'express-prom-bundle') {
    app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }));
  } else if (variant === 'prom-decorators') {
    app.use(expressHttpMetrics());
    app.get('/metrics', metricsHandler());
  }
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id, name: 'Ada' });
  });
  return app.listen(0, '127.0.0.1');
}

function serveHonoApp(variant: 'bare-hono' | 'hono-prometheus' | 'prom-decorators-hono'): Server {
  const app = new Hono();
  if (variant === 'hono-prometheus') {
    const { printMetrics, registerMetrics } = honoPrometheus();
    app.use('*', registerMetrics);
    app.get('/metrics', printMetrics);
  } else if (variant === 'prom-decorators-hono') {
    app.use(honoHttpMetrics());
    app.get('/metrics', honoMetrics());
  }
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), name: 'Ada' }));
  return serveHono({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
}

// ---------------------------------------------------------------- driver (parent process)

interface RunningServer {
  variant: Variant;
  child: ChildProcess;
  url: string;
}

interface Sample {
  requestsPerSecond: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
}

function startServer(variant: Variant, execArgv: string[] = []): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [`--serve=${variant}`], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message: { port: number }) => resolve({ variant, child, url: `http://127.0.0.1:${message.port}` }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the ${variant} server exited with code ${code} before listening`)));
  });
}

function stopServer(server: RunningServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || !server.child.connected) return resolve();
    server.child.once('exit', () => resolve());
    server.child.send('stop');
  });
}

interface ProfileFrame {
  functionName: string;
  url: string;
}

interface CpuProfile {
  nodes: { id: number; callFrame: ProfileFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface ProfiledCost {
  /** CPU in the middleware's own code per request, µs (0 for the bare app). */
  ownMicros: number;
  /** Garbage collection per request, µs. */
  gcMicros: number;
}

/** Loads a server started under `--cpu-prof` and reads, from its profile, what each request cost the middleware and the GC. */
async function profile(variant: Variant, plan: Plan): Promise<ProfiledCost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-http-profile-${variant}-`));
  try {
    const server = await startServer(variant, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const result = await autocannon({ url: server.url + LOADED_PATH, connections: plan.connections, duration: plan.profileSeconds });
    await stopServer(server); // the profile is written when the process exits
    const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no CPU profile from the ${variant} server`);
    const cpuProfile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const { ownMicros, gcMicros } = attribute(cpuProfile, isBare(variant) ? undefined : MIDDLEWARE_CODE[variant]);
    return { ownMicros: ownMicros / result.requests.total, gcMicros: gcMicros / result.requests.total };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function attribute(cpuProfile: CpuProfile, code: (typeof MIDDLEWARE_CODE)[keyof typeof MIDDLEWARE_CODE] | undefined): { ownMicros: number; gcMicros: number } {
  const nodes = new Map(cpuProfile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of cpuProfile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const timeByNode = new Map<number, number>();
  cpuProfile.samples.forEach((id, i) => timeByNode.set(id, (timeByNode.get(id) ?? 0) + (cpuProfile.timeDeltas[i] ?? 0)));
  let ownMicros = 0;
  let gcMicros = 0;
  for (const [id, micros] of timeByNode) {
    const leaf = nodes.get(id)!.callFrame;
    if (leaf.functionName === '(garbage collector)') gcMicros += micros;
    if (code === undefined) continue;
    let counted = code.files.test(leaf.url);
    for (let up = parentOf.get(id); !counted && up !== undefined; up = parentOf.get(up)) {
      const frame = nodes.get(up)!.callFrame;
      counted = code.files.test(frame.url) && !code.handsOn(frame);
    }
    if (counted) ownMicros += micros;
  }
  return { ownMicros, gcMicros };
}

function cpuOf(server: RunningServer): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { cpuMicros: number }) => resolve(message.cpuMicros));
    server.child.send('cpu');
  });
}

async function load(server: RunningServer, seconds: number, connections: number): Promise<Sample> {
  const cpuBefore = await cpuOf(server);
  const result = await autocannon({ url: server.url + LOADED_PATH, connections, duration: seconds });
  const cpuAfter = await cpuOf(server);
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${server.variant}: ${result.errors} errors and ${result.non2xx} non-2xx answers under load`);
  }
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: (cpuAfter - cpuBefore) / result.requests.total,
  };
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

interface VariantSummary {
  variant: Variant;
  requestsPerSecond: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  /** Added time per request over the bare app: from throughput (1/rps) and from server CPU. */
  overheadFromThroughputMicros: number;
  overheadFromCpuMicros: number;
  /** From the profiled phase: the middleware's own code, and the GC it adds over the bare app, per request. */
  ownCodeMicros: number;
  addedGcMicros: number;
}

/** Ours against the other middleware of one framework, each over its own bare app. */
interface ComparisonResult {
  comparison: Comparison;
  /** Our overhead over theirs, from the median overheads in the table: server CPU and throughput. */
  cpuRatio: number;
  throughputRatio: number;
  /** Ours / theirs, from the profiled phase: own code plus added GC. */
  profiledRatio: number;
  /** The same ratios taken within each round (the variants ran back to back). */
  cpuRatios: number[];
  throughputRatios: number[];
  /** What each instrumented server had recorded for the loaded route after the run: theirs, then ours. */
  recorded: [string, string];
}

interface HttpRun {
  machine: Machine;
  runtime: Runtime;
  plan: Plan;
  quick: boolean;
  seconds: number;
  summaries: VariantSummary[];
  results: ComparisonResult[];
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const plan: Plan = { ...(quick ? QUICK : FULL) };
  const rounds = argument('rounds');
  const seconds = argument('seconds');
  if (rounds !== undefined) plan.rounds = Number(rounds);
  if (seconds !== undefined) plan.seconds = Number(seconds);
  const out = path.resolve(argument('out') ?? 'BENCHMARKS.md');
  const started = Date.now();
  const step = (what: string) => process.stderr.write(`bench:http: ${what} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  const machine = describeMachine();

  const servers = await Promise.all(VARIANTS.map((variant) => startServer(variant)));
  try {
    step(`warm-up, ${plan.warmupSeconds} s per variant`);
    for (const server of servers) await load(server, plan.warmupSeconds, plan.connections);
    const samples = new Map<Variant, Sample[]>(VARIANTS.map((variant) => [variant, []]));
    const perRound = COMPARISONS.map(() => ({ cpu: [] as number[], throughput: [] as number[] }));
    for (let round = 0; round < plan.rounds; round++) {
      const order = servers.map((_, i) => servers[(i + round) % servers.length]);
      step(`round ${round + 1} of ${plan.rounds}: ${order.map((server) => server.variant).join(', ')}`);
      const inRound = new Map<Variant, Sample>();
      for (const server of order) {
        const sample = await load(server, plan.seconds, plan.connections);
        samples.get(server.variant)!.push(sample);
        inRound.set(server.variant, sample);
      }
      COMPARISONS.forEach((comparison, i) => {
        const bare = inRound.get(comparison.bare)!;
        const theirs = inRound.get(comparison.theirs)!;
        const ours = inRound.get(comparison.ours)!;
        perRound[i].cpu.push((ours.cpuMicrosPerRequest - bare.cpuMicrosPerRequest) / (theirs.cpuMicrosPerRequest - bare.cpuMicrosPerRequest));
        perRound[i].throughput.push((1 / ours.requestsPerSecond - 1 / bare.requestsPerSecond) / (1 / theirs.requestsPerSecond - 1 / bare.requestsPerSecond));
      });
    }
    const byVariant = (variant: Variant) => servers.find((server) => server.variant === variant)!;
    const recorded: [string, string][] = [];
    for (const comparison of COMPARISONS) {
      recorded.push([
        routeLines(await fetchText(`${byVariant(comparison.theirs).url}/metrics`), comparison.theirMetric),
        routeLines(await fetchText(`${byVariant(comparison.ours).url}/metrics`), 'http_requests_total'),
      ]);
    }
    const profiled = new Map<Variant, ProfiledCost>();
    for (const server of servers) await stopServer(server); // the profiled servers run alone
    for (const variant of VARIANTS) {
      step(`${variant} under the CPU profiler, ${plan.profileSeconds} s`);
      profiled.set(variant, await profile(variant, plan));
    }
    const bareOf = (variant: Variant): Variant => COMPARISONS.find((comparison) => [comparison.bare, comparison.theirs, comparison.ours].includes(variant))!.bare;
    const summaries = VARIANTS.map((variant): VariantSummary => {
      const bare = bareOf(variant);
      const bareRps = median(samples.get(bare)!.map((sample) => sample.requestsPerSecond));
      const bareCpu = median(samples.get(bare)!.map((sample) => sample.cpuMicrosPerRequest));
      const taken = samples.get(variant)!;
      const requestsPerSecond = median(taken.map((sample) => sample.requestsPerSecond));
      const cpuMicrosPerRequest = median(taken.map((sample) => sample.cpuMicrosPerRequest));
      return {
        variant,
        requestsPerSecond,
        p99Ms: median(taken.map((sample) => sample.p99Ms)),
        cpuMicrosPerRequest,
        overheadFromThroughputMicros: (1 / requestsPerSecond - 1 / bareRps) * 1e6,
        overheadFromCpuMicros: cpuMicrosPerRequest - bareCpu,
        ownCodeMicros: profiled.get(variant)!.ownMicros,
        addedGcMicros: profiled.get(variant)!.gcMicros - profiled.get(bare)!.gcMicros,
      };
    });
    const summaryOf = (variant: Variant) => summaries.find((summary) => summary.variant === variant)!;
    const results = COMPARISONS.map((comparison, i): ComparisonResult => {
      const theirs = summaryOf(comparison.theirs);
      const ours = summaryOf(comparison.ours);
      return {
        comparison,
        cpuRatio: ours.overheadFromCpuMicros / theirs.overheadFromCpuMicros,
        throughputRatio: ours.overheadFromThroughputMicros / theirs.overheadFromThroughputMicros,
        profiledRatio: costOf(ours) / costOf(theirs),
        cpuRatios: perRound[i].cpu,
        throughputRatios: perRound[i].throughput,
        recorded: recorded[i],
      };
    });
    const run: HttpRun = { machine, runtime: describeRuntime(), plan, quick, seconds: (Date.now() - started) / 1000, summaries, results };
    const markdown = render(run);
    replaceBetweenMarkers(out, 'bench:http', markdown, '<!-- bench:http:start -->\n<!-- bench:http:end -->\n');
    process.stdout.write(`${markdown}\n`);
    const verdicts = results.map(
      (result) =>
        `against ${result.comparison.theirName} ours is ${result.profiledRatio.toFixed(2)} (profiled), ${result.cpuRatio.toFixed(2)} (server CPU), ${result.throughputRatio.toFixed(2)} (throughput)`,
    );
    step(`done: our overhead ${verdicts.join('; ')}; written to ${path.relative(process.cwd(), out) || out}`);
  } finally {
    for (const server of servers) await stopServer(server);
  }
}

/** What a middleware adds to each request by the profile: its own code and the garbage it makes. */
function costOf(summary: VariantSummary): number {
  return summary.ownCodeMicros + Math.max(0, summary.addedGcMicros);
}

/** The sample lines of one metric, to show what each middleware made of `/users/42?fields=name`. */
function routeLines(exposition: string, metric: string): string {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .join('\n');
}

function render(run: HttpRun): string {
  const { machine, runtime, plan } = run;
  const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  const summaryOf = (variant: Variant) => run.summaries.find((summary) => summary.variant === variant)!;
  const lines: string[] = [];
  lines.push('## HTTP request metrics under load (Express and Hono, loopback)');
  lines.push('');
  if (run.quick) lines.push('**QUICK RUN (--quick: a fraction of a second per variant, numbers meaningless)**', '');
  lines.push(
    `Run on ${machine.date}: ${machine.cores} cores (${machine.cpu}), node ${runtime.node}, ${runtime.client}, ${machine.platform}; ` +
      `load average ${machine.loadAtStart.toFixed(2)} at the start (other processes share these cores). ` +
      `${plan.rounds} round${plan.rounds === 1 ? '' : 's'} of ${plan.seconds} s per variant after a ${plan.warmupSeconds} s warm-up each, ` +
      `the order of the ${VARIANTS.length} rotating every round; autocannon with ${plan.connections} connections on \`GET ${LOADED_PATH}\`, ` +
      `each server in its own process. Medians over the rounds; the whole run took ${Math.round(run.seconds)} s. ` +
      'Each middleware\'s overhead is taken over the bare app of its own framework.',
  );
  lines.push('');
  lines.push('| variant | requests/s | p99 latency (ms) | server CPU per request (µs) | added per request, from throughput (µs) | added per request, server CPU (µs) | middleware code per request (µs, profiled) | added GC per request (µs, profiled) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const summary of run.summaries) {
    const unlessBare = (value: number) => (isBare(summary.variant) ? '—' : fixed(value, 1));
    lines.push(
      `| ${DESCRIPTIONS[summary.variant]} | ${fixed(summary.requestsPerSecond, 0)} | ${fixed(summary.p99Ms, 1)} | ${fixed(summary.cpuMicrosPerRequest, 1)} | ` +
        `${unlessBare(summary.overheadFromThroughputMicros)} | ${unlessBare(summary.overheadFromCpuMicros)} | ${unlessBare(summary.ownCodeMicros)} | ${unlessBare(summary.addedGcMicros)} |`,
    );
  }
  lines.push('');
  for (const { comparison } of run.results) {
    const bare = summaryOf(comparison.bare);
    const theirs = summaryOf(comparison.theirs);
    const ours = summaryOf(comparison.ours);
    lines.push(
      `${comparison.framework}, throughput relative to the bare app: ${comparison.theirName} ${fixed(theirs.requestsPerSecond / bare.requestsPerSecond, 3)}, ` +
        `ours ${fixed(ours.requestsPerSecond / bare.requestsPerSecond, 3)}; ours against ${comparison.theirName}: ${fixed(ours.requestsPerSecond / theirs.requestsPerSecond, 3)}x the requests per second.`,
    );
    lines.push('');
  }
  const verdict = (ratio: number) => (Number.isFinite(ratio) && ratio <= 0.5 ? 'met' : '**not met**');
  const perRound = (ratios: number[]) => ratios.map((ratio) => fixed(ratio, 2)).join(', ');
  for (const result of run.results) {
    const { theirName } = result.comparison;
    lines.push(`| target: our overhead ≤ 0.5 of ${theirName}'s | ours / theirs | median of the per-round ratios | per round | verdict |`);
    lines.push('|---|---:|---:|---|---|');
    lines.push(`| middleware code + added GC per request (profiled) | ${fixed(result.profiledRatio, 2)} | | | ${verdict(result.profiledRatio)} |`);
    lines.push(`| server CPU per request (medians above) | ${fixed(result.cpuRatio, 2)} | ${fixed(median(result.cpuRatios), 2)} | ${perRound(result.cpuRatios)} | ${verdict(result.cpuRatio)} |`);
    lines.push(
      `| time per request from throughput (medians above) | ${fixed(result.throughputRatio, 2)} | ${fixed(median(result.throughputRatios), 2)} | ${perRound(result.throughputRatios)} | ${verdict(result.throughputRatio)} |`,
    );
    lines.push('');
  }
  lines.push(
    'Overhead is what a middleware adds to each request, measured three ways. **Profiled**: each server runs once more, alone, under V8\'s sampling profiler; ' +
      'the samples in the middleware\'s own code (its functions and what they call: for express-prom-bundle also on-finished, prom-client and url-value-parser, for @hono/prometheus also prom-client; ' +
      'not the app behind its `next()`) plus the garbage collection beyond the bare app\'s, per request. It depends less on what else runs on the machine than the two figures below, but comes from one run of each server. ' +
      '**Server CPU**: the server\'s CPU time per request minus the bare app\'s. **Throughput**: (1 / its requests per second) − (1 / the bare app\'s). ' +
      'The last two are differences of figures that swing from round to round on a shared machine; the ratio taken within each round (the variants back to back) is shown beside them. ' +
      'The middlewares do comparable work: a request counter and a duration histogram by method, path or route, and status code; ours also keeps the in-flight gauge. ' +
      '@hono/prometheus times until the handlers have returned their response; ours, on @hono/node-server, until the response is written.',
  );
  lines.push('');
  lines.push('What each recorded for the load (express-prom-bundle normalises the URL; @hono/prometheus and ours label the route template):');
  lines.push('');
  lines.push('```');
  for (const result of run.results) lines.push(...result.recorded);
  lines.push('```');
  lines.push('');
  lines.push('Rerun: `npm run bench:http` (options after `--`: `--rounds=N`, `--seconds=S`, `--quick`, `--out=FILE`).');
  return lines.join('\n');
}

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const serveAs = argument('serve');
if (serveAs !== undefined) {
  if (!(VARIANTS as readonly string[]).includes(serveAs)) throw new Error(`unknown variant ${serveAs}`);
  serve(serveAs as Variant);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
