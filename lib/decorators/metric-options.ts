import { globalRegistry, isRegistry, metricIn } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { DecoratorMisuseError } from '../errors.js';
import type { CallInfo, CallSite, MetricDescription } from '../core/probe.js';
import { methodLabels, SeriesChooser, siteSeriesLimits, type ComputedLabelOptions } from './labels.js';
import { declareFamily, type FamilyKind, type FamilyRequest } from '../metrics/declare.js';
import type { MetricFamily } from '../metrics/family.js';
import { METRIC_SHAPE, MetricConflictError, type ShapedMetric } from '../metrics/registration.js';
import type { LabelValues } from '../metrics/series.js';
import { labelNameProblem, metricNameProblem, suggestMetricName } from '../metrics/validation.js';

/** The computed label names of a site that computes none; shared, never written. */
const NO_COMPUTED_LABELS: readonly string[] = [];

/** What a default metric reports as its static labels; shared, never written. */
const NO_STATIC_LABELS: Record<string, string> = {};

/** Options every decorator takes. */
export interface MetricOptions {
  /**
   * Write to this metric instead of the shared default one. A named metric carries only the
   * labels given in `labels`. Counter names get `_total` appended when they lack it.
   */
  name?: string;
  /** Help text of a named metric. Default: a sentence naming the decorator. */
  help?: string;
  /** Static labels of a named metric, e.g. `{ endpoint: '/treecounter' }`. */
  labels?: Record<string, string | number>;
  /** The Registry to write to, of either client (Prometheus text or OpenMetrics). Default: the client's global `register`. */
  registry?: MetricsRegistry;
  /** For a plain function: the `method` label (default: the function's name; required when it has none). */
  method?: string;
}

/** For the decorators that write counters and histograms (@Counted, @CountExceptions, @Timed). */
export interface ExemplarOption {
  /**
   * Attach the active trace's `trace_id` and `span_id` to the writes as exemplars (OpenMetrics
   * and protobuf only, never the text format): at most one per series, for a histogram per
   * bucket, per interval (`configureExemplars`, default 1 s), when `@opentelemetry/api` is
   * installed and a sampled span is recording. Default true; `configureExemplars({ enabled:
   * false })` turns them off for the whole process.
   */
  exemplars?: boolean;
}

/** Whether a site takes exemplars: its `exemplars` option, checked. */
export function exemplarsWanted(site: CallSite, options: ExemplarOption | undefined): boolean {
  const exemplars = options?.exemplars;
  if (exemplars !== undefined && typeof exemplars !== 'boolean') {
    throw new DecoratorMisuseError(site.decorator, site.place, `exemplars must be true or false, got ${JSON.stringify(exemplars) ?? typeof exemplars}`, 'Pass { exemplars: false } to take none, or leave it out');
  }
  return exemplars !== false;
}

/** What counts as a failure, for decorators that tell ok from error. */
export interface OutcomeOptions {
  /** Marks a returned (resolved) value as a failure, e.g. a handler that answers 500. */
  errorIf?: (result: never) => boolean;
  /** Marks a thrown (rejected) error as a success, e.g. an expected business error. It is still rethrown. */
  okIf?: (error: never) => boolean;
}

/** Applies errorIf/okIf: whether this call counts as failed. */
export function outcomeClassifier(site: CallSite, options: OutcomeOptions | undefined): ((failed: boolean, outcome: unknown) => boolean) | undefined {
  const { errorIf, okIf } = (options ?? {}) as { errorIf?: (result: unknown) => boolean; okIf?: (error: unknown) => boolean };
  for (const [optionName, option] of [['errorIf', errorIf], ['okIf', okIf]] as const) {
    if (option !== undefined && typeof option !== 'function') {
      throw new DecoratorMisuseError(site.decorator, site.place, `${optionName} must be a function, got ${typeof option}`, `Pass ${optionName}: (value) => boolean`);
    }
  }
  if (errorIf === undefined && okIf === undefined) return undefined;
  return (failed, outcome) => (failed ? !(okIf !== undefined && okIf(outcome) === true) : errorIf !== undefined && errorIf(outcome) === true);
}

