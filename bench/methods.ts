import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppLikeOptions, AppLikeResult } from './groups/app-like.js';
import type { EndpointOptions, EndpointResult } from './groups/endpoint.js';
import type { MemoryOptions, MemoryResult } from './groups/memory.js';
import type { MethodCallsOptions, MethodCallsResult } from './groups/method-calls.js';
import type { StartupOptions, StartupResult } from './groups/startup.js';
import { HEAP_FLAGS, runGroup, type Lane } from './support/group-process.js';
import { describeMachine } from './support/machine.js';
import { replaceBetweenMarkers } from './support/markers.js';
import { currentNode, findNode, type NodeBinary } from './support/nodes.js';
import { renderReport } from './support/report.js';
import type { BenchRun, HeapFlagsCheck, LaneRun } from './support/run.js';
import { median } from './support/stats.js';

/**
 * `npm run bench` (this file is its first step, also `npm run bench:methods`): prom-decorators
 * against hand-written Prometheus client code and the OpenTelemetry SDK. The headline lane
 * runs Node 24 with @prometheus-io/client, the second Node 20 with prom-client 15 (each
 * comparison on one client: the library's and the hand-written code's). Every group runs in
 * a fresh node process with fixed heap flags; ratios are taken within one process. The
 * results are printed and written between the bench:methods markers of BENCHMARKS.md.
 *
 *   node .build/bench/methods.js [--quick] [--out=FILE] [--json=FILE]
 *
 * Node 24 comes from NODE24, else the running node if it is 24, else PATH; Node 20 from
 * NODE20 the same way. A lane whose node is not found runs on the current node, and the
 * report says so. --quick runs every group once with tiny iteration counts (the test suite
 * uses it to prove the benchmark works; its numbers mean nothing). --out writes somewhere
 * else than ./BENCHMARKS.md; --json also writes the raw results.
 */

interface Plan {
  calls: Omit<MethodCallsOptions, 'mode' | 'only' | 'openTelemetry'> & { asyncBatch: number };
  appLike: AppLikeOptions & { processes: number };
  endpoint: Omit<EndpointOptions, 'series'> & { sizes: number[] };
  memory: Omit<MemoryOptions, 'openTelemetry'>;
  startup: { samples: number };
  heapFlags: { processes: number; rounds: number; timeMs: number };
}

const FULL: Plan = {
  calls: { rounds: 7, timeMs: 100, warmupMs: 30, batch: 1000, asyncBatch: 200 },
  appLike: { rounds: 7, timeMs: 100, warmupMs: 30, batch: 1000, classes: 40, methodsPerClass: 2, appCalls: 2000, processes: 3 },
  endpoint: { rounds: 3, timeMs: 400, sizes: [1_000, 10_000, 100_000] },
  memory: { calls: 1_000_000, methods: 2_000 },
  startup: { samples: 15 },
  heapFlags: { processes: 5, rounds: 3, timeMs: 60 },
};

const QUICK: Plan = {
  calls: { rounds: 1, timeMs: 2, warmupMs: 1, batch: 10, asyncBatch: 5 },
  appLike: { rounds: 1, timeMs: 2, warmupMs: 1, batch: 10, classes: 40, methodsPerClass: 2, appCalls: 5, processes: 1 },
  endpoint: { rounds: 1, timeMs: 2, sizes: [320] },
  memory: { calls: 2_000, methods: 20 },
  startup: { samples: 1 },
  heapFlags: { processes: 1, rounds: 1, timeMs: 2 },
};

/** The OpenTelemetry group's rows: each SDK variant with the hand-written and default-metrics rows of the same signal. */
const OPEN_TELEMETRY_GROUP = ['count', 'time', 'inProgress', 'exceptions', 'lastCalled', 'all', 'computed'].flatMap((signal) => [
  `hand:${signal}`,
  signal === 'computed' ? 'ours:named:computed' : `ours:default:${signal}`,
  `otel:${signal}`,
]);

/** The heap flag sets the check compares: none, the issue's, and the fixed one (HEAP_FLAGS). */
const HEAP_FLAG_CANDIDATES: readonly (readonly string[])[] = [[], ['--min-semi-space-size=16'], HEAP_FLAGS];

