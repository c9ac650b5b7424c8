import autocannon from 'autocannon';
import express from 'express';
import promBundle from 'express-prom-bundle';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { metricsHandler } from '../lib/exposition/handler.js';
import { httpMetrics } from '../lib/http-metrics/express.js';
import { describeMachine, type Machine } from './support/machine.js';
import { replaceBetweenMarkers } from './support/markers.js';
import { median } from './support/stats.js';

/**
 * `npm run bench:http`: the cost of HTTP request metrics under real load on loopback. The
 * same Express app runs bare, with express-prom-bundle and with our `httpMetrics()`, each in
 * its own server process; autocannon loads them in turn, the order rotating every round, so
 * the noise of a shared machine falls on all three alike. Medians over the rounds are printed
 * and written between the bench:http markers of BENCHMARKS.md.
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

const VARIANTS = ['bare', 'express-prom-bundle', 'prom-decorators'] as const;
type Variant = (typeof VARIANTS)[number];

const DESCRIPTIONS: Record<Variant, string> = {
  bare: 'bare Express 5 app',
  'express-prom-bundle': 'with express-prom-bundle 8 (`includeMethod`, `includePath`, `includeStatusCode`)',
  'prom-decorators': 'with our `httpMetrics()` (defaults: counter, histogram, in-flight gauge)',
};

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
const MIDDLEWARE_CODE: Record<Exclude<Variant, 'bare'>, { files: RegExp; handsOn: (frame: ProfileFrame) => boolean }> = {
  'express-prom-bundle': {
    files: /node_modules\/(express-prom-bundle|on-finished|ee-first|prom-client|url-value-parser)\//,
    handsOn: (frame) => frame.url.includes('express-prom-bundle/src/index.js') && frame.functionName === 'middleware',
  },
  'prom-decorators': {
    files: /\/lib\/http-metrics\//,
    handsOn: (frame) => frame.functionName === 'httpMetricsMiddleware',
  },
};

/** The path loaded: a parameterised route, so each middleware has to turn `/users/42` into a label. */
const LOADED_PATH = '/users/42?fields=name';

// ---------------------------------------------------------------- server side (child process)

/** The app under test: one JSON route, plus /metrics where a middleware is present. */
function serve(variant: Variant): void {
  const app = express();
  if (variant === 'express-prom-bundle') {
    app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }));
  } else if (variant === 'prom-decorators') {
    app.use(httpMetrics());
    app.get('/metrics', metricsHandler());
  }
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id, name: 'Ada' });
  });
  const server: Server = app.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
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
    const { ownMicros, gcMicros } = attribute(cpuProfile, variant === 'bare' ? undefined : MIDDLEWARE_CODE[variant]);
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

