import type { ExpositionResult } from '../groups/exposition.js';
import type { MemoryResult } from '../groups/memory.js';
import type { MethodCallRow, MethodCallsResult } from '../groups/method-calls.js';
import { DECORATOR_LABELS, HAND_WRITTEN_LABELS, type Signal } from '../subjects/signals.js';
import type { Machine } from './machine.js';
import { median, rangeOf, type Range, type Spread } from './stats.js';

/** Everything one `npm run bench:methods` measured. */
export interface MethodsRun {
  machine: Machine;
  settings: string;
  seconds: number;
  sync: MethodCallsResult;
  async: MethodCallsResult;
  /** Sync runs with a single decorated method in the process (no other variant). */
  alone: MethodCallsResult[];
  exposition: ExpositionResult[];
  memory: MemoryResult;
}

/** One row of the calls table, for one mode. */
export interface CallFigures {
  /** ns per call over all samples. */
  spread: Spread;
  /** ns per call over the bare method: median over rounds of (row - bare) in the same round. */
  overBare: number;
  /** (ours - bare) / (hand-written - bare), per round, for our rows. */
  ratio?: Range;
}

export function callFigures(result: MethodCallsResult): Map<string, CallFigures> {
  const byId = new Map(result.rows.map((row) => [row.id, row]));
  const bare = byId.get('bare')!;
  const over = (row: MethodCallRow) => row.roundMedians.map((value, round) => value - bare.roundMedians[round]);
  const figures = new Map<string, CallFigures>();
  for (const row of result.rows) {
    const entry: CallFigures = { spread: row.pooled, overBare: median(over(row)) };
    if (row.kind === 'ours' && row.signal !== undefined) {
      const hand = over(byId.get(`hand:${row.signal}`)!);
      entry.ratio = rangeOf(over(row).map((value, round) => value / hand[round]));
    }
    figures.set(row.id, entry);
  }
  return figures;
}

// ---- number formats

