import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replaceBetweenMarkers } from '../../bench/support/markers';
import { findNode } from '../../bench/support/nodes';
import { renderReport } from '../../bench/support/report';
import type { BenchRun } from '../../bench/support/run';
import { compiledTree } from '../support/compiled-tree.js';

/**
 * The benchmark is not timed here (timings on a shared machine are noise): it is run once,
 * as compiled for this jest run, with tiny iteration counts, to prove every group still
 * runs on both lanes and the report has every section and row. The targets' verdicts are
 * read from BENCHMARKS.md, never asserted, except the ones that are counts.
 */

const ROOT = path.resolve(__dirname, '..', '..');

describe('replaceBetweenMarkers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-markers-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rewrites only the text between its own markers', () => {
    const file = path.join(dir, 'B.md');
    fs.writeFileSync(file, 'intro\n<!-- a:start -->\nold a\n<!-- a:end -->\nmiddle\n<!-- b:start -->\nkeep b\n<!-- b:end -->\n');
    replaceBetweenMarkers(file, 'a', 'new a', 'unused');
    expect(fs.readFileSync(file, 'utf8')).toBe('intro\n<!-- a:start -->\nnew a\n<!-- a:end -->\nmiddle\n<!-- b:start -->\nkeep b\n<!-- b:end -->\n');
  });

  it('starts from the skeleton when the file does not exist, and appends its markers when they are missing', () => {
    const fresh = path.join(dir, 'fresh.md');
    replaceBetweenMarkers(fresh, 'a', 'first', '# T\n<!-- a:start -->\n<!-- a:end -->\n');
    expect(fs.readFileSync(fresh, 'utf8')).toBe('# T\n<!-- a:start -->\nfirst\n<!-- a:end -->\n');

    const other = path.join(dir, 'other.md');
    fs.writeFileSync(other, '# Other\n');
    replaceBetweenMarkers(other, 'a', 'body', 'unused');
    expect(fs.readFileSync(other, 'utf8')).toBe('# Other\n\n<!-- a:start -->\nbody\n<!-- a:end -->\n');
  });
});