interface HttpRun {
  machine: Machine;
  plan: Plan;
  quick: boolean;
  seconds: number;
  summaries: VariantSummary[];
  /** Our overhead over express-prom-bundle's, from the median overheads in the table: server CPU and throughput. */
  cpuRatio: number;
  throughputRatio: number;
  /** Ours / express-prom-bundle's, from the profiled phase: own code plus added GC. */
  profiledRatio: number;
  /** The same ratios taken within each round (the three variants ran back to back). */
  cpuRatios: number[];
  throughputRatios: number[];
  /** What each instrumented server had recorded for the loaded route after the run. */
  recorded: Record<'express-prom-bundle' | 'prom-decorators', string>;
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
    const cpuRatios: number[] = [];
    const throughputRatios: number[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      const order = servers.map((_, i) => servers[(i + round) % servers.length]);
      step(`round ${round + 1} of ${plan.rounds}: ${order.map((server) => server.variant).join(', ')}`);
      const inRound = new Map<Variant, Sample>();
      for (const server of order) {
        const sample = await load(server, plan.seconds, plan.connections);
        samples.get(server.variant)!.push(sample);
        inRound.set(server.variant, sample);
      }
      const bare = inRound.get('bare')!;
      const bundle = inRound.get('express-prom-bundle')!;
      const ours = inRound.get('prom-decorators')!;
      cpuRatios.push((ours.cpuMicrosPerRequest - bare.cpuMicrosPerRequest) / (bundle.cpuMicrosPerRequest - bare.cpuMicrosPerRequest));
      throughputRatios.push((1 / ours.requestsPerSecond - 1 / bare.requestsPerSecond) / (1 / bundle.requestsPerSecond - 1 / bare.requestsPerSecond));
    }
    const byVariant = (variant: Variant) => servers.find((server) => server.variant === variant)!;
    const recorded = {
      'express-prom-bundle': routeLines(await fetchText(`${byVariant('express-prom-bundle').url}/metrics`), 'http_request_duration_seconds_count'),
      'prom-decorators': routeLines(await fetchText(`${byVariant('prom-decorators').url}/metrics`), 'http_requests_total'),
    };
    const profiled = new Map<Variant, ProfiledCost>();
    for (const server of servers) await stopServer(server); // the profiled servers run alone
    for (const variant of VARIANTS) {
      step(`${variant} under the CPU profiler, ${plan.profileSeconds} s`);
      profiled.set(variant, await profile(variant, plan));
    }
    const bareRps = median(samples.get('bare')!.map((sample) => sample.requestsPerSecond));
    const bareCpu = median(samples.get('bare')!.map((sample) => sample.cpuMicrosPerRequest));
    const summaries = VARIANTS.map((variant): VariantSummary => {
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
        addedGcMicros: profiled.get(variant)!.gcMicros - profiled.get('bare')!.gcMicros,
      };
    });
    const run: HttpRun = {
      machine,
      plan,
      quick,
      seconds: (Date.now() - started) / 1000,
      summaries,
      cpuRatio: summaries[2].overheadFromCpuMicros / summaries[1].overheadFromCpuMicros,
      throughputRatio: summaries[2].overheadFromThroughputMicros / summaries[1].overheadFromThroughputMicros,
      profiledRatio: costOf(summaries[2]) / costOf(summaries[1]),
      cpuRatios,
      throughputRatios,
      recorded,
    };
    const markdown = render(run);
    replaceBetweenMarkers(out, 'bench:http', markdown, '<!-- bench:http:start -->\n<!-- bench:http:end -->\n');
    process.stdout.write(`${markdown}\n`);
    step(
      `done: our overhead is ${run.profiledRatio.toFixed(2)} of express-prom-bundle's (profiled), ${run.cpuRatio.toFixed(2)} (server CPU), ` +
        `${run.throughputRatio.toFixed(2)} (throughput); written to ${path.relative(process.cwd(), out) || out}`,
    );
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
  const { machine, plan } = run;
  const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  const lines: string[] = [];
  lines.push('## HTTP request metrics under load (Express, loopback)');
  lines.push('');
  if (run.quick) lines.push('**QUICK RUN (--quick: a fraction of a second per variant, numbers meaningless)**', '');
  lines.push(
    `Run on ${machine.date}: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ${machine.client}, ${machine.platform}; ` +
      `load average ${machine.loadAtStart.toFixed(2)} at the start (other processes share these cores). ` +
      `${plan.rounds} round${plan.rounds === 1 ? '' : 's'} of ${plan.seconds} s per variant after a ${plan.warmupSeconds} s warm-up each, ` +
      `the order of the three rotating every round; autocannon with ${plan.connections} connections on \`GET ${LOADED_PATH}\`, ` +
      `each server in its own process. Medians over the rounds; the whole run took ${Math.round(run.seconds)} s.`,
  );
  lines.push('');
  lines.push('| variant | requests/s | p99 latency (ms) | server CPU per request (µs) | added per request, from throughput (µs) | added per request, server CPU (µs) | middleware code per request (µs, profiled) | added GC per request (µs, profiled) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const summary of run.summaries) {
    const isBare = summary.variant === 'bare';
    const unlessBare = (value: number) => (isBare ? '—' : fixed(value, 1));
    lines.push(
      `| ${DESCRIPTIONS[summary.variant]} | ${fixed(summary.requestsPerSecond, 0)} | ${fixed(summary.p99Ms, 1)} | ${fixed(summary.cpuMicrosPerRequest, 1)} | ` +
        `${unlessBare(summary.overheadFromThroughputMicros)} | ${unlessBare(summary.overheadFromCpuMicros)} | ${unlessBare(summary.ownCodeMicros)} | ${unlessBare(summary.addedGcMicros)} |`,
    );
  }
  const bare = run.summaries[0];
  const bundle = run.summaries[1];
  const ours = run.summaries[2];
  lines.push('');
  lines.push(
    `Throughput relative to the bare app: express-prom-bundle ${fixed(bundle.requestsPerSecond / bare.requestsPerSecond, 3)}, ` +
      `ours ${fixed(ours.requestsPerSecond / bare.requestsPerSecond, 3)}; ours against express-prom-bundle: ${fixed(ours.requestsPerSecond / bundle.requestsPerSecond, 3)}x the requests per second.`,
  );
  lines.push('');
  const verdict = (ratio: number) => (Number.isFinite(ratio) && ratio <= 0.5 ? 'met' : '**not met**');
  const perRound = (ratios: number[]) => ratios.map((ratio) => fixed(ratio, 2)).join(', ');
  lines.push('| target: our overhead ≤ 0.5 of express-prom-bundle\'s | ours / theirs | median of the per-round ratios | per round | verdict |');
  lines.push('|---|---:|---:|---|---|');
  lines.push(`| middleware code + added GC per request (profiled) | ${fixed(run.profiledRatio, 2)} | | | ${verdict(run.profiledRatio)} |`);
  lines.push(`| server CPU per request (medians above) | ${fixed(run.cpuRatio, 2)} | ${fixed(median(run.cpuRatios), 2)} | ${perRound(run.cpuRatios)} | ${verdict(run.cpuRatio)} |`);
  lines.push(
    `| time per request from throughput (medians above) | ${fixed(run.throughputRatio, 2)} | ${fixed(median(run.throughputRatios), 2)} | ${perRound(run.throughputRatios)} | ${verdict(run.throughputRatio)} |`,
  );
  lines.push('');
  lines.push(
    'Overhead is what a middleware adds to each request, measured three ways. **Profiled**: each server runs once more, alone, under V8\'s sampling profiler; ' +
      'the samples in the middleware\'s own code (its functions and what they call: for express-prom-bundle also on-finished, prom-client and url-value-parser; ' +
      'not the app behind its `next()`) plus the garbage collection beyond the bare app\'s, per request. It depends less on what else runs on the machine than the two figures below, but comes from one run of each server. ' +
      '**Server CPU**: the server\'s CPU time per request minus the bare app\'s. **Throughput**: (1 / its requests per second) − (1 / the bare app\'s). ' +
      'The last two are differences of figures that swing from round to round on a shared machine; the ratio taken within each round (the three variants back to back) is shown beside them. ' +
      'The two middlewares do comparable work: a request counter and a duration histogram by method, path or route, and status code; ours also keeps the in-flight gauge.',
  );
  lines.push('');
  lines.push('What each recorded for the load (express-prom-bundle normalises the URL; ours labels the route template):');
  lines.push('');
  lines.push('```');
  lines.push(run.recorded['express-prom-bundle']);
  lines.push(run.recorded['prom-decorators']);
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