function ns(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function ratio(value: number): string {
  return Number.isFinite(value) ? (Math.abs(value) < 1 ? value.toFixed(3) : value.toFixed(2)) : 'n/a';
}

function ratioRange(range: Range | undefined): string {
  if (range === undefined) return '';
  return `**${ratio(range.median)}** (${ratio(range.min)}–${ratio(range.max)})`;
}

function bytes(value: number): string {
  return Math.abs(value) < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US');
}

function spreadText(spread: Spread, format: (value: number) => string): string {
  return `${format(spread.median)} (${format(spread.p25)}–${format(spread.p75)})`;
}

// ---- tables

const ROW_ORDER: { id: string; label: string }[] = [
  { id: 'bare', label: 'bare method' },
  ...(['count', 'time', 'inProgress', 'exceptions', 'lastCalled', 'all'] as Signal[]).map((signal) => ({ id: `hand:${signal}`, label: `hand-written: ${HAND_WRITTEN_LABELS[signal]}` })),
  ...(['count', 'time', 'inProgress', 'exceptions', 'lastCalled', 'all'] as Signal[]).map((signal) => ({ id: `ours:default:${signal}`, label: `ours: ${DECORATOR_LABELS[signal]}, default metrics` })),
  ...(['count', 'time', 'inProgress', 'exceptions', 'lastCalled', 'all'] as Signal[]).map((signal) => ({ id: `ours:named:${signal}`, label: `ours: ${DECORATOR_LABELS[signal]}, named + static label` })),
  { id: 'hand:computed', label: `hand-written: ${HAND_WRITTEN_LABELS.computed}` },
  { id: 'ours:named:computed', label: `ours: ${DECORATOR_LABELS.computed}` },
];

function callsTable(run: MethodsRun): string {
  const sync = callFigures(run.sync);
  const asyncFigures = callFigures(run.async);
  const lines = [
    '| variant | sync ns/call: median (p25–p75) | sync over bare | sync ours / hand-written: median (min–max) | async ns/call: median (p25–p75) | async over bare | async ours / hand-written |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { id, label } of ROW_ORDER) {
    const s = sync.get(id);
    const a = asyncFigures.get(id);
    if (s === undefined || a === undefined) continue;
    const bare = id === 'bare';
    lines.push(
      `| ${label} | ${spreadText(s.spread, ns)} | ${bare ? '' : ns(s.overBare)} | ${ratioRange(s.ratio)} | ${spreadText(a.spread, ns)} | ${bare ? '' : ns(a.overBare)} | ${ratioRange(a.ratio)} |`,
    );
  }
  return lines.join('\n');
}

function expositionTable(run: MethodsRun): string {
  const lines = [
    '| series | decorated methods | ours: ms per `metrics()` (p25–p75) | prom-client: ms (p25–p75) | ours / prom-client: median (min–max) | same series in both |',
    '|--:|--:|--:|--:|--:|---|',
  ];
  for (const e of run.exposition) {
    lines.push(
      `| ${e.oursLines.toLocaleString('en-US')} | ${e.methods.toLocaleString('en-US')} | ${spreadText(e.ours, ms)} | ${spreadText(e.promClient, ms)} | ${ratioRange(rangeOf(e.roundRatios))} | ${e.sameSeries ? 'yes' : `**no** (${e.oursLines} against ${e.promClientLines} lines)`} |`,
    );
  }
  return lines.join('\n');
}

function allocationTable(run: MethodsRun): string {
  const labels = new Map(ROW_ORDER.map(({ id, label }) => [id, label]));
  labels.set('clock', 'one `performance.now()` alone (no method)');
  const lines = ['| sync call of | calls | bytes allocated per call | heap growth over the calls | collections meanwhile |', '|---|--:|--:|--:|--:|'];
  for (const row of run.memory.allocation) {
    lines.push(`| ${labels.get(row.id) ?? row.id} | ${row.calls.toLocaleString('en-US')} | ${bytes(row.bytesPerCall)} | ${Math.round(row.growthBytes).toLocaleString('en-US')} B | ${row.collections} |`);
  }
  return lines.join('\n');
}

function aloneTable(run: MethodsRun): string {
  const full = callFigures(run.sync);
  const lines = [
    '| sync, named + static label | ns over bare, alone in its process | ours / hand-written, alone | ours / hand-written, among all variants |',
    '|---|--:|--:|--:|',
  ];
  for (const result of run.alone) {
    const figures = callFigures(result);
    for (const row of result.rows) {
      if (row.kind !== 'ours') continue;
      const alone = figures.get(row.id)!;
      lines.push(`| ${DECORATOR_LABELS[row.signal!]} | ${ns(alone.overBare)} | ${ratioRange(alone.ratio)} | ${ratioRange(full.get(row.id)?.ratio)} |`);
    }
  }
  return lines.join('\n');
}

// ---- targets

interface Target {
  target: string;
  measured: string;
  met: boolean;
  /** Why it is missed, when it is. */
  why?: string;
}

function targets(run: MethodsRun): Target[] {
  const sync = callFigures(run.sync);
  const asyncFigures = callFigures(run.async);
  const r = (figures: Map<string, CallFigures>, id: string) => figures.get(id)?.ratio?.median ?? Number.NaN;
  const list: Target[] = [];

  const syncAll = [r(sync, 'ours:default:all'), r(sync, 'ours:named:all')];
  list.push({
    target: 'all five stacked, sync: ≤ 0.10 of hand-written',
    measured: `${ratio(syncAll[0])} default metrics, ${ratio(syncAll[1])} named + static label`,
    met: Math.max(...syncAll) <= 0.1,
    why: 'two `performance.now()` reads (about 50 ns each here) are a third of our cost; the rest is the shared wrapper (see the notes)',
  });
  const asyncAll = [r(asyncFigures, 'ours:default:all'), r(asyncFigures, 'ours:named:all')];
  list.push({
    target: 'all five stacked, async: ≤ 0.15 of hand-written',
    measured: `${ratio(asyncAll[0])} default metrics, ${ratio(asyncAll[1])} named + static label`,
    met: Math.max(...asyncAll) <= 0.15,
    why: 'following the returned promise costs one `then` (a promise and two closures); hand-written code inside the async method needs none',
  });
  const counted = [r(sync, 'ours:default:count'), r(sync, 'ours:named:count')];
  const aloneFigures = run.alone.map((result) => callFigures(result).get('ours:named:count')).find((figures) => figures !== undefined);
  const aloneCounted = aloneFigures === undefined ? 'not measured' : `${ns(aloneFigures.overBare)} ns, ratio ${ratio(aloneFigures.ratio?.median ?? Number.NaN)}`;
  list.push({
    target: '`@Counted` alone, sync: ≤ 0.05 of the child `inc()`',
    measured: `${ratio(counted[0])} default metrics, ${ratio(counted[1])} named + static label`,
    met: Math.max(...counted) <= 0.05,
    why: `the recording is one \`value++\`; what remains (${ns(sync.get('ours:named:count')?.overBare ?? Number.NaN)} ns) is the call through the wrapper every decorated method shares, which V8 cannot inline into when it sees many methods and probe kinds (see the notes; alone in its process: ${aloneCounted})`,
  });

  const { wrappersPerMethod, clockReads, asyncHooksInLib, heapPerMethod } = run.memory;
  list.push({
    target: 'one wrapper per method however many decorators',
    measured: `${wrappersPerMethod.stacked} frame between caller and method with five stacked, ${wrappersPerMethod.single} with one`,
    met: wrappersPerMethod.stacked === 1 && wrappersPerMethod.single === 1,
  });
  list.push({
    target: 'at most two clock reads per call',
    measured: `${clockReads.sync} per sync call, ${clockReads.async} per async call (all five stacked; performance.now, Date.now, hrtime counted)`,
    met: clockReads.sync <= 2 && clockReads.async <= 2,
  });
  list.push({
    target: 'no AsyncLocalStorage or async hooks',
    measured: asyncHooksInLib.length === 0 ? 'none in the compiled lib/' : `used in ${asyncHooksInLib.join(', ')}`,
    met: asyncHooksInLib.length === 0,
  });

  const allocation = new Map(run.memory.allocation.map((row) => [row.id, row.bytesPerCall]));
  const bare = allocation.get('bare') ?? 0;
  const clock = allocation.get('clock') ?? 0;
  const noise = bare + 1;
  const staticRows = ['ours:named:count', 'ours:named:inProgress', 'ours:named:exceptions', 'ours:named:lastCalled', 'ours:named:time', 'ours:named:all'];
  const worst = Math.max(...staticRows.map((id) => allocation.get(id) ?? Number.NaN));
  const allFive = allocation.get('ours:named:all') ?? Number.NaN;
  const clockFree = ['ours:named:count', 'ours:named:inProgress', 'ours:named:exceptions'].map((id) => allocation.get(id) ?? Number.NaN);
  list.push({
    target: 'no allocation per sync call with static labels (heap growth over 1M calls within noise)',
    measured: `all five: ${bytes(allFive)} B/call; without a clock read (@Counted, @InProgress, @CountExceptions): ${clockFree.map(bytes).join(', ')} B/call; bare: ${bytes(bare)}; one performance.now(): ${bytes(clock)}`,
    met: worst <= noise,
    why:
      allFive - clockReads.sync * clock <= noise
        ? `all of it is Node's own: \`performance.now()\` allocates a ${bytes(clock)}-byte heap number per call on ${run.machine.node}, and the timed variants read it ${clockReads.sync} times; our code allocates nothing (the rows without a clock read show 0)`
        : 'our code allocates on the sync path (see the allocation table)',
  });

  for (const e of run.exposition) {
    const scrape = median(e.roundRatios);
    list.push({
      target: `scrape of ${e.oursLines.toLocaleString('en-US')} series: ≤ 1.2x plain prom-client`,
      measured: `${ratio(scrape)}x`,
      met: scrape <= 1.2 && e.sameSeries,
      why: "our families publish plain `labels` (a fresh copy per histogram bucket): prom-client's registry formats them line by line and, for a sample without `sharedLabels`, caches an empty `{}` in a WeakMap per line. prom-client's own Histogram hands its buckets over `getForPromString()` with the series labels as `sharedLabels`, formatted once and cached. Publishing our long-lived series label objects as `sharedLabels` that way made ours 0.55–0.7x of prom-client in a prototype (lib/metrics, not changed here)",
    });
  }
  list.push({
    target: 'heap per fully decorated method ≤ 2 KB',
    measured: `${Math.round(heapPerMethod.oursBytes).toLocaleString('en-US')} B (the same series as plain prom-client children: ${Math.round(heapPerMethod.promClientBytes).toLocaleString('en-US')} B)`,
    met: heapPerMethod.oursBytes <= 2048,
    why: 'about 1 KB per method is shared by all its decorators (the wrapper, whose kept `name` and `length` alone cost ~400 B in V8, the instrumentation, introspection records), then 0.6–1.5 KB per decorator (probe, series chooser, series with their label objects and Map keys, bucket arrays). The six series themselves are about what prom-client keeps for the same children; reaching 2 KB would mean giving up per-series label objects or the introspection records, left for later',
  });
  return list;
}

function targetsTable(list: Target[]): string {
  const lines = ['| target | measured | verdict |', '|---|---|---|'];
  for (const t of list) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'met' : `**not met**: ${t.why ?? ''}`} |`);
  return lines.join('\n');
}

/** The whole section between the bench:methods markers of BENCHMARKS.md. */
export function renderMethodsSection(run: MethodsRun): { markdown: string; targets: Target[] } {
  const m = run.machine;
  const list = targets(run);
  const markdown = `
## Method calls, scrapes and memory (\`npm run bench:methods\`)

Run on ${m.date}: ${m.cores} cores (${m.cpu}), node ${m.node}, ${m.client}, ${m.platform}; load average ${m.loadAtStart.toFixed(2)} at the start; ${run.settings}; the run took ${Math.round(run.seconds)} s.
Absolute numbers depend on the machine and on whatever else runs on it; read the ratios, each taken between two rows of the same round in the same process.

### Targets

${targetsTable(list)}

### Cost per call

ns per call of a small method (\`this.total += n\`), sync and async (awaited by the caller). "over bare" is what the instrumentation adds: per round, the row's median minus the bare method's median, then the median over rounds. "ours / hand-written" divides our "over bare" by the hand-written one for the same signal, per round; the median and the range over rounds are shown. Each row's class is on its own fresh \`Registry\`.

${callsTable(run)}

### Scrape: \`registry.metrics()\` for the same series

Each fully decorated method (five default metrics, called once) holds 32 series (one series = one sample line: calls 2, duration 2 x 14, in-progress 1, last-called 1); prom-client holds the same series and values in plain \`Counter\`/\`Histogram\`/\`Gauge\` metrics on its own registry. "same series" compares the sample lines of both expositions, labels sorted, values left out.

${expositionTable(run)}

### Notes: one wrapper shared by every decorated method

${aloneTable(run)}

Every decorated method runs the same wrapper code (one closure per method, one compiled body for all). In a process with many decorated methods, as in an app, V8 sees many user methods and probe kinds at the same call sites inside it, so it cannot inline the user's method or the probes: each is a real (megamorphic) call. The table above shows what the same rows cost when the decorated method is the only one in its process. The method-call table measures the app-like case: all variants live in one process and ran before any was measured. How much V8 can still inline depends on how many probe kinds the process has: with one or two other kinds next to it, the same \`@Counted\` call measured about 14 ns in a separate experiment.

Two rows have no meaningful ratio: hand-written \`@CountExceptions\` is a \`try\`/\`catch\` that costs nothing until something throws, so our row there shows only the wrapper's own cost; and a label computed from the call costs about what prom-client's \`inc({ region })\` costs (a label function call, a key string and a map lookup per call, against prom-client's hash of the labels).

### Memory

Heap kept per fully decorated method (five decorators, default metrics, classes of 10 methods on one registry, against the same classes undecorated): **${Math.round(run.memory.heapPerMethod.oursBytes).toLocaleString('en-US')} B**; the same series as pre-bound plain prom-client children: ${Math.round(run.memory.heapPerMethod.promClientBytes).toLocaleString('en-US')} B.

Allocation per sync call (\`--expose-gc\`; bytes = heap growth plus what every collection during the calls freed, divided by the calls):

${allocationTable(run)}
`;
  return { markdown, targets: list };
}
