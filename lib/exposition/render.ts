import { globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { warnOnce } from '../log.js';
import { namesWrittenBy } from '../metrics/registration.js';
import { collectRegistry, type CollectedMetric, type CollectedSample, type Collection } from './collect.js';
import { contentTypeOf, negotiateExposition, type NameEscaping, type TextExpositionFormat } from './negotiate.js';

/**
 * Why the renderer left something out, the `reason` label of
 * `prom_decorators_exposition_skipped_total`: a family whose names clash with one written
 * before it, a sample whose value is not a number, an exemplar a consumer would refuse.
 */
export type SkipReason = 'name_clash' | 'invalid_sample' | 'invalid_exemplar';

/** Told of every family, sample or exemplar left out (logged once per metric besides). */
export type OnSkipped = (reason: SkipReason) => void;

/** OpenMetrics' limit on an exemplar's label names and values together, in code points. */
const EXEMPLAR_LABELS_LIMIT = 128;

/**
 * Writes a collection in either exposition format. Nothing here mutates the metric objects,
 * so one registry serves text and OpenMetrics to concurrent scrapers. What a consumer would
 * refuse never reaches the body (one bad value must not take the whole target down): a
 * family whose names clash with one written before it, a sample that is not a number, an
 * invalid exemplar are left out, logged once per metric and reported to `onSkipped`.
 */
export function renderCollection(collection: Collection, format: TextExpositionFormat, onSkipped?: OnSkipped): string {
  const families = writableFamilies(collection, onSkipped).map((metric) => renderFamily(metric, format, collection.defaultLabels, onSkipped));
  if (format === 'openmetrics') return families.length === 0 ? '# EOF\n' : `${families.join('\n')}\n# EOF\n`;
  // Blank lines between families, as prom-client's `registry.metrics()` writes them.
  return families.length === 0 ? '' : `${families.join('\n\n')}\n`;
}

/**
 * The families of a collection every format writes: one whose names clash with a family
 * before it is left out (logged once, reported to `onSkipped`). The registration check cannot
 * see a client metric registered after ours, so the last guard against duplicates is here.
 */
export function writableFamilies(collection: Collection, onSkipped?: OnSkipped): CollectedMetric[] {
  const families: CollectedMetric[] = [];
  // Every name a family kept so far owns, and that family.
  const owners = new Map<string, CollectedMetric>();
  for (const metric of collection.metrics) {
    const names = familyNames(metric);
    const clash = names.find((name) => owners.has(name));
    if (clash !== undefined) {
      const owner = owners.get(clash)!;
      warnOnce(
        `exposition-clash:${owner.name}:${metric.name}`,
        `the ${metric.type} "${metric.name}" is left out of the exposition: it writes "${clash}", which the ${owner.type} "${owner.name}" registered before it writes. Give one of them another name.`,
      );
      onSkipped?.('name_clash');
      continue;
    }
    for (const name of names) owners.set(name, metric);
    families.push(metric);
  }
  return families;
}

/**
 * Every name a family writes in either format, the rule of the Python OpenMetrics parser's
 * "Clashing name" check: a histogram's `_bucket`, `_sum`, `_count`, `_created`, a counter's
 * name with and without `_total`, an Info's name with and without `_info`. The same families
 * are kept in both formats.
 */
function familyNames(metric: CollectedMetric): string[] {
  const names = namesWrittenBy(metric.type, metric.name);
  if (metric.openMetricsType === 'info' && metric.name.endsWith('_info')) names.push(metric.name.slice(0, -'_info'.length));
  return names;
}

function renderFamily(
  metric: CollectedMetric,
  format: TextExpositionFormat,
  defaultLabels: Record<string, string | number>,
  onSkipped: OnSkipped | undefined,
): string {
  const openMetrics = format === 'openmetrics';
  const isCounter = metric.type === 'counter';
  const isInfo = openMetrics && metric.openMetricsType === 'info';
  // OpenMetrics names a counter family without `_total` and an info family without `_info`, their samples with it.
  let familyName = metric.name;
  if (openMetrics && isCounter) familyName = metric.name.replace(/_total$/, '');
  else if (isInfo) familyName = metric.name.replace(/_info$/, '');
  // OpenMetrics writes `le` and `quantile` in the canonical number form its parsers compare.
  const canonicalLabel = !openMetrics ? undefined : metric.type === 'histogram' ? 'le' : metric.type === 'summary' ? 'quantile' : undefined;
  const lines = [
    `# HELP ${familyName} ${openMetrics ? escapeOpenMetricsHelp(metric.help) : escapeTextHelp(metric.help)}`,
    `# TYPE ${familyName} ${typeName(metric, format)}`,
  ];
  const hasDefaultLabels = Object.keys(defaultLabels).length > 0;
  // OpenMetrics' `_created` after the sample that ends each series (see CollectedSample.createdMs).
  const createdName = openMetrics && hasCreated(metric) ? `${isCounter ? familyName : metric.name}_created` : undefined;
  for (const sample of metric.values ?? []) {
    const value = sample.value;
    if (typeof value !== 'number') {
      skipped(onSkipped, 'invalid_sample', metric.name, `a sample whose value is not a number (${describe(value)}) is left out of the exposition`);
      continue;
    }
    let sampleName = sample.metricName ?? metric.name;
    if (openMetrics && isCounter && sampleName === familyName) sampleName = `${familyName}_total`;
    else if (isInfo && sampleName === familyName) sampleName = `${familyName}_info`;
    const labels = formatLabels(labelsOf(sample, defaultLabels, hasDefaultLabels), canonicalLabel);
    let line = `${sampleName}${labels} ${formatValue(value)}`;
    if (openMetrics && sample.exemplar != null && carriesExemplar(metric.type, sampleName)) {
      line += formatExemplar(sample.exemplar, metric.name, onSkipped);
    }
    lines.push(line);
    const createdMs = sample.createdMs;
    if (createdName !== undefined && typeof createdMs === 'number' && Number.isFinite(createdMs)) lines.push(`${createdName}${labels} ${formatValue(createdMs / 1000)}`);
  }
  return lines.join('\n');
}

/** The families OpenMetrics gives a `_created`: counters, histograms and summaries (never Info or Enum). */
export function hasCreated(metric: CollectedMetric): boolean {
  return metric.openMetricsType === undefined && (metric.type === 'counter' || metric.type === 'histogram' || metric.type === 'summary');
}

/**
 * A sample's labels as written: the sample's own labels win over the registry's default
 * labels, and shared labels come last, in the order prom-client writes them.
 */
export function labelsOf(
  sample: CollectedSample,
  defaultLabels: Record<string, string | number>,
  hasDefaultLabels = Object.keys(defaultLabels).length > 0,
): Record<string, string | number | undefined> {
  let labels = sample.labels ?? {};
  if (hasDefaultLabels) labels = { ...labels, ...defaultLabels, ...labels };
  if (sample.sharedLabels !== undefined) labels = { ...withoutKeys(labels, sample.sharedLabels), ...sample.sharedLabels };
  return labels;
}

function withoutKeys<V>(labels: Record<string, V>, remove: Record<string, unknown>): Record<string, V> {
  const kept: Record<string, V> = {};
  for (const [name, value] of Object.entries(labels)) if (!Object.prototype.hasOwnProperty.call(remove, name)) kept[name] = value;
  return kept;
}

function typeName(metric: CollectedMetric, format: TextExpositionFormat): string {
  const { type } = metric;
  if (format === 'openmetrics' && metric.openMetricsType !== undefined) return metric.openMetricsType;
  if (type === 'untyped' || type === 'unknown') return format === 'openmetrics' ? 'unknown' : 'untyped';
  return type;
}

/** OpenMetrics allows exemplars on counter totals and histogram buckets only. */
function carriesExemplar(type: string, sampleName: string): boolean {
  return (type === 'counter' && sampleName.endsWith('_total')) || (type === 'histogram' && sampleName.endsWith('_bucket'));
}

/**
 * ` # {labels} value [timestamp]`, or nothing for an exemplar never set and for one a
 * consumer would refuse (the sample keeps its line): a value that is not a finite number (a
 * client `inc()` that threw while setting it leaves `null` behind), a timestamp that is not
 * one, labels over OpenMetrics' 128 characters.
 */
function formatExemplar(exemplar: NonNullable<CollectedSample['exemplar']>, metricName: string, onSkipped: OnSkipped | undefined): string {
  const valid = validExemplar(exemplar, metricName, onSkipped);
  if (valid === undefined) return '';
  const labels = formatLabels(valid.labelSet, undefined);
  return ` # ${labels === '' ? '{}' : labels} ${formatValue(valid.value)}${valid.timestamp === undefined ? '' : ` ${valid.timestamp}`}`;
}

/** An exemplar every format can write: its label set, a finite value, a timestamp in Unix seconds if any. */
export interface ValidExemplar {
  labelSet: Record<string, string | number>;
  value: number;
  timestamp?: number;
}

/**
 * The exemplar when a consumer would take it; undefined for one never set, and for one that
 * is skipped (logged once per metric, reported to `onSkipped`): a value that is not a finite
 * number (a client `inc()` that threw while setting it leaves `null` behind), a timestamp that
 * is not one, labels over OpenMetrics' 128 characters.
 */
export function validExemplar(exemplar: NonNullable<CollectedSample['exemplar']>, metricName: string, onSkipped: OnSkipped | undefined): ValidExemplar | undefined {
  const { labelSet, value, timestamp } = exemplar;
  if (labelSet === undefined && value === undefined) return undefined;
  let problem: string | undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) problem = `an exemplar whose value is not a finite number (${describe(value)})`;
  else if (timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isFinite(timestamp))) {
    problem = `an exemplar whose timestamp is not a finite number (${describe(timestamp)})`;
  } else if (typeof labelSet !== 'object' || labelSet === null) problem = `an exemplar without a label set (${describe(labelSet)})`;
  else if (exemplarLabelsLength(labelSet) > EXEMPLAR_LABELS_LIMIT) {
    problem = `an exemplar whose labels are longer than OpenMetrics' ${EXEMPLAR_LABELS_LIMIT} characters`;
  }
  if (problem !== undefined) {
    skipped(onSkipped, 'invalid_exemplar', metricName, `${problem} is left out of the exposition; its sample is kept`);
    return undefined;
  }
  return { labelSet: labelSet!, value: value as number, timestamp };
}

