import type { AppLikeResult } from '../groups/app-like.js';
import type { EndpointCase, EndpointResult } from '../groups/endpoint.js';
import { DECORATOR_LABELS, HAND_WRITTEN_LABELS, SIGNALS, type Signal } from '../subjects/signals.js';
import { bytes, callFigures, count, ms, ns, ratio, ratioBetween, ratioRange, spreadText } from './format.js';
import type { GroupAnswer } from './group-process.js';
import type { BenchRun, LaneRun } from './run.js';
import { rangeOf } from './stats.js';
import { appLikeRatio, structuralTargetsOf, targetsOf, type Target } from './targets.js';

/** Renders one BenchRun as the text between the bench:methods markers of BENCHMARKS.md. */

const SIGNAL_ORDER: Signal[] = [...SIGNALS];

const ROW_ORDER: { id: string; label: string }[] = [
  { id: 'bare', label: 'bare method' },
  ...SIGNAL_ORDER.map((signal) => ({ id: `hand:${signal}`, label: `hand-written: ${HAND_WRITTEN_LABELS[signal]}` })),
  ...SIGNAL_ORDER.map((signal) => ({ id: `ours:default:${signal}`, label: `ours: ${DECORATOR_LABELS[signal]}, default metrics` })),
  { id: 'ours:default:native', label: 'ours: `@Timed({ nativeHistogram: true })`, default metrics' },
  ...SIGNAL_ORDER.map((signal) => ({ id: `ours:named:${signal}`, label: `ours: ${DECORATOR_LABELS[signal]}, named + static label` })),
  { id: 'hand:computed', label: `hand-written: ${HAND_WRITTEN_LABELS.computed}` },
  { id: 'ours:named:computed', label: `ours: ${DECORATOR_LABELS.computed}` },
];

const OPEN_TELEMETRY_LABELS: Record<Signal, string> = {
  count: 'count a call (`Counter.add(1, attributes)`)',
  time: 'time it (`Histogram.record(seconds, attributes)`)',
  inProgress: 'in-progress (`UpDownCounter.add(±1, attributes)`)',
  exceptions: 'count exceptions (`try`/`catch`, success path)',
  lastCalled: 'last called (`Gauge.record(now, attributes)`)',
  all: 'all five signals',
  computed: 'count with an attribute from the argument (`add(1, { region })`)',
};

/** "v24.22.3 with @prometheus-io/client 0.16.1", from what the group processes reported. */
function laneName(lane: LaneRun): string {
  return `node ${lane.sync.runtime.node} with ${lane.sync.runtime.client}`;
}

function laneNote(lane: LaneRun): string {
  return lane.onIntended ? '' : `\n\n**No Node ${lane.intended} here** (${lane.how}): this lane ran on the current node, ${lane.sync.runtime.node}.`;
}

function callsTable(lane: LaneRun): string {
  const sync = callFigures(lane.sync);
  const asyncFigures = callFigures(lane.async);
  const lines = [
    '| variant | sync ns/call: median (p25–p75) | sync over bare | sync ours / hand-written: median (min–max) | async ns/call: median (p25–p75) | async over bare | async ours / hand-written |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { id, label } of ROW_ORDER) {
    const s = sync.get(id);
    const a = asyncFigures.get(id);
    if (s === undefined || a === undefined) continue;
    const bare = id === 'bare';
    lines.push(`| ${label} | ${spreadText(s.spread, ns)} | ${bare ? '' : ns(s.overBare)} | ${ratioRange(s.ratio)} | ${spreadText(a.spread, ns)} | ${bare ? '' : ns(a.overBare)} | ${ratioRange(a.ratio)} |`);
  }
  return lines.join('\n');
}

