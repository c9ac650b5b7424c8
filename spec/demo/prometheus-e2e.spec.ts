/**
 * End to end: the demo on loopback, scraped every second by the real Prometheus, with the
 * generated rules loaded. A known number of requests goes in; Prometheus' HTTP API must
 * give back the counts, the injected error ratio and latency, a fresh last-call time, and
 * data for every query of the generated dashboard.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listInstrumented } from '../../lib/index.js';
import { generateDashboard } from '../../lib/generate/dashboard.js';
import { formatRules, generateRules } from '../../lib/generate/rules.js';
import { startDemo, type RunningDemo } from '../../demo/server.js';
import { promqlSyntaxErrors, substituteGrafanaVariables } from '../generate/fixtures/promql.js';
import { CLIENT_DEFAULT_METRIC_FINDINGS } from '../support/prometheus-client.js';
import { httpRequest, inParallel } from './support/http.js';
import { requireBinary } from '../support/binaries.js';
import { startPrometheus, waitFor, type RunningPrometheus } from './support/prometheus.js';

jest.setTimeout(90_000);

/** /example requests: every fifth fails, the others sleep INJECTED_DELAY seconds. */
const EXAMPLE_REQUESTS = 100;
const INJECTED_ERROR_RATIO = 0.2;
const INJECTED_DELAY = 0.3; // lands in the (0.25, 0.5] bucket of EXAMPLE_APP_BUCKETS
const TREE_REQUESTS = 20;
const HOME_REQUESTS = 7;

/** One request to every other route, so every panel of the dashboard has data. */
const EVERY_ROUTE: [method: string, path: string, status: number][] = [
  ['GET', '/about', 200],
  ['GET', '/add/4', 200],
  ['GET', '/remove/4', 200],
  ['GET', '/remove/99', 500],
  ['GET', '/repos/prometheus/prometheus', 200],
  ['GET', '/echo?message=hello', 200],
  ['POST', '/echo', 200],
  ['GET', '/error', 500],
  ['POST', '/error', 500],
  ['GET', '/jobs/run?outcome=ok', 200],
  ['GET', '/jobs/run?outcome=error', 500],
  ['GET', '/jobs/run?outcome=timeout', 504],
];

let dir: string;
let demo: RunningDemo | undefined;
let prometheus: RunningPrometheus | undefined;
let scrape = '';

async function one(expr: string): Promise<number> {
  const samples = await prometheus!.query(expr);
  if (samples.length !== 1) throw new Error(`${expr}: expected one sample, got ${JSON.stringify(samples)}`);
  return samples[0].value;
}

let promtool: string;

beforeAll(async () => {
  promtool = requireBinary('promtool');
  dir = mkdtempSync(join(tmpdir(), 'prom-decorators-e2e-'));
  demo = await startDemo({ host: '127.0.0.1', port: 0, metricsPort: 0 });
  prometheus = await startPrometheus({
    dir,
    target: `127.0.0.1:${demo.metricsPort}`,
    ruleFiles: { 'rules.yml': formatRules(generateRules()) },
  });
  await waitFor('Prometheus to scrape the demo', 20_000, async () => (await prometheus!.query('up{job="demo"} == 1')).length === 1);

  const app = demo.appUrl.replace(/\/$/, '');
  const statuses: number[] = [];
  await inParallel(Array.from({ length: EXAMPLE_REQUESTS }, (_, index) => index), 10, async (index) => {
    const fail = index % 5 === 0 ? 1 : 0;
    statuses.push((await httpRequest(`${app}/example?fail=${fail}&delay=${INJECTED_DELAY}`)).status);
  });
  expect(statuses.filter((status) => status === 500)).toHaveLength(EXAMPLE_REQUESTS * INJECTED_ERROR_RATIO);
  await inParallel(Array.from({ length: TREE_REQUESTS }), 5, async () => expect((await httpRequest(`${app}/treecounter?fail=0`)).status).toBe(200));
  await inParallel(Array.from({ length: HOME_REQUESTS }), 5, async () => expect((await httpRequest(`${app}/`)).status).toBe(200));
  for (const [method, path, status] of EVERY_ROUTE) {
    expect([method, path, (await httpRequest(`${app}${path}`, method, method === 'POST' ? 'message=hi' : undefined)).status]).toEqual([method, path, status]);
  }
  scrape = (await httpRequest(demo.metricsUrl)).body;

  // Until Prometheus has the final values, and a few samples after them for rate().
  await waitFor('Prometheus to see every request', 20_000, async () => (await prometheus!.query(`example_app_total == ${EXAMPLE_REQUESTS}`)).length === 1);
  await waitFor('three samples after the load', 20_000, async () => (await prometheus!.query(`count_over_time(example_app_total[1m]) > 3 and changes(example_app_total[3s]) == 0`)).length === 1);
  await waitFor('the rules to be evaluated', 20_000, async () => {
    const { data } = (await prometheus!.api('/api/v1/rules')) as { data: { groups: { rules: { lastEvaluation: string }[] }[] } };
    return data.groups.every((group) => group.rules.every((rule) => !rule.lastEvaluation.startsWith('0001')));
  });
}, 90_000);

