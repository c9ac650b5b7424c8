/**
 * Prometheus recording and alert rules generated from the decorators: recorded rates per
 * metric, and per method an alert for a high error ratio, a high p95 latency and, on
 * `@LastCalled` methods, no call for too long.
 */
import { listInstrumented, type InstrumentedClass, type InstrumentedMetric } from '../metadata.js';
import { methodSignals, type LabelMatchers } from './signals.js';
import { toYaml } from './yaml.js';

/** Alert thresholds; every field can also be set per method in `overrides`. */
export interface AlertThresholds {
  /** Fire when failed calls / all calls is above this (0 to 1). Default 0.05. */
  errorRatio?: number;
  /** Fire when the p95 call duration is above this many seconds. Default 1. */
  latencyP95Seconds?: number;
  /** Fire when a `@LastCalled` method has not been called (or succeeded) for this long. Default 3600. */
  notCalledForSeconds?: number;
  /** How long a condition must hold before the alert fires (Prometheus `for`). Default `'5m'`. */
  for?: string;
}

export interface RulesOptions extends AlertThresholds {
  /** Default: `listInstrumented()`. */
  classes?: readonly InstrumentedClass[];
  /** `rate()` range. Default `'5m'`. */
  window?: string;
  /** Matchers added to every alert query, e.g. `{ job: 'checkout' }`. Default none. */
  matchers?: LabelMatchers;
  /** Per-method thresholds by `'Class.method'`, e.g. `{ 'Jobs.run': { errorRatio: 0.3 } }`. */
  overrides?: Record<string, AlertThresholds>;
  /** Prefix of the rule group names. Default `'prom-decorators'`. */
  groupPrefix?: string;
  /** `severity` label of the alerts. Default `'warning'`. */
  severity?: string;
}

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

/** A Prometheus rule file (`rule_files:` entry) as an object. */
export interface RuleFile {
  groups: { name: string; rules: (RecordingRule | AlertRule)[] }[];
}

/**
 * Builds the rule file. Alerts are labelled `class` and `method`; a named metric shared by
 * several methods cannot be split per method, so its alerts watch the whole metric.
 *
 * @example
 * writeFileSync('rules.yml', formatRules(generateRules({ errorRatio: 0.1, overrides: { 'Jobs.run': { notCalledForSeconds: 7200 } } })));
 */
export function generateRules(options: RulesOptions = {}): RuleFile {
  const classes = options.classes ?? listInstrumented();
  const window = options.window ?? '5m';
  const prefix = options.groupPrefix ?? 'prom-decorators';
  const metrics = new Map<string, InstrumentedMetric>();
  for (const owner of classes) for (const method of owner.methods) for (const metric of method.metrics) metrics.set(metric.name, metric);

  const recording = [...metrics.values()].flatMap((metric) => recordingRulesFor(metric, window));
  const alerts: AlertRule[] = [];
  const seen = new Set<string>();
  const add = (rule: AlertRule) => {
    if (seen.has(rule.alert + rule.expr)) return;
    seen.add(rule.alert + rule.expr);
    alerts.push(rule);
  };
  for (const owner of classes) {
    for (const method of owner.methods) {
      const place = `${owner.className}.${method.name}`;
      const limits = { ...options, ...options.overrides?.[place] };
      const errorRatio = limits.errorRatio ?? 0.05;
      const p95 = limits.latencyP95Seconds ?? 1;
      const quietFor = limits.notCalledForSeconds ?? 3600;
      const holdFor = limits.for ?? '5m';
      const signals = methodSignals(owner, method, window, options.matchers);
      const labels = { severity: options.severity ?? 'warning', class: owner.className, method: method.name };
      if (signals.errorRatio) {
        add({
          alert: 'MethodHighErrorRatio',
          expr: `${signals.errorRatio.expr} > ${errorRatio}`,
          for: holdFor,
          labels,
          annotations: {
            summary: `${place} fails more than ${formatPercent(errorRatio)} of its calls`,
            description: `${place} error ratio is {{ $value | humanizePercentage }} over ${window}.`,
          },
        });
      }
      if (signals.latencyQuantile) {
        add({
          alert: 'MethodHighLatency',
          expr: `${signals.latencyQuantile(0.95).expr} > ${p95}`,
          for: holdFor,
          labels,
          annotations: {
            summary: `${place} p95 latency is above ${p95}s`,
            description: `${place} p95 latency is {{ $value | humanizeDuration }} over ${window}.`,
          },
        });
      }
      if (signals.sinceLastCall) {
        const what = signals.lastCalledOnSuccess ? 'succeeded' : 'been called';
        add({
          alert: 'MethodNotCalledRecently',
          expr: `${signals.sinceLastCall.expr} > ${quietFor}`,
          labels,
          annotations: {
            summary: `${place} has not ${what} for more than ${quietFor}s`,
            description: `${place} last ${signals.lastCalledOnSuccess ? 'succeeded' : 'ran'} {{ $value | humanizeDuration }} ago.`,
          },
        });
      }
    }
  }
  const groups: RuleFile['groups'] = [];
  if (recording.length > 0) groups.push({ name: `${prefix}-recording`, rules: recording });
  if (alerts.length > 0) groups.push({ name: `${prefix}-alerts`, rules: alerts });
  return { groups };
}

/** The rule file as YAML, ready for Prometheus' `rule_files` and `promtool check rules`. */
export function formatRules(rules: RuleFile): string {
  return toYaml(rules);
}

/**
 * Rates kept per metric, aggregated by every label but `instance` (the level part of the
 * `level:metric:operation` naming convention lists them).
 */
function recordingRulesFor(metric: InstrumentedMetric, window: string): RecordingRule[] {
  const labels = ['job', ...metric.labelNames];
  const level = labels.join('_');
  const by = (extra: string[] = []) => `sum by (${[...labels, ...extra].join(', ')})`;
  const base = metric.name.replace(/_total$/, '');
  switch (metric.type) {
    case 'counter':
      return [{ record: `${level}:${base}:rate${window}`, expr: `${by()} (rate(${metric.name}[${window}]))` }];
    case 'histogram':
      // A native histogram is one series (no `_bucket`, `_count` nor `_sum` in Prometheus): its rate is a histogram.
      if (metric.nativeHistogram !== undefined) {
        return [
          { record: `${level}:${base}:rate${window}`, expr: `${by()} (rate(${base}[${window}]))` },
          { record: `${level}:${base}:p95_rate${window}`, expr: `histogram_quantile(0.95, ${level}:${base}:rate${window})` },
        ];
      }
      return [
        { record: `${level}_le:${base}_bucket:rate${window}`, expr: `${by(['le'])} (rate(${base}_bucket[${window}]))` },
        { record: `${level}:${base}_count:rate${window}`, expr: `${by()} (rate(${base}_count[${window}]))` },
        { record: `${level}:${base}_sum:rate${window}`, expr: `${by()} (rate(${base}_sum[${window}]))` },
        { record: `${level}:${base}:p95_rate${window}`, expr: `histogram_quantile(0.95, ${level}_le:${base}_bucket:rate${window})` },
      ];
    case 'summary':
      return [
        { record: `${level}:${base}_count:rate${window}`, expr: `${by()} (rate(${base}_count[${window}]))` },
        { record: `${level}:${base}_sum:rate${window}`, expr: `${by()} (rate(${base}_sum[${window}]))` },
      ];
    default:
      return [];
  }
}

function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 10000) / 100}%`;
}