function openTelemetryTable(lane: BenchRun['primary']['openTelemetry']): string {
  const sync = callFigures(lane.sync);
  const asyncFigures = callFigures(lane.async);
  const lines = [
    '| OpenTelemetry SDK: | sync ns over bare | sync OpenTelemetry / hand-written | sync ours / OpenTelemetry | async ns over bare | async OpenTelemetry / hand-written | async ours / OpenTelemetry |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const signal of [...SIGNAL_ORDER, 'computed'] as Signal[]) {
    const id = `otel:${signal}`;
    const s = sync.get(id);
    const a = asyncFigures.get(id);
    if (s === undefined || a === undefined) continue;
    const ours = signal === 'computed' ? 'ours:named:computed' : `ours:default:${signal}`;
    lines.push(
      `| ${OPEN_TELEMETRY_LABELS[signal]} | ${ns(s.overBare)} | ${ratioRange(s.ratio)} | ${ratioRange(ratioBetween(lane.sync, ours, id))} | ${ns(a.overBare)} | ${ratioRange(a.ratio)} | ${ratioRange(ratioBetween(lane.async, ours, id))} |`,
    );
  }
  return lines.join('\n');
}

function appLikeTable(lane: LaneRun): string {
  const lines = [
    '| process | bare ns/call | child `inc()` over bare | ours: @Counted, default metrics, over bare | ours / child `inc()` | ours: @Counted, named + static label, over bare | ours / child `inc()` |',
    '|--:|--:|--:|--:|--:|--:|--:|',
  ];
  lane.appLike.forEach((result: GroupAnswer<AppLikeResult>, index) => {
    const figures = callFigures(result);
    lines.push(
      `| ${index + 1} | ${ns(figures.get('bare')!.spread.median)} | ${ns(figures.get('hand:count')!.overBare)} | ${ns(figures.get('ours:default:count')!.overBare)} | ${ratioRange(figures.get('ours:default:count')!.ratio)} | ${ns(figures.get('ours:named:count')!.overBare)} | ${ratioRange(figures.get('ours:named:count')!.ratio)} |`,
    );
  });
  return lines.join('\n');
}

function aloneTable(lane: LaneRun): string {
  const full = callFigures(lane.sync);
  const lines = ['| sync, named + static label | ns over bare, alone in its process | ours / hand-written, alone | ours / hand-written, among all variants |', '|---|--:|--:|--:|'];
  for (const result of lane.alone) {
    const figures = callFigures(result);
    for (const row of result.rows) {
      if (row.kind !== 'ours') continue;
      const alone = figures.get(row.id)!;
      lines.push(`| ${DECORATOR_LABELS[row.signal!]} | ${ns(alone.overBare)} | ${ratioRange(alone.ratio)} | ${ratioRange(full.get(row.id)?.ratio)} |`);
    }
  }
  return lines.join('\n');
}

function formatName(c: EndpointCase): string {
  return c.format === 'text' ? 'text 0.0.4' : c.format === 'openmetrics' ? 'OpenMetrics 1.0' : 'protobuf';
}

function endpointTable(results: EndpointResult[]): string {
  const lines = [
    '| series | format | gzip | ours: ms per scrape (p25–p75) | body bytes | client `registry.metrics()`: ms (p25–p75) | ours / client: median (min–max) | OpenTelemetry exporter: ms (p25–p75) | ours / OpenTelemetry | the client\'s writer over our families: ms |',
    '|--:|---|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const result of results) {
    for (const c of result.cases) {
      const otel = c.otel === undefined ? '—' : spreadText(c.otel, ms);
      lines.push(
        `| ${count(result.oursLines)} | ${formatName(c)} | ${c.gzip ? 'on' : 'off'} | ${spreadText(c.ours, ms)} | ${count(c.oursBytes)} | ${spreadText(c.client, ms)} | ${c.clientRatios.length === 0 ? '—' : ratioRange(rangeOf(c.clientRatios))} | ${otel} | ${c.otelRatios.length === 0 ? '—' : ratioRange(rangeOf(c.otelRatios))} | ${c.clientOverOurs === undefined ? '—' : spreadText(c.clientOverOurs, ms)} |`,
      );
    }
    if (!result.protobuf) {
      lines.push(`| ${count(result.oursLines)} | protobuf | | *not measured: the responder does not negotiate \`application/vnd.google.protobuf\` yet; this row fills in once it does* | | | | | | |`);
    }
  }
  return lines.join('\n');
}