describe('findNode: which node binary a lane runs on', () => {
  let dir: string;
  /** A real executable that answers `--version` as a node of that version would. */
  const fakeNode = (name: string, version: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
    return file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-nodes-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes NODE24 when it names a node 24', () => {
    const binary = fakeNode('n24', 'v24.22.3');
    expect(findNode(24, { NODE24: binary, PATH: '' }, '/nonexistent')).toEqual({ found: { path: binary, version: 'v24.22.3', major: 24 }, how: 'NODE24' });
  });

  it('says so when NODE24 names another version or nothing that runs, and does not look further', () => {
    const binary = fakeNode('n20', 'v20.20.2');
    fakeNode('node', 'v24.1.0');
    expect(findNode(24, { NODE24: binary, PATH: dir }, '/nonexistent')).toEqual({ how: `NODE24=${binary} is node v20.20.2, not 24` });
    expect(findNode(24, { NODE24: path.join(dir, 'missing'), PATH: dir }, '/nonexistent')).toEqual({ how: `NODE24=${path.join(dir, 'missing')} does not run` });
  });

  it('takes the running node when it is of that version, else the first on PATH that is', () => {
    const running = fakeNode('running', 'v24.0.0');
    expect(findNode(24, { PATH: '' }, running).found?.path).toBe(running);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-nodes-path-'));
    try {
      fakeNode('node', 'v20.20.2');
      const node24 = path.join(other, 'node24');
      fs.writeFileSync(node24, '#!/bin/sh\necho v24.22.3\n', { mode: 0o755 });
      expect(findNode(24, { PATH: `${dir}${path.delimiter}${other}` }, '/nonexistent')).toEqual({ found: { path: node24, version: 'v24.22.3', major: 24 }, how: `PATH (${node24})` });
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('finds none when nothing of that version exists', () => {
    fakeNode('node', 'v20.20.2');
    expect(findNode(24, { PATH: dir }, '/nonexistent')).toEqual({ how: 'no node 24 found (NODE24 unset, none on PATH)' });
  });
});

describe('npm run bench:methods, once with tiny iteration counts', () => {
  let dir: string;
  let report: string;
  let stderr: string;
  let run: BenchRun;

  beforeAll(async () => {
    const tree = await compiledTree();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-methods-'));
    const out = path.join(dir, 'BENCHMARKS.md');
    const json = path.join(dir, 'run.json');
    fs.writeFileSync(out, '# Benchmarks\n\n<!-- bench:methods:start -->\nstale\n<!-- bench:methods:end -->\n\n<!-- bench:http:start -->\nhttp results stay\n<!-- bench:http:end -->\n');
    const result = spawnSync(process.execPath, [path.join(tree, 'bench', 'methods.js'), '--quick', `--out=${out}`, `--json=${json}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    stderr = result.stderr;
    if (result.status !== 0) throw new Error(`bench:methods --quick failed (${result.status ?? result.signal}):\n${result.stderr}`);
    report = fs.readFileSync(out, 'utf8');
    run = JSON.parse(fs.readFileSync(json, 'utf8')) as BenchRun;
  }, 300_000);

  afterAll(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  const section = () => report.slice(report.indexOf('<!-- bench:methods:start -->'), report.indexOf('<!-- bench:methods:end -->'));
  const lines = () => section().split('\n');
  /** The rows of the table that follows a heading. */
  const tableAfter = (heading: string, nth = 0) => {
    const all = lines();
    let at = all.findIndex((line) => line === heading);
    if (at < 0) throw new Error(`no heading ${heading}`);
    for (let skipped = 0; ; at++) {
      if (all[at].startsWith('|---') || all[at].startsWith('|--:')) {
        if (skipped === nth) break;
        skipped++;
      }
    }
    const rows: string[] = [];
    for (let i = at + 1; i < all.length && all[i].startsWith('|'); i++) rows.push(all[i]);
    return rows;
  };
  const firstCells = (rows: string[]) => rows.map((row) => row.split(' | ')[0].slice(2));

  const CALL_ROWS = [
    'bare method',
    'hand-written: count a call (pre-bound child `inc()`)',
    'hand-written: time it (`startTimer()` / `end({ result })`)',
    'hand-written: in-progress gauge (child `inc()` / `dec()`)',
    'hand-written: count exceptions (`try`/`catch`, success path)',
    'hand-written: last called (child `setToCurrentTime()`)',
    'hand-written: all five signals',
    ...['@Counted', '@Timed', '@InProgress', '@CountExceptions', '@LastCalled', 'all five stacked'].map((d) => `ours: ${d}, default metrics`),
    'ours: `@Timed({ nativeHistogram: true })`, default metrics',
    ...['@Counted', '@Timed', '@InProgress', '@CountExceptions', '@LastCalled', 'all five stacked'].map((d) => `ours: ${d}, named + static label`),
    'hand-written: count with a label from the argument (`inc({ region })`)',
    'ours: @Counted with a label computed from the argument',
  ];

  it('replaces its own section and leaves the HTTP section alone', () => {
    expect(report).not.toContain('stale');
    expect(report).toContain('<!-- bench:http:start -->\nhttp results stay\n<!-- bench:http:end -->');
    expect(section()).toContain('QUICK RUN');
    expect(stderr).toContain('bench: done:');
  });

  it('names the machine, both lanes with their node and client, and the heap flags', () => {
    const primary = run.primary.sync.runtime;
    const secondary = run.secondary.sync.runtime;
    expect(primary.client).toMatch(/^@prometheus-io\/client \d+\.\d+\.\d+$/);
    expect(secondary.client).toMatch(/^prom-client 15\.\d+\.\d+$/);
    expect(section()).toMatch(new RegExp(`Run on \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z: ${os.cpus().length} cores \\(.+\\)`));
    expect(section()).toContain(`Headline lane: **node ${primary.node} with ${primary.client}**`);
    expect(section()).toContain(`Second lane: **node ${secondary.node} with ${secondary.client}**`);
    if (process.env.NODE24) expect(primary.node).toMatch(/^v24\./);
    else if (!process.version.startsWith('v24.')) expect(section()).toContain(`**No Node 24 here** (no node 24 found (NODE24 unset, none on PATH)): this lane ran on the current node, ${process.version}.`);
    // Every group process got the fixed heap flags.
    expect(primary.execArgv).toEqual(['--expose-gc', ...run.heapFlags]);
    expect(run.heapFlags.some((flag) => flag.startsWith('--min-semi-space-size='))).toBe(true);
  });

  it('has a row with numbers for every variant, sync and async, on both lanes', () => {
    for (const heading of [
      `### node ${run.primary.sync.runtime.node} with ${run.primary.sync.runtime.client}: cost per call against hand-written code on the same client`,
      `### node ${run.secondary.sync.runtime.node} with ${run.secondary.sync.runtime.client}: cost per call against hand-written prom-client`,
    ]) {
      const rows = tableAfter(heading);
      expect(firstCells(rows)).toEqual(CALL_ROWS);
      for (const row of rows) expect(row).not.toMatch(/NaN|n\/a|undefined/);
      // Our rows carry a ratio against hand-written, sync and async.
      for (const row of rows.filter((line) => line.startsWith('| ours:'))) expect(row.match(/\*\*-?[\d.]+\*\*/g)).toHaveLength(2);
    }
  });

  it("has OpenTelemetry's rows, each against hand-written and against ours", () => {
    const rows = tableAfter(`### node ${run.primary.sync.runtime.node} with ${run.primary.sync.runtime.client}: the OpenTelemetry SDK`);
    expect(firstCells(rows)).toEqual([
      'count a call (`Counter.add(1, attributes)`)',
      'time it (`Histogram.record(seconds, attributes)`)',
      'in-progress (`UpDownCounter.add(±1, attributes)`)',
      'count exceptions (`try`/`catch`, success path)',
      'last called (`Gauge.record(now, attributes)`)',
      'all five signals',
      'count with an attribute from the argument (`add(1, { region })`)',
    ]);
    const allFive = rows.find((row) => row.startsWith('| all five signals'))!;
    expect(allFive.match(/\*\*-?[\d.]+\*\*/g)).toHaveLength(4);
  });

  it('has the app-like table on both lanes, one row per process', () => {
    for (const [nth, lane] of [run.primary, run.secondary].entries()) {
      const rows = tableAfter('### App-like process: `@Counted` among 80 decorated methods', nth);
      expect(rows).toHaveLength(lane.appLike.length);
      expect(rows[0]).toMatch(/^\| 1 \| [\d.]+ \| [\d.,]+ \| [\d.,-]+ \| \*\*[\d.-]+\*\* /);
      expect(lane.appLike[0].appMethods).toBe(80);
    }
  });

  it('times the endpoint in every format, gzip on and off, against the client and the exporter, on the very same series', () => {
    const rows = tableAfter('### The endpoint end to end');
    const shape = rows.map((row) => row.split(' | ').slice(0, 3).join(' | '));
    expect(shape.slice(0, 4)).toEqual(['| 320 | text 0.0.4 | off', '| 320 | text 0.0.4 | on', '| 320 | OpenMetrics 1.0 | off', '| 320 | OpenMetrics 1.0 | on']);
    // protobuf: measured once the responder negotiates it, a marked row until then.
    expect(shape.slice(4)).toEqual(run.primary.endpoint[0].protobuf ? ['| 320 | protobuf | off', '| 320 | protobuf | on'] : ['| 320 | protobuf | ']);
    for (const row of rows.slice(0, 4)) expect(row.split(' | ')[6]).toMatch(/^\*\*[\d.]+\*\* /);
    expect(rows[0].split(' | ')[8]).toMatch(/^\*\*[\d.]+\*\* /); // against the OpenTelemetry exporter, text only
    expect(section()).toContain('values left out): 320: yes.');
  });

  it('times startup and lists what the root entry loads', () => {
    const rows = tableAfter('### Startup');
    expect(firstCells(rows)).toEqual([
      "`require('@prometheus-io/client')` alone",
      '`require` of the root entry (compiled lib/index.js, on @prometheus-io/client)',
      "`import('@prometheus-io/client')` alone",
      '`import` of the root entry (the ESM build of lib/, built as dist/esm is)',
    ]);
    for (const row of rows) expect(row).toMatch(/\| [\d.]+ \([\d.]+–[\d.]+\) \|/);
    const loads = run.primary.startup.loads;
    expect(loads.ourModules).toContain('index.js');
    expect(loads.packages).toContain('@prometheus-io/client');
    expect(section()).toContain(`What \`require\` of the root entry loads: ${loads.ourModules.length} of our modules (`);
  });

  it('checks the heap flags in fresh processes', () => {
    const rows = tableAfter('### Heap flags');
    expect(firstCells(rows)[0]).toBe('none (V8 sizes the young generation)');
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it('gives a verdict for every target of issue 15, and the structural ones hold', () => {
    const verdicts = (rows: string[]) => rows.filter((line) => / \| (met|\*\*not met\*\*:.*) \|( [^|]* \|)?$/.test(line));
    const targets = verdicts(tableAfter('### Targets (issue 15)'));
    expect(firstCells(targets)).toEqual([
      'all five stacked, sync: ≤ 0.05 of hand-written @prometheus-io/client',
      'all five stacked, async: ≤ 0.08 of hand-written @prometheus-io/client',
      '`@Counted` with a label computed from the argument: ≤ 0.25x hand-written `inc({ region })`',
      '`@Counted` with a computed label: ≤ 16 B allocated per call for an existing series',
      '`@Counted` alone in an app-like process (80 decorated methods of 40 classes ran first): ≤ 0.07 of the child `inc()`',
      'heap per fully decorated method (five decorators): ≤ 3,500 B',
      "all five stacked vs the OpenTelemetry SDK's five, sync: ≤ 0.025",
      "the endpoint, 320 series: ≤ 0.6x the client's writer (`registry.metrics()`)",
      "the endpoint, 320 series: well under the OpenTelemetry exporter's scrape (≤ 0.5x taken as the bar; text, its only format)",
      'the root entry point loads no HTTP, cluster or generator code',
    ]);
    for (const row of targets) expect(row).not.toMatch(/NaN|undefined/);
    const structural = verdicts(tableAfter('### Targets (issue 15)', 1));
    // Counts, not timings: these hold on any machine.
    expect(structural[0]).toBe('| one wrapper per method however many decorators | 1 frame between caller and method with five stacked, 1 with one | met |');
    expect(structural[1]).toContain('2 per sync call, 2 per async call');
    expect(structural[2]).toBe('| no AsyncLocalStorage or async hooks | none in the compiled lib/ | met |');
  });

  it('says so when a lane did not run on its node', () => {
    const elsewhere: BenchRun = { ...run, primary: { ...run.primary, onIntended: false, how: 'no node 24 found (NODE24 unset, none on PATH)' } };
    expect(renderReport(elsewhere).markdown).toContain(`**No Node 24 here** (no node 24 found (NODE24 unset, none on PATH)): this lane ran on the current node, ${run.primary.sync.runtime.node}.`);
  });
});
