import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../support/prometheus-client.js';
import { parse } from 'yaml';
import { Counted, CountExceptions, InProgress, LastCalled, Timed, listInstrumented } from '../../lib/index.js';
import { formatRules, generateRules, type AlertRule } from '../../lib/generate/rules.js';
import { promqlSyntaxErrors } from './fixtures/promql.js';
import { requireBinary } from '../support/binaries.js';

const classesOf = (...targets: object[]) => listInstrumented().filter((owner) => owner.target !== undefined && targets.includes(owner.target));
const alertsOf = (rules: ReturnType<typeof generateRules>) => rules.groups.flatMap((group) => group.rules).filter((rule): rule is AlertRule => 'alert' in rule);

describe('generateRules', () => {
  it('writes an error-ratio, a p95-latency and a not-called alert per method, with default thresholds', () => {
    const registry = new Registry();
    class Billing {
      @Counted({ registry }) @Timed({ registry }) @LastCalled({ registry, on: 'success' })
      charge(): void {}
    }
    const sel = 'class="Billing",method="charge"';
    expect(alertsOf(generateRules({ classes: classesOf(Billing) })).map(({ alert, expr, for: holdFor, labels }) => ({ alert, expr, for: holdFor, labels }))).toEqual([
      {
        alert: 'MethodHighErrorRatio',
        expr: `sum(rate(method_calls_total{${sel},result="error"}[5m])) / sum(rate(method_calls_total{${sel}}[5m])) > 0.05`,
        for: '5m',
        labels: { severity: 'warning', class: 'Billing', method: 'charge' },
      },
      {
        alert: 'MethodHighLatency',
        expr: `histogram_quantile(0.95, sum by (le) (rate(method_duration_seconds_bucket{${sel}}[5m]))) > 1`,
        for: '5m',
        labels: { severity: 'warning', class: 'Billing', method: 'charge' },
      },
      {
        alert: 'MethodNotCalledRecently',
        expr: `time() - max(method_last_success_timestamp_seconds{${sel}} > 0) > 3600`,
        for: undefined,
        labels: { severity: 'warning', class: 'Billing', method: 'charge' },
      },
    ]);
  });

  it('takes thresholds as options, per method in overrides, and matchers for every query', () => {
    const registry = new Registry();
    class Jobs {
      @Counted({ registry }) @Timed({ registry }) @LastCalled({ registry })
      run(): void {}
      @Counted({ registry })
      peek(): void {}
    }
    const rules = generateRules({
      classes: classesOf(Jobs),
      errorRatio: 0.1,
      latencyP95Seconds: 2.5,
      for: '10m',
      window: '2m',
      severity: 'page',
      matchers: { job: 'jobs' },
      overrides: { 'Jobs.run': { errorRatio: 0.3, notCalledForSeconds: 7200, for: '1m' } },
    });
    expect(alertsOf(rules).map(({ alert, labels, expr, for: holdFor }) => `${alert} ${labels.method} ${labels.severity} for=${holdFor}: ${expr}`)).toEqual([
      'MethodHighErrorRatio run page for=1m: sum(rate(method_calls_total{class="Jobs",method="run",job="jobs",result="error"}[2m])) / sum(rate(method_calls_total{class="Jobs",method="run",job="jobs"}[2m])) > 0.3',
      'MethodHighLatency run page for=1m: histogram_quantile(0.95, sum by (le) (rate(method_duration_seconds_bucket{class="Jobs",method="run",job="jobs"}[2m]))) > 2.5',
      'MethodNotCalledRecently run page for=undefined: time() - max(method_last_called_timestamp_seconds{class="Jobs",method="run",job="jobs"} > 0) > 7200',
      'MethodHighErrorRatio peek page for=10m: sum(rate(method_calls_total{class="Jobs",method="peek",job="jobs",result="error"}[2m])) / sum(rate(method_calls_total{class="Jobs",method="peek",job="jobs"}[2m])) > 0.1',
    ]);
  });

  it('records rates per metric, by job and the metric\'s labels (level:metric:operation names)', () => {
    const registry = new Registry();
    class Feed {
      @Counted({ registry, name: 'feed_reads', labels: { feed: 'main' } }) @Timed({ registry, name: 'feed_read_seconds', buckets: [0.1, 1] })
      read(): void {}
    }
    const recording = generateRules({ classes: classesOf(Feed) }).groups.find((group) => group.name === 'prom-decorators-recording');
    // Decorators apply bottom-up, so @Timed's metric was recorded first.
    expect(recording?.rules).toEqual([
      { record: 'job_le:feed_read_seconds_bucket:rate5m', expr: 'sum by (job, le) (rate(feed_read_seconds_bucket[5m]))' },
      { record: 'job:feed_read_seconds_count:rate5m', expr: 'sum by (job) (rate(feed_read_seconds_count[5m]))' },
      { record: 'job:feed_read_seconds_sum:rate5m', expr: 'sum by (job) (rate(feed_read_seconds_sum[5m]))' },
      { record: 'job:feed_read_seconds:p95_rate5m', expr: 'histogram_quantile(0.95, job_le:feed_read_seconds_bucket:rate5m)' },
      { record: 'job_feed:feed_reads:rate5m', expr: 'sum by (job, feed) (rate(feed_reads_total[5m]))' },
    ]);
  });

  it('writes one alert for two methods that watch the very same series', () => {
    const registry = new Registry();
    class Pair {
      @LastCalled({ registry, name: 'pair_last_timestamp_seconds' })
      left(): void {}
      @LastCalled({ registry, name: 'pair_last_timestamp_seconds' })
      right(): void {}
    }
    expect(alertsOf(generateRules({ classes: classesOf(Pair) })).map((rule) => rule.labels.method)).toEqual(['left']);
  });

  describe('as YAML', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'prom-decorators-rules-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads back as the same rule file, and every expression is valid PromQL', () => {
      const registry = new Registry();
      class Mixed {
        @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
        a(): void {}
        @Timed({ registry, type: 'summary', name: 'mixed_b_seconds', labels: { path: '/"quoted"\\path' } })
        b(): void {}
      }
      const rules = generateRules({ classes: classesOf(Mixed) });
      expect(parse(formatRules(rules))).toEqual(JSON.parse(JSON.stringify(rules)));
      const exprs = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
      expect(exprs.filter((expr) => promqlSyntaxErrors(expr).length > 0)).toEqual([]);
    });

    it('passes promtool check rules', () => {
      const promtool = requireBinary('promtool');
      const registry = new Registry();
      class Checked {
        @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
        a(): void {}
        @Counted({ registry, name: 'checked_b' }) @CountExceptions({ registry, name: 'checked_b_errors' }) @Timed({ registry, type: 'summary', name: 'checked_b_seconds' })
        b(): void {}
      }
      // 10 recording rules (a: 1 + 4 + 1, b: 1 + 1 + 2) and 5 alerts (a: 3, b: error ratio and latency).
      const file = join(dir, 'rules.yml');
      writeFileSync(file, formatRules(generateRules({ classes: classesOf(Checked) })));
      const output = execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 20_000 });
      expect(output).toContain('SUCCESS: 15 rules found');
    });
  });
});