afterAll(async () => {
  await prometheus?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the demo scraped by the real Prometheus', () => {
  it('counts every request sent', async () => {
    expect(await one('example_app_total')).toBe(EXAMPLE_REQUESTS);
    expect(await one('example_app_exceptions_total')).toBe(EXAMPLE_REQUESTS * INJECTED_ERROR_RATIO);
    expect(await one('home_page_visits_total')).toBe(HOME_REQUESTS);
    expect(await one('about_page_visits_total')).toBe(1);
    expect(await one('sum(method_calls_total{class="TreeService",method="countTrees"})')).toBe(TREE_REQUESTS);
    expect(await one('requests_total{status="200",endpoint="/treecounter"}')).toBe(TREE_REQUESTS);
    expect(await one('http_status_total{method="GET",url="/error",status_code="500"}')).toBe(1);
    expect(await one('sum(ays_job_count_total)')).toBe(3);
    expect(await one('sum(method_calls_total{class="JobRunner",method="execute"})')).toBe(3);
  });

  it('gives the injected error ratio (the tutorial\'s rate(exceptions) / rate(requests))', async () => {
    expect(await one('rate(example_app_exceptions_total[1m]) / rate(example_app_total[1m])')).toBeCloseTo(INJECTED_ERROR_RATIO, 2);
  });

  it('puts the p95 latency in the bucket of the injected delay', async () => {
    const p95 = await one('histogram_quantile(0.95, sum by (le) (rate(example_app_latency_seconds_bucket[1m])))');
    expect(p95).toBeGreaterThan(0.25);
    expect(p95).toBeLessThanOrEqual(0.5);
  });

  it('shows a last-called time of a few seconds ago', async () => {
    const age = await one('time() - method_last_called_timestamp_seconds{class="TreeService",method="countTrees"}');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
  });

  it('serves an exposition that promtool check metrics finds clean, apart from the client\'s own default metrics', () => {
    const result = spawnSync(promtool, ['check', 'metrics'], { input: scrape, encoding: 'utf8', timeout: 20_000 });
    const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
    // The client's own default metrics draw findings; that is the client's choice, not the decorators'.
    expect(problems.filter((line) => !CLIENT_DEFAULT_METRIC_FINDINGS.includes(line))).toEqual([]);
  });

  it('loads the generated rules and evaluates every one of them without error', async () => {
    const { data } = (await prometheus!.api('/api/v1/rules')) as { data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] } };
    const rules = data.groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(30);
    expect(rules.filter((rule) => rule.health !== 'ok')).toEqual([]);
    expect(await one('job:example_app:rate5m')).toBeGreaterThan(0);
    // The demo fails 20% of /example on purpose: the generated alert sees it (pending, `for` 5m).
    const alerts = await prometheus!.query('ALERTS{alertname="MethodHighErrorRatio",class="ExampleApp"}');
    expect(alerts.map((alert) => alert.metric.alertstate)).toEqual(['pending']);
  });

  it('answers every query of the generated dashboard with data, each valid PromQL', async () => {
    const dashboard = generateDashboard({ classes: listInstrumented() });
    const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: substituteGrafanaVariables(target.expr) })));
    expect(queries.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const { panel, expr } of queries) {
      const syntax = promqlSyntaxErrors(expr);
      if (syntax.length > 0) problems.push(`${panel}: ${expr}: ${syntax.join(', ')}`);
      else if ((await prometheus!.query(expr)).length === 0) problems.push(`${panel}: ${expr}: no data`);
    }
    expect(problems).toEqual([]);
  });
});