const SKELETON = `# Benchmarks

<!-- bench:methods:start -->
<!-- bench:methods:end -->

<!-- bench:http:start -->
<!-- bench:http:end -->
`;

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/** The project root: where the build configurations are, above the compiled tree. */
function projectRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tsconfig.build.esm.json'))) return dir;
  }
  throw new Error(`no project root (with tsconfig.build.esm.json) above ${__dirname}`);
}

/**
 * The ES module build of lib/, as `npm run build` makes dist/esm, into a folder of this run's
 * own inside the project (so its imports find node_modules); removed when the run ends.
 */
function buildEsm(root: string): string {
  const out = path.join(root, '.build', `bench-esm-${process.pid}`);
  fs.rmSync(out, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(root, 'tsconfig.build.esm.json'), '--outDir', out, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false', '--noCheck'],
    { cwd: root, encoding: 'utf8' },
  );
  if (!fs.existsSync(path.join(out, 'index.js'))) throw new Error(`the ESM build of lib/ failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return out;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const plan = quick ? QUICK : FULL;
  const out = path.resolve(argument('out') ?? 'BENCHMARKS.md');
  const started = Date.now();
  const machine = describeMachine();
  const step = (what: string) => process.stderr.write(`bench: ${what} (${Math.round((Date.now() - started) / 1000)} s)\n`);

  const lookup24 = findNode(24);
  const lookup20 = findNode(20);
  const node24: NodeBinary = lookup24.found ?? currentNode();
  const node20: NodeBinary = lookup20.found ?? currentNode();
  if (lookup24.found === undefined) step(`${lookup24.how}: the headline lane runs on ${node24.version} (${node24.path})`);
  if (lookup20.found === undefined) step(`${lookup20.how}: the prom-client lane runs on ${node20.version} (${node20.path})`);
  const primaryLane: Lane = { node: node24.path, client: '@prometheus-io/client' };
  const secondaryLane: Lane = { node: node20.path, client: 'prom-client' };

  const { asyncBatch, ...calls } = plan.calls;
  const { processes: appProcesses, ...appLike } = plan.appLike;
  const laneGroups = async (lane: Lane, title: string, openTelemetry: boolean) => {
    step(`${title}: method calls, sync`);
    const sync = await runGroup<MethodCallsResult>('method-calls', { ...calls, mode: 'sync' } satisfies MethodCallsOptions, lane);
    step(`${title}: method calls, async`);
    const asyncResult = await runGroup<MethodCallsResult>('method-calls', { ...calls, batch: asyncBatch, mode: 'async' } satisfies MethodCallsOptions, lane);
    const appRuns = [];
    for (let run = 0; run < appProcesses; run++) {
      step(`${title}: app-like process ${run + 1} of ${appProcesses}`);
      appRuns.push(await runGroup<AppLikeResult>('app-like', appLike satisfies AppLikeOptions, lane));
    }
    step(`${title}: memory`);
    const memory = await runGroup<MemoryResult>('memory', { ...plan.memory, openTelemetry } satisfies MemoryOptions, lane);
    return { sync, async: asyncResult, appLike: appRuns, memory };
  };

  const root = projectRoot();
  let esm: string | undefined;
  try {
    const primaryTitle = `${node24.version}, @prometheus-io/client`;
    const primaryCommon = await laneGroups(primaryLane, primaryTitle, true);
    // OpenTelemetry's instruments allocate several KB per call: in a process of their own, with
    // the hand-written and default-metrics rows to take the ratios against, so their garbage
    // does not land on the headline rows.
    step(`${primaryTitle}: the OpenTelemetry SDK, sync`);
    const otelSync = await runGroup<MethodCallsResult>('method-calls', { ...calls, mode: 'sync', only: OPEN_TELEMETRY_GROUP, openTelemetry: true } satisfies MethodCallsOptions, primaryLane);
    step(`${primaryTitle}: the OpenTelemetry SDK, async`);
    const otelAsync = await runGroup<MethodCallsResult>(
      'method-calls',
      { ...calls, batch: asyncBatch, mode: 'async', only: OPEN_TELEMETRY_GROUP, openTelemetry: true } satisfies MethodCallsOptions,
      primaryLane,
    );
    const alone = [];
    for (const signal of ['count', 'all']) {
      step(`${primaryTitle}: one decorated method alone (${signal})`);
      alone.push(await runGroup<MethodCallsResult>('method-calls', { ...calls, mode: 'sync', only: [`hand:${signal}`, `ours:named:${signal}`] } satisfies MethodCallsOptions, primaryLane));
    }
    const endpoint = [];
    for (const series of plan.endpoint.sizes) {
      step(`${primaryTitle}: the endpoint, ${series} series`);
      endpoint.push(await runGroup<EndpointResult>('endpoint', { rounds: plan.endpoint.rounds, timeMs: plan.endpoint.timeMs, series } satisfies EndpointOptions, primaryLane));
    }
    step(`${primaryTitle}: startup (ESM build first)`);
    esm = buildEsm(root);
    const startup = await runGroup<StartupResult>(
      'startup',
      {
        samples: plan.startup.samples,
        requireEntry: path.join(__dirname, '..', 'lib', 'index.js'),
        importEntry: path.join(esm, 'index.js'),
        importBuild: 'the ESM build of lib/, built as dist/esm is',
        client: primaryLane.client,
      } satisfies StartupOptions,
      primaryLane,
    );
    const heapFlagsCheck: HeapFlagsCheck[] = [];
    for (const flags of HEAP_FLAG_CANDIDATES) {
      const check: HeapFlagsCheck = { flags: [...flags], processes: [] };
      for (let run = 0; run < plan.heapFlags.processes; run++) {
        step(`${primaryTitle}: heap flags [${flags.join(' ')}], process ${run + 1} of ${plan.heapFlags.processes}`);
        const result = await runGroup<MethodCallsResult>(
          'method-calls',
          { ...calls, rounds: plan.heapFlags.rounds, timeMs: plan.heapFlags.timeMs, mode: 'sync', only: ['hand:all', 'ours:default:all', 'otel:all'], openTelemetry: true } satisfies MethodCallsOptions,
          { ...primaryLane, heapFlags: flags },
        );
        const byId = new Map(result.rows.map((row) => [row.id, median(row.roundMedians)]));
        const bare = byId.get('bare')!;
        check.processes.push({ handAll: byId.get('hand:all')!, oursAll: byId.get('ours:default:all')!, ratio: (byId.get('ours:default:all')! - bare) / (byId.get('hand:all')! - bare) });
      }
      heapFlagsCheck.push(check);
    }
    const secondaryTitle = `${node20.version}, prom-client`;
    const secondary = await laneGroups(secondaryLane, secondaryTitle, false);

    const settings = quick
      ? 'QUICK RUN (--quick: tiny iteration counts, numbers meaningless)'
      : `${plan.calls.rounds} rounds of tinybench per call group (${plan.calls.timeMs} ms per variant and round, ${plan.calls.batch} sync / ${asyncBatch} async calls per sample), ${appProcesses} app-like processes per lane, endpoint scrapes in ${plan.endpoint.rounds} rounds, ${plan.startup.samples} fresh processes per startup case`;
    const run: BenchRun = {
      machine,
      quick,
      settings,
      seconds: (Date.now() - started) / 1000,
      heapFlags: [...HEAP_FLAGS],
      primary: {
        intended: 24,
        how: lookup24.how,
        onIntended: lookup24.found !== undefined,
        ...primaryCommon,
        alone,
        openTelemetry: { sync: otelSync, async: otelAsync },
        endpoint,
        startup,
        heapFlagsCheck,
      },
      secondary: { intended: 20, how: lookup20.how, onIntended: lookup20.found !== undefined, ...secondary, alone: [] } satisfies LaneRun,
    };
    const json = argument('json');
    if (json !== undefined) fs.writeFileSync(path.resolve(json), `${JSON.stringify(run, null, 2)}\n`);
    const { markdown, targets } = renderReport(run);
    replaceBetweenMarkers(out, 'bench:methods', markdown, SKELETON);
    process.stdout.write(`${markdown}\n`);
    const missed = targets.filter((target) => !target.met).length;
    step(`done: ${targets.length - missed} of ${targets.length} targets met; written to ${path.relative(process.cwd(), out) || out}`);
  } finally {
    if (esm !== undefined) fs.rmSync(esm, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
