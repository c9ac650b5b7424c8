import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compiledTree } from '../support/compiled-tree.js';

/**
 * The HTTP benchmark is not timed here (timings on a shared machine are noise): it is
 * run once, as compiled for this jest run, for a fraction of a second per variant, to
 * prove the six servers (Express and Hono, each bare, with the other middleware and with ours)
 * start, take load, answer 2xx, and that the report is complete.
 * Its figures are read from BENCHMARKS.md, never asserted.
 */

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm run bench:http, once for a fraction of a second per variant', () => {
  let dir: string;
  let tree: string;
  let report: string;
  let stderr: string;

  beforeAll(async () => {
    tree = await compiledTree();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-http-'));
    const out = path.join(dir, 'BENCHMARKS.md');
    fs.writeFileSync(out, '# Benchmarks\n\n<!-- bench:methods:start -->\nmethod results stay\n<!-- bench:methods:end -->\n\n<!-- bench:http:start -->\nstale\n<!-- bench:http:end -->\n');
    const result = spawnSync(process.execPath, [path.join(tree, 'bench', 'http-middleware.js'), '--quick', `--out=${out}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    stderr = result.stderr;
    if (result.status !== 0) throw new Error(`bench:http --quick failed (${result.status ?? result.signal}):\n${result.stderr}`);
    report = fs.readFileSync(out, 'utf8');
  }, 240_000);

  afterAll(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  const section = () => report.slice(report.indexOf('<!-- bench:http:start -->'), report.indexOf('<!-- bench:http:end -->'));

  test('replaces its own section and leaves the method benchmark alone', () => {
    expect(report).not.toContain('stale');
    expect(report).toContain('<!-- bench:methods:start -->\nmethod results stay\n<!-- bench:methods:end -->');
    expect(section()).toContain('QUICK RUN');
    expect(stderr).toContain('bench:http: done:');
  });

  test('has a row with numbers for each of the six variants, and a verdict for the target against each other middleware', () => {
    const rows = section()
      .split('\n')
      .filter((line) => /^\| (bare|with) /.test(line));
    expect(rows.map((row) => row.split(' | ')[0])).toEqual([
      '| bare Express 5 app',
      '| with express-prom-bundle 8 (`includeMethod`, `includePath`, `includeStatusCode`)',
      '| with our `expressHttpMetrics()` (defaults: counter, histogram, in-flight gauge)',
      '| bare Hono 4 app on @hono/node-server',
      '| with @hono/prometheus 1 (`registerMetrics`: counter, histogram)',
      '| with our `honoHttpMetrics()` (defaults: counter, histogram, in-flight gauge)',
    ]);
    for (const row of rows) expect(row).not.toMatch(/NaN|n\/a|undefined/);
    const targets = section()
      .split('\n')
      .filter((line) => / \| (met|\*\*not met\*\*) \|$/.test(line));
    const kinds = ['| middleware code + added GC per request (profiled)', '| server CPU per request (medians above)', '| time per request from throughput (medians above)'];
    expect(targets.map((line) => line.split(' | ')[0])).toEqual([...kinds, ...kinds]);
    expect(section().match(/^\| target: .*$/gm)?.map((line) => line.split(' | ')[0])).toEqual([
      "| target: our overhead ≤ 0.5 of express-prom-bundle's",
      "| target: our overhead ≤ 0.5 of @hono/prometheus's",
    ]);
    for (const line of targets) expect(line.split(' | ')[1]).toMatch(/^-?[\d.]+$/);
  });

  test('shows that every middleware recorded the load, ours under the route template on both frameworks', () => {
    expect(section().match(/^http_requests_total\{method="GET",route="\/users\/:id",status_code="200"\} \d+$/gm)).toHaveLength(2);
    expect(section()).toMatch(/http_request_duration_seconds_count\{status_code="200",method="GET",path="\/users\/#val"\} \d+/);
    expect(section()).toMatch(/http_requests_total\{method="GET",route="\/users\/:id",status="200",ok="true"\} \d+/);
  });
});
