/**
 * The PromQL behind every generated panel and rule, built from what `listInstrumented()`
 * says a method writes. Dashboards and rules share it so a panel and its alert always
 * look at the same series.
 */
import type { InstrumentedClass, InstrumentedMethod, InstrumentedMetric } from '../metadata.js';

/** Extra label matchers added to every selector, e.g. `{ job: 'checkout' }`. */
export type LabelMatchers = Record<string, string>;

/** The queries one method supports; a signal is missing when no decorator writes it. */
export interface MethodSignals {
  className: string;
  methodName: string;
  /** Calls per second; by `result` on the default metric, by static labels on a named one. */
  callRate?: Query;
  /** Failed calls over all calls, 0 to 1. */
  errorRatio?: Query;
  /** The q-quantile of the call duration in seconds. */
  latencyQuantile?: (q: number) => Query;
  /** Mean call duration in seconds, from `_sum` and `_count`. */
  averageLatency?: Query;
  /** Calls running now. */
  inProgress?: Query;
  /** Seconds since the last call (or last success); no value before the first one. */
  sinceLastCall?: Query;
  /** Whether sinceLastCall counts from the last success (`@LastCalled({ on: 'success' })`). */
  lastCalledOnSuccess?: boolean;
}

export interface Query {
  expr: string;
  /** Grafana legend, e.g. `{{result}}`. */
  legend: string;
}

/** Default metrics tell methods apart by these labels; named metrics carry static labels only. */
function isDefaultMetric(metric: InstrumentedMetric): boolean {
  return metric.labelNames.includes('class') && metric.labelNames.includes('method');
}

/** `{class="A",method="b",job="x"}`, or '' when there is nothing to match. */
export function selector(matchers: LabelMatchers): string {
  const parts = Object.entries(matchers).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Label names a named metric is split by in a panel (its static labels). */
function staticLabelNames(metric: InstrumentedMetric): string[] {
  return isDefaultMetric(metric) ? [] : metric.labelNames.filter((name) => name !== 'le' && name !== 'quantile');
}

function sumBy(labels: string[], inner: string): string {
  return labels.length === 0 ? `sum(${inner})` : `sum by (${labels.join(', ')}) (${inner})`;
}

function legendFor(labels: string[], fallback: string): string {
  return labels.length === 0 ? fallback : labels.map((label) => `{{${label}}}`).join(' ');
}

/**
 * Builds the queries for one method.
 * @param window range of `rate()`, e.g. `5m` or Grafana's `$__rate_interval`
 * @param extra matchers added to every selector (e.g. a job)
 */
export function methodSignals(owner: Pick<InstrumentedClass, 'className'>, method: InstrumentedMethod, window: string, extra: LabelMatchers = {}): MethodSignals {
  const signals: MethodSignals = { className: owner.className, methodName: method.name };
  // With the same decorator stacked twice, the default metric (else the one with the fewest
  // labels, else a histogram, which aggregates, over a summary) speaks for the method.
  const find = (decorator: string, type?: InstrumentedMetric['type']) =>
    method.metrics
      .filter((metric) => metric.decorator === decorator && (type === undefined || metric.type === type))
      .sort(
        (a, b) =>
          Number(isDefaultMetric(b)) - Number(isDefaultMetric(a)) ||
          a.labelNames.length - b.labelNames.length ||
          Number(b.type === 'histogram') - Number(a.type === 'histogram'),
      )[0];
  const matchersOf = (metric: InstrumentedMetric, more: LabelMatchers = {}): LabelMatchers =>
    isDefaultMetric(metric) ? { class: owner.className, method: method.name, ...extra, ...more } : { ...extra, ...(metric.staticLabels ?? {}), ...more };
  const rateOf = (name: string, metric: InstrumentedMetric, more: LabelMatchers = {}) => `rate(${name}${selector(matchersOf(metric, more))}[${window}])`;

  const counted = find('Counted', 'counter');
  const timed = find('Timed');
  const exceptions = find('CountExceptions', 'counter');
  const inProgress = find('InProgress', 'gauge');
  const lastCalled = find('LastCalled', 'gauge');

  // Calls: the counter when there is one, else the timer's _count.
  // A native histogram is one series: Prometheus keeps no `_count`, `_sum` nor `_bucket` of it.
  const native = timed !== undefined && timed.nativeHistogram !== undefined;
  const calls = counted !== undefined ? { name: counted.name, metric: counted } : timed !== undefined ? { name: `${timed.name}_count`, metric: timed } : undefined;
  const callRateOf = (more: LabelMatchers = {}): string => {
    if (counted === undefined && native) return `histogram_count(${rateOf(timed!.name, timed!, more)})`;
    return rateOf(calls!.name, calls!.metric, more);
  };
  if (calls !== undefined) {
    const by = isDefaultMetric(calls.metric) ? ['result'] : staticLabelNames(calls.metric);
    signals.callRate = { expr: sumBy(by, callRateOf()), legend: legendFor(by, 'calls/s') };
  }

  // Errors: the result="error" series of a default metric, else the exception counter.
  let errors: string | undefined;
  if (calls !== undefined && isDefaultMetric(calls.metric)) errors = `sum(${callRateOf({ result: 'error' })})`;
  else if (exceptions !== undefined) errors = `sum(${rateOf(exceptions.name, exceptions)})`;
  if (errors !== undefined && calls !== undefined) {
    signals.errorRatio = { expr: `${errors} / sum(${callRateOf()})`, legend: 'error ratio' };
  }

  if (timed !== undefined) {
    const by = staticLabelNames(timed);
    if (timed.type === 'histogram') {
      signals.latencyQuantile = (q) => ({
        expr: native ? `histogram_quantile(${q}, ${sumBy(by, rateOf(timed.name, timed))})` : `histogram_quantile(${q}, ${sumBy([...by, 'le'], rateOf(`${timed.name}_bucket`, timed))})`,
        legend: legendFor(by, `p${Math.round(q * 100)}`) + (by.length === 0 ? '' : ` p${Math.round(q * 100)}`),
      });
    } else if (timed.type === 'summary') {
      // Summary quantiles cannot be aggregated: show the worst instance's.
      signals.latencyQuantile = (q) => ({
        expr: `max${by.length === 0 ? '' : ` by (${by.join(', ')})`} (${timed.name}${selector(matchersOf(timed, { quantile: String(q) }))})`,
        legend: legendFor(by, `p${Math.round(q * 100)}`) + (by.length === 0 ? '' : ` p${Math.round(q * 100)}`),
      });
    }
    signals.averageLatency = {
      expr: native
        ? `${sumBy(by, `histogram_sum(${rateOf(timed.name, timed)})`)} / ${sumBy(by, `histogram_count(${rateOf(timed.name, timed)})`)}`
        : `${sumBy(by, rateOf(`${timed.name}_sum`, timed))} / ${sumBy(by, rateOf(`${timed.name}_count`, timed))}`,
      legend: legendFor(by, 'average'),
    };
  }

  if (inProgress !== undefined) {
    const by = staticLabelNames(inProgress);
    signals.inProgress = { expr: sumBy(by, `${inProgress.name}${selector(matchersOf(inProgress))}`), legend: legendFor(by, 'in progress') };
  }

  if (lastCalled !== undefined) {
    // A never-called method reads 0; `> 0` keeps it from showing as 56 years ago.
    signals.sinceLastCall = { expr: `time() - max(${lastCalled.name}${selector(matchersOf(lastCalled))} > 0)`, legend: 'seconds ago' };
    signals.lastCalledOnSuccess = lastCalled.on === 'success';
  }
  return signals;
}
