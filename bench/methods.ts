import * as path from 'node:path';
import type { ExpositionOptions, ExpositionResult } from './groups/exposition.js';
import type { MemoryOptions, MemoryResult } from './groups/memory.js';
import type { MethodCallsOptions, MethodCallsResult } from './groups/method-calls.js';
import { runGroup } from './support/group-process.js';
import { describeMachine } from './support/machine.js';
import { replaceBetweenMarkers } from './support/markers.js';
import { renderMethodsSection, type MethodsRun } from './support/report.js';

/**
 * `npm run bench:methods`: the method-call, scrape and memory benchmarks of prom-decorators
 * against hand-written prom-client. Every group runs in a fresh node process; the results
 * are printed and written between the bench:methods markers of BENCHMARKS.md.
 *
 *   node .build/bench/methods.js [--quick] [--out=FILE]
 *
 * --quick runs every group once with tiny iteration counts (the test suite uses it to prove
 * the benchmark still works; its numbers mean nothing). --out writes somewhere else than
 * ./BENCHMARKS.md.
 */

interface Plan {
  calls: Omit<MethodCallsOptions, 'mode'> & { asyncBatch: number };
  exposition: Omit<ExpositionOptions, 'series'> & { sizes: number[] };
  memory: MemoryOptions;
}

const FULL: Plan = {
  calls: { rounds: 7, timeMs: 100, warmupMs: 30, batch: 1000, asyncBatch: 200 },
  exposition: { rounds: 3, timeMs: 400, sizes: [1_000, 10_000, 100_000] },
  memory: { calls: 1_000_000, methods: 2_000 },
};

const QUICK: Plan = {
  calls: { rounds: 1, timeMs: 2, warmupMs: 1, batch: 10, asyncBatch: 5 },
  exposition: { rounds: 1, timeMs: 2, sizes: [320] },
  memory: { calls: 2_000, methods: 20 },
};

const SKELETON = `# Benchmarks

What prom-decorators costs, measured against the same work written by hand with prom-client.
Rerun with \`npm run bench\` (\`npm run bench:methods\` for the method, scrape and memory part only).

<!-- bench:methods:start -->
<!-- bench:methods:end -->

<!-- bench:http:start -->
<!-- bench:http:end -->
`;

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const plan = quick ? QUICK : FULL;
  const out = path.resolve(argument('out') ?? 'BENCHMARKS.md');
  const started = Date.now();
  const machine = describeMachine();
  const step = (what: string) => process.stderr.write(`bench:methods: ${what} (${Math.round((Date.now() - started) / 1000)} s)\n`);

  step('method calls, sync');
  const { asyncBatch, ...calls } = plan.calls;
  const sync = await runGroup<MethodCallsResult>('method-calls', { ...calls, mode: 'sync' } satisfies MethodCallsOptions);
  step('method calls, async');
  const asyncResult = await runGroup<MethodCallsResult>('method-calls', { ...calls, batch: asyncBatch, mode: 'async' } satisfies MethodCallsOptions);
  const alone: MethodCallsResult[] = [];
  for (const signal of ['count', 'all']) {
    step(`method calls, sync, one decorated method alone (${signal})`);
    alone.push(await runGroup<MethodCallsResult>('method-calls', { ...calls, mode: 'sync', only: [`hand:${signal}`, `ours:named:${signal}`] } satisfies MethodCallsOptions));
  }
  const exposition: ExpositionResult[] = [];
  const { sizes, ...scrape } = plan.exposition;
  for (const series of sizes) {
    step(`scrape of ${series} series`);
    exposition.push(await runGroup<ExpositionResult>('exposition', { ...scrape, series } satisfies ExpositionOptions));
  }
  step('memory');
  const memory = await runGroup<MemoryResult>('memory', plan.memory);

  const settings = quick
    ? 'QUICK RUN (--quick: tiny iteration counts, numbers meaningless)'
    : `${plan.calls.rounds} rounds of tinybench (${plan.calls.timeMs} ms per variant and round, ${plan.calls.batch} sync / ${asyncBatch} async calls per sample), scrapes in ${plan.exposition.rounds} rounds`;
  const run: MethodsRun = { machine, settings, seconds: (Date.now() - started) / 1000, sync, async: asyncResult, alone, exposition, memory };
  const { markdown, targets } = renderMethodsSection(run);
  replaceBetweenMarkers(out, 'bench:methods', markdown, SKELETON);
  process.stdout.write(`${markdown}\n`);
  const missed = targets.filter((target) => !target.met).length;
  step(`done: ${targets.length - missed} of ${targets.length} targets met; written to ${path.relative(process.cwd(), out) || out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