/** Label names and values together, in code points, as OpenMetrics counts them. */
function exemplarLabelsLength(labels: Record<string, string | number>): number {
  let length = 0;
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    length += codePoints(name) + codePoints(String(value));
  }
  return length;
}

function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    // A low surrogate completes a pair counted at its high half.
    if (unit < 0xdc00 || unit > 0xdfff) count++;
  }
  return count;
}

export function skipped(onSkipped: OnSkipped | undefined, reason: SkipReason, metricName: string, what: string): void {
  warnOnce(`exposition-${reason}:${metricName}`, `metric "${metricName}": ${what} (logged once per metric; counted in prom_decorators_exposition_skipped_total)`);
  onSkipped?.(reason);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (value === null || value === undefined || typeof value === 'number') return String(value);
  return typeof value;
}

function formatLabels(labels: Record<string, string | number | undefined>, canonicalLabel: 'le' | 'quantile' | undefined): string {
  let text = '';
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    const written = name === canonicalLabel ? canonicalLabelValue(value) : escapeLabelValue(String(value));
    text += `${text === '' ? '' : ','}${name}="${written}"`;
  }
  return text === '' ? '' : `{${text}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Bucket bounds and quantiles repeat across every series of a family (and across scrapes):
 * their canonical forms are remembered, so a scrape of many histograms converts each once.
 */
const canonicalForms = new Map<string | number, string>();
const CANONICAL_FORMS_LIMIT = 4096;

/** An `le` or `quantile` value (a number from our histograms, a number or a string from the client's) in canonical form. */
function canonicalLabelValue(value: string | number): string {
  const known = canonicalForms.get(value);
  if (known !== undefined) return known;
  const number = typeof value === 'number' ? value : Number(value);
  // A string that is no number at all is written as given: no consumer can read it either way.
  const form = typeof value === 'string' && Number.isNaN(number) && value !== 'NaN' ? escapeLabelValue(value) : canonicalNumber(number);
  if (canonicalForms.size >= CANONICAL_FORMS_LIMIT) canonicalForms.clear();
  canonicalForms.set(value, form);
  return form;
}

/**
 * The number form the Go client writes (`strconv.FormatFloat(f, 'g', -1, 64)`, with `.0` on
 * integers) and Python's `floatToGoString` mirrors: `1.0`, `0.005`, `1e-09`, `1e+06`,
 * `1.2345675e+06`, `+Inf`. (Python writes `1e+010` for 1e10 through 1e15 and `-1000000.0`
 * for negatives beyond -1e6, where Go writes `1e+10` and `-1e+06`: we follow Go there.)
 */
export function canonicalNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  if (value === 0) return '0.0';
  // Shortest round-trip digits, as both Go and Python choose them.
  const exponential = value.toExponential();
  const at = exponential.indexOf('e');
  const exponent = Number(exponential.slice(at + 1));
  if (exponent < -4 || exponent >= 6) {
    const digits = exponential.slice(at + 2);
    return `${exponential.slice(0, at)}e${exponential[at + 1]}${digits.length < 2 ? '0' : ''}${digits}`;
  }
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

function escapeTextHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeOpenMetricsHelp(help: string): string {
  return escapeTextHelp(help).replace(/"/g, '\\"');
}

const NEEDS_ESCAPING = /[\\\n"]/;

function escapeLabelValue(value: string): string {
  // Most label values need no escaping: one test spares three replace passes.
  if (!NEEDS_ESCAPING.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

const TEXT_FORMATS: readonly TextExpositionFormat[] = ['text', 'openmetrics'];

export interface RenderMetricsOptions {
  /** Default: the Prometheus client's global `register`. */
  registry?: MetricsRegistry;
  /** The scraper's `Accept` header; missing or unknown gives the text format. */
  accept?: string;
  /** Only these families (registered names; a counter also by its name without `_total`). */
  names?: readonly string[];
}

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

/**
 * The registry in the text format or OpenMetrics, whichever the `Accept` header prefers, for a
 * server this library has no adapter for (Python's `generate_latest` with `CONTENT_TYPE_LATEST`).
 * The protobuf format (a binary body) is served by the endpoints, never here: a scraper that
 * asks for it first gets the next format it names. Rejects when a
 * collector throws or rejects. What a consumer would refuse is left out and logged once, as
 * in a scrape (no self-metric counts it here: renderMetrics registers none).
 *
 * @example
 * const { contentType, body } = await renderMetrics({ accept: request.headers.accept });
 * reply.header('Content-Type', contentType).send(body);
 */
export async function renderMetrics(options: RenderMetricsOptions = {}): Promise<RenderedMetrics> {
  // The text formats only: a body that is a string (the protobuf format is served by the endpoints).
  const { format, escaping } = negotiateExposition(options.accept, TEXT_FORMATS) as { format: TextExpositionFormat; escaping?: NameEscaping };
  const names = options.names === undefined ? undefined : new Set(options.names);
  const collection = await collectRegistry(options.registry ?? globalRegistry, names);
  if (collection.failures.length > 0) {
    const failure = collection.failures[0];
    throw new Error(`collecting metric "${failure.name}" failed`, { cause: failure.error });
  }
  return { contentType: contentTypeOf(format, escaping), body: renderCollection(collection, format) };
}