function startupTable(run: BenchRun): string {
  const startup = run.primary.startup;
  const byId = new Map(startup.cases.map((c) => [c.id, c.ms]));
  const diff = (ours: string, client: string) => ms((byId.get(ours as never)?.median ?? Number.NaN) - (byId.get(client as never)?.median ?? Number.NaN));
  const client = run.primary.sync.runtime.client.split(' ')[0];
  return [
    '| load in a fresh process | ms: median (p25–p75) | ours minus the client alone (ms) |',
    '|---|--:|--:|',
    `| \`require('${client}')\` alone | ${spreadText(byId.get('client:require'), ms)} | |`,
    `| \`require\` of the root entry (compiled lib/index.js, on ${client}) | ${spreadText(byId.get('ours:require'), ms)} | ${diff('ours:require', 'client:require')} |`,
    `| \`import('${client}')\` alone | ${spreadText(byId.get('client:import'), ms)} | |`,
    `| \`import\` of the root entry (${startup.importBuild}) | ${spreadText(byId.get('ours:import'), ms)} | ${diff('ours:import', 'client:import')} |`,
  ].join('\n');
}

function allocationTable(lane: LaneRun): string {
  const labels = new Map(ROW_ORDER.map(({ id, label }) => [id, label]));
  labels.set('clock', 'one `performance.now()` alone (no method)');
  for (const signal of [...SIGNAL_ORDER, 'computed'] as Signal[]) labels.set(`otel:${signal}`, `OpenTelemetry: ${OPEN_TELEMETRY_LABELS[signal]}`);
  const lines = ['| sync call of | calls | bytes allocated per call | heap growth over the calls | collections meanwhile |', '|---|--:|--:|--:|--:|'];
  for (const row of lane.memory.allocation) {
    lines.push(`| ${labels.get(row.id) ?? row.id} | ${count(row.calls)} | ${bytes(row.bytesPerCall)} | ${count(row.growthBytes)} B | ${row.collections} |`);
  }
  return lines.join('\n');
}

function heapFlagsTable(run: BenchRun): string {
  const lines = ['| heap flags | hand-written five, ns/call in each fresh process | largest / smallest | ours / hand-written in each process |', '|---|---|--:|---|'];
  for (const check of run.primary.heapFlagsCheck) {
    const hand = check.processes.map((p) => p.handAll);
    lines.push(
      `| ${check.flags.length === 0 ? 'none (V8 sizes the young generation)' : check.flags.map((flag) => `\`${flag}\``).join(' ')} | ${hand.map(ns).join(', ')} | ${ratio(Math.max(...hand) / Math.min(...hand))} | ${check.processes.map((p) => ratio(p.ratio)).join(', ')} |`,
    );
  }
  return lines.join('\n');
}

/** Which flag set kept hand-written five steadiest across processes in this run, said in one sentence. */
function heapFlagsVerdict(run: BenchRun): string {
  const spreads = run.primary.heapFlagsCheck.map((check) => {
    const hand = check.processes.map((p) => p.handAll);
    return { flags: check.flags.length === 0 ? 'no flags' : check.flags.join(' '), spread: Math.max(...hand) / Math.min(...hand) };
  });
  if (spreads.length === 0) return '';
  const steadiest = spreads.reduce((a, b) => (b.spread < a.spread ? b : a));
  return `In this run the steadiest was ${steadiest.flags} (largest / smallest ${ratio(steadiest.spread)}; ${spreads.map((entry) => `${entry.flags}: ${ratio(entry.spread)}`).join(', ')}).`;
}

function targetsTable(list: Target[], secondary?: string): string {
  const withSecondary = secondary !== undefined;
  const lines = withSecondary ? ['| target | measured | verdict | ' + secondary + ' |', '|---|---|---|---|'] : ['| target | measured | verdict |', '|---|---|---|'];
  for (const t of list) {
    const verdict = t.met ? 'met' : `**not met**: ${t.why ?? ''}`;
    lines.push(`| ${t.target} | ${t.measured} | ${verdict} |${withSecondary ? ` ${t.secondary ?? ''} |` : ''}`);
  }
  return lines.join('\n');
}

function heapPerMethod(lane: LaneRun): string {
  const heap = lane.memory.heapPerMethod;
  return `${laneName(lane)}: **${count(heap.oursBytes)} B** per method; the same series as the client's own pre-bound children: ${count(heap.clientBytes)} B.`;
}

