/**
 * A Grafana dashboard generated from the decorators: a row per instrumented class and,
 * per method, panels for call rate, error ratio, p50/p95/p99 latency, calls in progress
 * and time since the last call. Only the panels a method's decorators can feed are made.
 */
import { listInstrumented, type InstrumentedClass } from '../metadata.js';
import { methodSignals, type LabelMatchers, type MethodSignals, type Query } from './signals.js';

export interface DashboardOptions {
  /** Default: `listInstrumented()`, every class instrumented so far in this process. */
  classes?: readonly InstrumentedClass[];
  /** Default `'Instrumented methods'`. */
  title?: string;
  /** Default `'prom-decorators'`: stable, so re-imports replace the dashboard. */
  uid?: string;
  /** Matchers added to every query, e.g. `{ job: 'checkout' }`. Default none. */
  matchers?: LabelMatchers;
  /** Latency quantiles drawn. Default `[0.5, 0.95, 0.99]`. */
  quantiles?: readonly number[];
}

/** The subset of Grafana's dashboard JSON model this generator writes. */
export interface GrafanaDashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  version: number;
  editable: boolean;
  graphTooltip: number;
  time: { from: string; to: string };
  refresh: string;
  timezone: string;
  templating: { list: GrafanaVariable[] };
  annotations: { list: unknown[] };
  panels: GrafanaPanel[];
}

export interface GrafanaVariable {
  name: string;
  label: string;
  type: 'datasource';
  query: 'prometheus';
  current: Record<string, never>;
  hide: number;
  refresh: number;
}

export interface GrafanaPanel {
  id: number;
  type: 'row' | 'timeseries' | 'stat';
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  collapsed?: boolean;
  panels?: GrafanaPanel[];
  datasource?: { type: 'prometheus'; uid: string };
  description?: string;
  targets?: { refId: string; expr: string; legendFormat: string; datasource: { type: 'prometheus'; uid: string } }[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
}

/** Grafana 11's dashboard schema version. */
const SCHEMA_VERSION = 39;
const DATASOURCE = { type: 'prometheus' as const, uid: '${datasource}' };
const PANEL_HEIGHT = 7;

interface PanelPlan {
  title: string;
  width: number;
  type: 'timeseries' | 'stat';
  unit: string;
  queries: Query[];
  description: string;
  max?: number;
}

/**
 * Builds the dashboard JSON. Queries use Grafana's `$__rate_interval`, and a `datasource`
 * variable picks the Prometheus data source.
 *
 * @example
 * writeFileSync('dashboard.json', JSON.stringify(generateDashboard({ title: 'Checkout' }), null, 2));
 */
export function generateDashboard(options: DashboardOptions = {}): GrafanaDashboard {
  const classes = options.classes ?? listInstrumented();
  const quantiles = options.quantiles ?? [0.5, 0.95, 0.99];
  const panels: GrafanaPanel[] = [];
  let id = 1;
  let y = 0;
  for (const owner of classes) {
    panels.push({ id: id++, type: 'row', title: owner.className || 'Functions', collapsed: false, panels: [], gridPos: { h: 1, w: 24, x: 0, y: y++ } });
    for (const method of owner.methods) {
      let x = 0;
      for (const plan of panelPlans(methodSignals(owner, method, '$__rate_interval', options.matchers), quantiles)) {
        if (x + plan.width > 24) {
          x = 0;
          y += PANEL_HEIGHT;
        }
        panels.push(panelFrom(plan, id++, { h: PANEL_HEIGHT, w: plan.width, x, y }));
        x += plan.width;
      }
      if (x > 0) y += PANEL_HEIGHT;
    }
  }
  return {
    uid: options.uid ?? 'prom-decorators',
    title: options.title ?? 'Instrumented methods',
    tags: ['prom-decorators'],
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    graphTooltip: 1,
    time: { from: 'now-15m', to: 'now' },
    refresh: '10s',
    timezone: 'browser',
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1 }],
    },
    annotations: { list: [] },
    panels,
  };
}

function panelPlans(signals: MethodSignals, quantiles: readonly number[]): PanelPlan[] {
  const name = signals.methodName;
  const plans: PanelPlan[] = [];
  if (signals.callRate) {
    plans.push({ title: `${name}: calls/s`, width: 6, type: 'timeseries', unit: 'reqps', queries: [signals.callRate], description: 'Completed calls per second.' });
  }
  if (signals.errorRatio) {
    plans.push({ title: `${name}: error ratio`, width: 5, type: 'timeseries', unit: 'percentunit', queries: [signals.errorRatio], description: 'Failed calls over all calls.', max: 1 });
  }
  if (signals.latencyQuantile) {
    const queries = quantiles.map((q) => signals.latencyQuantile!(q));
    if (signals.averageLatency) queries.push(signals.averageLatency);
    plans.push({ title: `${name}: latency`, width: 7, type: 'timeseries', unit: 's', queries, description: 'Call duration quantiles and mean, until the returned promise settles.' });
  }
  if (signals.inProgress) {
    plans.push({ title: `${name}: in progress`, width: 3, type: 'stat', unit: 'short', queries: [signals.inProgress], description: 'Calls running now.' });
  }
  if (signals.sinceLastCall) {
    const what = signals.lastCalledOnSuccess ? 'success' : 'call';
    plans.push({ title: `${name}: since last ${what}`, width: 3, type: 'stat', unit: 's', queries: [signals.sinceLastCall], description: `Seconds since the last ${what}.` });
  }
  return plans;
}

function panelFrom(plan: PanelPlan, id: number, gridPos: GrafanaPanel['gridPos']): GrafanaPanel {
  const defaults: Record<string, unknown> = { unit: plan.unit, min: 0 };
  if (plan.max !== undefined) defaults.max = plan.max;
  if (plan.type === 'timeseries') defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false };
  return {
    id,
    type: plan.type,
    title: plan.title,
    description: plan.description,
    gridPos,
    datasource: DATASOURCE,
    targets: plan.queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      expr: query.expr,
      legendFormat: query.legend,
      datasource: DATASOURCE,
    })),
    fieldConfig: { defaults, overrides: [] },
    options:
      plan.type === 'timeseries'
        ? { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } }
        : { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' },
  };
}