/** The metric a decorator writes when it has no `name`. */
export interface DefaultMetric {
  kind: FamilyKind;
  name: string;
  help: string;
  /** Label names beyond `class` and `method`, which every default metric has. */
  outcomeLabels: readonly string[];
  /** Help text when the user names the metric but gives no help. */
  namedHelp: string;
}

/** A decorator's metric, checked and declared: what `validate` hands on to `build`. */
export interface SiteMetric<F> {
  family: F;
  named: boolean;
  /** The labels, description and series chooser of one site, once its class is known. */
  at(site: CallSite): SiteSeries<F>;
}

/** What one site writes to. */
export interface SiteSeries<F> {
  /** `{ class, method }` on a default metric, the static labels on a named one. */
  baseLabels: LabelValues;
  description: MetricDescription;
  /** Picks the series of a call, from the fixed labels and any computed ones. */
  chooser: SeriesChooser<F extends MetricFamily<infer S> ? S : never>;
}

/**
 * Validates a decorator's metric options, then gets or creates its metric: the shared
 * default metric labelled by class and method, or the named one with its static labels.
 * Runs once per site, in the recipe's `validate` phase; the series wait for `at(site)`.
 */
export function declareSiteMetric<F extends MetricFamily<{ labels: LabelValues }>>(
  where: CallSite,
  options: MetricOptions | undefined,
  defaults: DefaultMetric,
  extra: Pick<FamilyRequest, 'buckets' | 'summary' | 'native'> = {},
): SiteMetric<F> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new DecoratorMisuseError(where.decorator, where.place, `options must be an object, got ${String(options)}`, `Pass { name: '...' } or nothing`);
  }
  const { name, help, labels, registry = globalRegistry } = options ?? {};
  if (!isRegistry(registry)) {
    throw new DecoratorMisuseError(where.decorator, where.place, 'registry is not a Prometheus client Registry', `Pass registry: new Registry() or register, from @prometheus-io/client or prom-client, or leave it out`);
  }
  const { labelNames: computedNames = NO_COMPUTED_LABELS, labelsFrom, maxSeries } = (options ?? {}) as ComputedLabelOptions<string, unknown>;
  const limits = siteSeriesLimits(where.decorator, where.place, options as ComputedLabelOptions<string, unknown> | undefined);
  const named = name !== undefined;
  let metricName = defaults.name;
  let labelNames: string[];
  let namedLabels: LabelValues | undefined;
  if (named) {
    // Validated first: a name that is not a string has no endsWith.
    // A counter's family is named without `_total`: "_total" alone would leave it no name.
    const ownedSuffix = defaults.kind === 'counter' ? '_total' : undefined;
    const problem = metricNameProblem(name, ownedSuffix);
    if (problem !== undefined) {
      const fix = name === ownedSuffix ? `Name what is counted, e.g. { name: "jobs" } (written jobs_total)` : `Pass { name: "${suggestMetricName(name)}" }`;
      throw new DecoratorMisuseError(where.decorator, where.place, problem, fix);
    }
    metricName = defaults.kind === 'counter' && !name.endsWith('_total') ? `${name}_total` : name;
    namedLabels = staticLabels(where, labels);
    labelNames = [...Object.keys(namedLabels), ...checkComputedLabels(where, namedLabels, (options as ComputedLabelOptions<string, unknown>).labelNames, labelsFrom)];
  } else {
    if ((options as ComputedLabelOptions<string, unknown> | undefined)?.labelNames !== undefined || labelsFrom !== undefined) {
      throw new DecoratorMisuseError(
        where.decorator,
        where.place,
        `computed labels need a named metric (the default "${defaults.name}" has fixed labels)`,
        `Give the metric a name: { name: "my_metric", labelNames: [...], labelsFrom: (call) => ({ ... }) }`,
      );
    }
    if (labels !== undefined && Object.keys(labels).length > 0) {
      throw new DecoratorMisuseError(
        where.decorator,
        where.place,
        `static labels need a named metric (the default "${defaults.name}" has fixed labels class, method${defaults.outcomeLabels.map((label) => `, ${label}`).join('')})`,
        `Give the metric a name: { name: "my_metric", labels: ${JSON.stringify(labels)} }`,
      );
    }
    labelNames = ['class', 'method', ...defaults.outcomeLabels];
  }
  const metricHelp = named ? (help ?? defaults.namedHelp) : defaults.help;
  let family: F;
  const declaredAt = `@${where.decorator} on ${where.place}`;
  const firstDeclaration = metricIn(registry, metricName) === undefined;
  try {
    family = declareFamily({ registry, kind: defaults.kind, name: metricName, help: metricHelp, labelNames, declaredAt, maxSeries, ...extra }) as unknown as F;
  } catch (error) {
    if (!(error instanceof MetricConflictError)) throw error;
    const fix = error.foreign ? 'Give the decorator another name, or remove the other registration' : 'Use the same options in both places, or give one of them another name';
    throw new DecoratorMisuseError(where.decorator, where.place, error.problem, fix);
  }
  const type = defaults.kind === 'timestamp' ? 'gauge' : defaults.kind === 'native-histogram' ? 'histogram' : defaults.kind;
  const native = extra.native?.mode;
  return {
    family,
    named,
    at(site) {
      // A standard method decorator declares before its class is known ("?.method"): the
      // first declaration takes its real place now, for every later conflict message.
      const shape = (family as unknown as ShapedMetric)[METRIC_SHAPE];
      if (firstDeclaration && site.place !== where.place && shape.declaredAt === declaredAt) {
        (shape as { declaredAt: string }).declaredAt = `@${where.decorator} on ${site.place}`;
      }
      const baseLabels = namedLabels ?? methodLabels(site.className, site.methodName);
      const chooser = new SeriesChooser(family, baseLabels, computedNames, labelsFrom as ((call: CallInfo) => unknown) | undefined, site.place, limits);
      const description: MetricDescription = { name: metricName, type, labelNames: family.labelNames as string[], help: metricHelp, staticLabels: namedLabels ?? NO_STATIC_LABELS };
      if (native !== undefined) description.nativeHistogram = native;
      return { baseLabels, description, chooser: chooser as SiteSeries<F>['chooser'] };
    },
  };
}

