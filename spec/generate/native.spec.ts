/**
 * The generated dashboard and rules on a method that records a native histogram (issue 16,
 * item 5): `histogram_quantile` over the native series (no `_bucket`, no `le`), its count and sum
 * through histogram_count and histogram_sum. The classes are listed as `listInstrumented()`
 * lists them with `nativeHistogram` on the @Timed metric.
 */
import { generateDashboard, type GrafanaPanel } from '../../lib/generate/dashboard.js';
import { generateRules } from '../../lib/generate/rules.js';
import { listInstrumented, type InstrumentedClass } from '../../lib/metadata.js';
import { Timed } from '../../lib/decorators/timed.js';
import { Registry } from '@prometheus-io/client';
import { promqlSyntaxErrors, substituteGrafanaVariables } from './fixtures/promql.js';

const byTitle = (panels: GrafanaPanel[]) => Object.fromEntries(panels.map((panel) => [panel.title, panel.targets?.map((target) => target.expr)]));

const timedNative = (nativeHistogram: 'native' | 'both'): InstrumentedClass[] => [
  {
    className: 'Checkout',
    target: undefined,
    methods: [
      {
        name: 'pay',
        static: false,
        metrics: [{ decorator: 'Timed', name: 'method_duration_seconds', type: 'histogram', labelNames: ['class', 'method', 'result'], help: 'Durations', staticLabels: {}, nativeHistogram }],
      },
    ],
  },
];

describe('generated queries on a native histogram', () => {
  test.each(['native', 'both'] as const)("the dashboard (mode '%s') reads the native series: rate, error ratio, quantiles and average", (mode) => {
    const panels = byTitle(generateDashboard({ classes: timedNative(mode), quantiles: [0.95] }).panels);
    const selector = (more = '') => `method_duration_seconds{class="Checkout",method="pay"${more}}[$__rate_interval]`;
    expect(panels).toEqual({
      Checkout: undefined,
      'pay: calls/s': [`sum by (result) (histogram_count(rate(${selector()})))`],
      'pay: error ratio': [`sum(histogram_count(rate(${selector(',result="error"')}))) / sum(histogram_count(rate(${selector()})))`],
      'pay: latency': [`histogram_quantile(0.95, sum(rate(${selector()})))`, `sum(histogram_sum(rate(${selector()}))) / sum(histogram_count(rate(${selector()})))`],
    });
    for (const exprs of Object.values(panels)) for (const expr of exprs ?? []) expect(promqlSyntaxErrors(substituteGrafanaVariables(expr))).toEqual([]);
  });

  test('the recording rules keep the native rate and its 95th percentile; the latency alert reads the native series', () => {
    const rules = generateRules({ classes: timedNative('native') });
    const recording = rules.groups.find((group) => group.name.endsWith('-recording'))!.rules;
    expect(recording).toEqual([
      { record: 'job_class_method_result:method_duration_seconds:rate5m', expr: 'sum by (job, class, method, result) (rate(method_duration_seconds[5m]))' },
      { record: 'job_class_method_result:method_duration_seconds:p95_rate5m', expr: 'histogram_quantile(0.95, job_class_method_result:method_duration_seconds:rate5m)' },
    ]);
    const exprs = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
    expect(exprs.filter((expr) => expr.includes('_bucket') || /\ble\b/.test(expr))).toEqual([]);
    expect(exprs).toContain('histogram_quantile(0.95, sum(rate(method_duration_seconds{class="Checkout",method="pay"}[5m]))) > 1');
    for (const expr of exprs) expect(promqlSyntaxErrors(expr)).toEqual([]);
  });
});

describe('listInstrumented() says which histograms are native', () => {
  test('a decorated class lists its mode, and the dashboard built from the listing reads the native series', () => {
    const registry = new Registry();
    class NativeCheckout {
      @Timed({ registry, nativeHistogram: { mode: 'both' } })
      pay(): void {}

      @Timed({ registry, name: 'refund_seconds' })
      refund(): void {}
    }
    const listed = listInstrumented().filter((entry) => entry.target === NativeCheckout);
    expect(listed.flatMap((entry) => entry.methods.map((method) => [method.name, method.metrics.map((metric) => metric.nativeHistogram)]))).toEqual([
      ['pay', ['both']],
      ['refund', [undefined]],
    ]);
    const panels = byTitle(generateDashboard({ classes: listed, quantiles: [0.95] }).panels);
    expect(panels['pay: latency']![0]).toBe('histogram_quantile(0.95, sum(rate(method_duration_seconds{class="NativeCheckout",method="pay"}[$__rate_interval])))');
    expect(panels['refund: latency']![0]).toContain('refund_seconds_bucket');
  });
});

