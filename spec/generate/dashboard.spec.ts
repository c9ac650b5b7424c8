import { Registry } from '../support/prometheus-client.js';
import { Counted, CountExceptions, InProgress, LastCalled, Timed, listInstrumented } from '../../lib/index.js';
import { generateDashboard, type GrafanaPanel } from '../../lib/generate/dashboard.js';
import { promqlSyntaxErrors, substituteGrafanaVariables } from './fixtures/promql.js';

const classesOf = (...targets: object[]) => listInstrumented().filter((owner) => owner.target !== undefined && targets.includes(owner.target));
const byTitle = (panels: GrafanaPanel[]) => Object.fromEntries(panels.map((panel) => [panel.title, panel.targets?.map((target) => target.expr)]));

describe('generateDashboard', () => {
  it('makes a row per class and, per method, panels for rate, error ratio, latency, in-progress and last call', () => {
    const registry = new Registry();
    class Checkout {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      pay(): void {}
    }
    const dashboard = generateDashboard({ classes: classesOf(Checkout) });
    expect(dashboard.panels.map((panel) => `${panel.type} ${panel.title}`)).toEqual([
      'row Checkout',
      'timeseries pay: calls/s',
      'timeseries pay: error ratio',
      'timeseries pay: latency',
      'stat pay: in progress',
      'stat pay: since last call',
    ]);
    const sel = 'class="Checkout",method="pay"';
    expect(byTitle(dashboard.panels)).toEqual({
      Checkout: undefined,
      'pay: calls/s': [`sum by (result) (rate(method_calls_total{${sel}}[$__rate_interval]))`],
      'pay: error ratio': [
        `sum(rate(method_calls_total{${sel},result="error"}[$__rate_interval])) / sum(rate(method_calls_total{${sel}}[$__rate_interval]))`,
      ],
      'pay: latency': [
        `histogram_quantile(0.5, sum by (le) (rate(method_duration_seconds_bucket{${sel}}[$__rate_interval])))`,
        `histogram_quantile(0.95, sum by (le) (rate(method_duration_seconds_bucket{${sel}}[$__rate_interval])))`,
        `histogram_quantile(0.99, sum by (le) (rate(method_duration_seconds_bucket{${sel}}[$__rate_interval])))`,
        `sum(rate(method_duration_seconds_sum{${sel}}[$__rate_interval])) / sum(rate(method_duration_seconds_count{${sel}}[$__rate_interval]))`,
      ],
      'pay: in progress': [`sum(method_in_progress{${sel}})`],
      'pay: since last call': [`time() - max(method_last_called_timestamp_seconds{${sel}} > 0)`],
    });
  });

  it('queries named metrics by name, selecting this method\'s series by its static labels', () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'shop_orders', labels: { shop: 'eu' } })
      @CountExceptions({ registry, name: 'shop_failures' })
      @Timed({ registry, type: 'summary', name: 'shop_order_seconds' })
      @LastCalled({ registry, on: 'success', name: 'shop_last_order_timestamp_seconds' })
      order(): void {}
    }
    expect(byTitle(generateDashboard({ classes: classesOf(Shop), quantiles: [0.95] }).panels)).toEqual({
      Shop: undefined,
      'order: calls/s': ['sum by (shop) (rate(shop_orders_total{shop="eu"}[$__rate_interval]))'],
      'order: error ratio': ['sum(rate(shop_failures_total[$__rate_interval])) / sum(rate(shop_orders_total{shop="eu"}[$__rate_interval]))'],
      'order: latency': [
        'max (shop_order_seconds{quantile="0.95"})',
        'sum(rate(shop_order_seconds_sum[$__rate_interval])) / sum(rate(shop_order_seconds_count[$__rate_interval]))',
      ],
      'order: since last success': ['time() - max(shop_last_order_timestamp_seconds > 0)'],
    });
  });

  it('makes only the panels a method feeds, adds the given matchers, and titles "since last success"', () => {
    const registry = new Registry();
    class Nightly {
      @LastCalled({ registry, on: 'success' })
      backup(): void {}
    }
    const dashboard = generateDashboard({ classes: classesOf(Nightly), matchers: { job: 'batch' } });
    expect(byTitle(dashboard.panels)).toEqual({
      Nightly: undefined,
      'backup: since last success': ['time() - max(method_last_success_timestamp_seconds{class="Nightly",method="backup",job="batch"} > 0)'],
    });
  });

  it('writes a dashboard Grafana can import: unique ids, panels inside 24 columns, a Prometheus datasource variable', () => {
    const registry = new Registry();
    class Orders {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @LastCalled({ registry })
      place(): void {}
      @Counted({ registry }) @CountExceptions({ registry })
      cancel(): void {}
    }
    const dashboard = generateDashboard({ classes: classesOf(Orders), title: 'Orders', uid: 'orders' });
    expect(dashboard).toMatchObject({ uid: 'orders', title: 'Orders', schemaVersion: 39, templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] } });
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type !== 'row') expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    // Panels never overlap: each cell of the grid is taken at most once.
    const taken = new Set<string>();
    for (const { gridPos } of dashboard.panels) {
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(taken.has(`${x},${y}`)).toBe(false);
          taken.add(`${x},${y}`);
        }
      }
    }
  });

  it('writes only valid PromQL (checked by Prometheus\' lezer grammar)', () => {
    const registry = new Registry();
    class Everything {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      a(): void {}
      @Counted({ registry, name: 'b_calls', labels: { tier: 'gold', zone: 'x' } }) @Timed({ registry, name: 'b_seconds', labels: { tier: 'gold' }, buckets: [0.1, 1] })
      @CountExceptions({ registry, name: 'b_errors' }) @InProgress({ registry, name: 'b_running' })
      b(): void {}
      @Timed({ registry, type: 'summary', name: 'c_seconds', labels: { tier: 'gold' } }) @LastCalled({ registry, name: 'c_last_timestamp_seconds' })
      c(): void {}
    }
    const exprs = generateDashboard({ classes: classesOf(Everything), matchers: { job: 'a "quoted" job' } }).panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    expect(exprs.length).toBeGreaterThan(10);
    expect(promqlSyntaxErrors('rate(x[1m]) /')).not.toEqual([]); // the checker does catch errors
    expect(exprs.map((expr) => [expr, promqlSyntaxErrors(substituteGrafanaVariables(expr))]).filter(([, errors]) => errors.length > 0)).toEqual([]);
  });
});