function checkComputedLabels(site: CallSite, baseLabels: LabelValues, names: readonly string[] | undefined, labelsFrom: unknown): string[] {
  if (names === undefined && labelsFrom === undefined) return [];
  if (!Array.isArray(names) || typeof labelsFrom !== 'function') {
    throw new DecoratorMisuseError(site.decorator, site.place, 'computed labels need both labelNames and labelsFrom', `Pass { labelNames: ['status'], labelsFrom: ({ error }) => ({ status: error ? 'error' : 'ok' }) }`);
  }
  for (const labelName of names) {
    const problem = labelNameProblem(labelName);
    if (problem !== undefined) throw new DecoratorMisuseError(site.decorator, site.place, problem, 'Rename the label in labelNames');
    if (labelName in baseLabels || names.indexOf(labelName) !== names.lastIndexOf(labelName)) {
      throw new DecoratorMisuseError(site.decorator, site.place, `label "${labelName}" is declared twice`, 'Declare each label once, either static in labels or computed in labelNames');
    }
  }
  return [...names];
}

function staticLabels(site: CallSite, labels: Record<string, string | number> | undefined): LabelValues {
  const values: LabelValues = {};
  for (const [labelName, value] of Object.entries(labels ?? {})) {
    const problem = labelNameProblem(labelName);
    if (problem !== undefined) throw new DecoratorMisuseError(site.decorator, site.place, problem, 'Rename the label in the labels option');
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new DecoratorMisuseError(site.decorator, site.place, `label "${labelName}" has a ${typeof value} value`, 'Give static labels string or number values');
    }
    values[labelName] = String(value);
  }
  return values;
}