/** The whole section between the bench:methods markers, and the targets (for the summary line). */
export function renderReport(run: BenchRun): { markdown: string; targets: Target[] } {
  const m = run.machine;
  const p = run.primary;
  const s = run.secondary;
  const targets = targetsOf(run);
  const structural = structuralTargetsOf(run);
  const loads = p.startup.loads;
  const app = appLikeRatio(p);
  const markdown = `
## Method calls, the endpoint, startup and memory (\`npm run bench\`)

${run.quick ? '**QUICK RUN (--quick: tiny iteration counts, numbers meaningless)**\n\n' : ''}Run on ${m.date}: ${m.cores} cores (${m.cpu}), ${m.platform}; load average ${m.loadAtStart.toFixed(2)} at the start (other processes share these cores); ${run.settings}; the run took ${Math.round(run.seconds)} s.
Headline lane: **${laneName(p)}** (the library and the hand-written code on the same client, the OpenTelemetry SDK beside them). Second lane: **${laneName(s)}**.${laneNote(p)}${laneNote(s)}
Every group ran in a fresh process started with \`--expose-gc ${run.heapFlags.join(' ')}\` (see [heap flags](#heap-flags)). Absolute numbers depend on the machine and on whatever else runs on it; read the ratios, each taken between two rows of the same round in the same process.

### Targets (issue 15)

Verdicts on the headline lane; the last column is the same figure on the second lane, for reference.

${targetsTable(targets, laneName(s))}

Checked as before (counts, not timings):

${targetsTable(structural)}

### ${laneName(p)}: cost per call against hand-written code on the same client

ns per call of a small method (\`this.total += n\`), sync and async (awaited by the caller). "over bare" is what the instrumentation adds: per round, the row's median minus the bare method's median, then the median over rounds. "ours / hand-written" divides our "over bare" by the hand-written one for the same signal, per round; the median and the range over rounds are shown. Each row's class is on its own fresh \`Registry\`; all variants live in one process per mode and all ran before any was measured.

${callsTable(p)}

### ${laneName(p)}: the OpenTelemetry SDK

The same method with ${p.openTelemetry.sync.runtime.openTelemetry}: \`@opentelemetry/sdk-metrics\` instruments (a \`MeterProvider\` whose only reader is \`@opentelemetry/exporter-prometheus\`'s \`PrometheusExporter\`, no server started), instruments and attribute objects created once. Its instruments allocate several KB per call, so they run in processes of their own (one per mode), with the hand-written and our rows of the same signals beside them for the ratios. "ours" is the default-metrics row (the same attributes: class, method, result), and the computed label row for the attribute taken from the argument.

${openTelemetryTable(p.openTelemetry)}

### App-like process: \`@Counted\` among 80 decorated methods

Before anything is measured, ${p.appLike[0]?.appMethods ?? 80} decorated methods of 40 classes (sync and async, ten decorator sets: default metrics, named metrics, a computed label, one to five decorators), each its own function, run ${run.quick ? 'a few' : 'thousands of'} times each; then \`@Counted\` alone is measured against a pre-bound child's \`inc()\`, in ${p.appLike.length} fresh process${p.appLike.length === 1 ? '' : 'es'} per lane. Headline: **${ratio(app.median)}** (${ratio(app.min)}–${ratio(app.max)} over processes).

${laneName(p)}:

${appLikeTable(p)}

${laneName(s)}:

${appLikeTable(s)}

### ${laneName(s)}: cost per call against hand-written prom-client

The same table as the headline one, on the second lane.

${callsTable(s)}

### The endpoint end to end

One fresh process per size. **Ours** is the scrape responder every way of serving the metrics shares (\`exposeMetrics\`, \`metricsHandler\`, the Koa and Fastify adapters: \`createScrapeResponder\` in lib/exposition/scrape.ts), called with a GET as the adapters pass it, \`Accept\` and \`Accept-Encoding\` as Prometheus sends them: it collects, renders and (gzip on) compresses on zlib's thread pool. No socket: loopback HTTP would add the same cost to every column. Self-metrics off, so all sides serve the same series. Against it, for the same series and values: the **client**'s own writer, \`registry.metrics()\` over hand-written metrics in the registry's content type, gzipped on zlib's thread pool at zlib's default level when gzip is on (ours compresses at level 1, a choice of the library's: about 20 % more bytes for a fifth of the time, so the gzip rows include it); and the **OpenTelemetry** Prometheus exporter's request handler (\`getMetricsRequestHandler\`, what its server runs), which serves text only, uncompressed (its cardinality limit raised so it keeps every series). The last column is the client's writer run over our own families (\`registry.metrics()\` of our registry), to tell the cost of our collect and render from that of the families. Each fully decorated method (five default metrics, called once) holds 32 series (one series = one sample line). Same series, ours and the client's (sample lines with labels sorted, values left out): ${p.endpoint.map((e) => `${count(e.oursLines)}: ${e.sameSeries ? 'yes' : `**no** (${e.oursLines} against ${e.clientLines} lines)`}`).join('; ')}.

${endpointTable(p.endpoint)}

### Startup

Each load timed in its own fresh process (${p.startup.samples} per case, taken in turn), on ${laneName(p)}, around the \`require\` or \`import\` alone (node's own start not counted). The root entry loads the client too, so "ours minus the client alone" is what prom-decorators adds.

${startupTable(run)}

What \`require\` of the root entry loads: ${loads.ourModules.length} of our modules (${loads.ourModules.join(', ')}); packages ${loads.packages.join(', ')}; node builtins asked for by our modules: ${loads.builtinsByOurs.join(', ') || 'none'}; by the packages: ${loads.builtinsByOthers.join(', ') || 'none'}.

### Memory

Heap kept per fully decorated method (five decorators, default metrics, classes of 10 methods on one registry, against the same classes undecorated):

- ${heapPerMethod(p)}
- ${heapPerMethod(s)}

Allocation per sync call on ${laneName(p)} (\`--expose-gc\`; bytes = heap growth plus what every collection during the calls freed, divided by the calls):

${allocationTable(p)}

### Notes: one wrapper shared by every decorated method

${aloneTable(p)}

Every decorated method's calls pass through wrapper code the library shares between methods. In a process with many decorated methods, as in an app, V8 sees many user methods and probe kinds at the same call sites inside it and cannot inline through them. The table above shows what the same rows cost when the decorated method is the only one in its process; the call tables measure all variants in one process, and the app-like table a process that ran 80 other decorated methods first.

Hand-written \`@CountExceptions\` is a \`try\`/\`catch\` that costs nothing until something throws, so our row there has no meaningful ratio: it shows the wrapper's own cost.

### Heap flags

Hand-written five and ours (sync, with OpenTelemetry's five in the same process) in ${p.heapFlagsCheck[0]?.processes.length ?? 0} fresh process${(p.heapFlagsCheck[0]?.processes.length ?? 0) === 1 ? '' : 'es'} per set of flags, on ${laneName(p)}: V8 sizes the young generation from what the process has allocated so far, so without fixed semi-spaces the number of scavenges, and the cost of an allocating call, can differ from one process to the next. Every benchmark process runs with \`${run.heapFlags.join(' ')}\`.

${heapFlagsTable(run)}

${heapFlagsVerdict(run)}
`;
  return { markdown, targets };
}