describe('generateDashboard with one decorator stacked twice', () => {
  it('lets the default metric, else the named one with the fewest labels, else the histogram, speak for the method', () => {
    const registry = new Registry();
    class Twice {
      @Counted({ registry, name: 'twice_by_status', labelNames: ['status'], labelsFrom: ({ error }) => ({ status: error ? 500 : 200 }) })
      @Counted({ registry, name: 'twice_plain' })
      named(): void {}
      @Counted({ registry, name: 'twice_named' })
      @Counted({ registry })
      both(): void {}
      @Timed({ registry, name: 'twice_histogram_seconds', labels: { a: 'x' } })
      @Timed({ registry, type: 'summary', name: 'twice_summary_seconds', labels: { a: 'x' } })
      timed(): void {}
    }
    expect(byTitle(generateDashboard({ classes: classesOf(Twice) }).panels)).toEqual({
      Twice: undefined,
      'named: calls/s': ['sum(rate(twice_plain_total[$__rate_interval]))'],
      'both: calls/s': ['sum by (result) (rate(method_calls_total{class="Twice",method="both"}[$__rate_interval]))'],
      'both: error ratio': [
        'sum(rate(method_calls_total{class="Twice",method="both",result="error"}[$__rate_interval])) / sum(rate(method_calls_total{class="Twice",method="both"}[$__rate_interval]))',
      ],
      'timed: calls/s': ['sum by (a) (rate(twice_histogram_seconds_count{a="x"}[$__rate_interval]))'],
      'timed: latency': [
        'histogram_quantile(0.5, sum by (a, le) (rate(twice_histogram_seconds_bucket{a="x"}[$__rate_interval])))',
        'histogram_quantile(0.95, sum by (a, le) (rate(twice_histogram_seconds_bucket{a="x"}[$__rate_interval])))',
        'histogram_quantile(0.99, sum by (a, le) (rate(twice_histogram_seconds_bucket{a="x"}[$__rate_interval])))',
        'sum by (a) (rate(twice_histogram_seconds_sum{a="x"}[$__rate_interval])) / sum by (a) (rate(twice_histogram_seconds_count{a="x"}[$__rate_interval]))',
      ],
    });
  });
});
