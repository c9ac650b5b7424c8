import { globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { warnOnce } from '../log.js';
import { namesWrittenBy } from '../metrics/registration.js';
import { BodyWriter } from './body-writer.js';
import { collectRegistry, type CollectedMetric, type CollectedSample, type Collection } from './collect.js';
import { contentTypeOf, negotiateExposition, type NameEscaping, type TextExpositionFormat } from './negotiate.js';
import { histogramLines, prepareDefaults, scalarLines, snapshotWritesDirectly, type PreparedDefaults } from './render-snapshot.js';
import { describe, skipped, type OnSkipped } from './skips.js';
import { snapshotSamples } from './snapshot-samples.js';
import { canonicalLabelValue, escapeLabelValue, escapeOpenMetricsHelp, escapeTextHelp, formatExemplar, formatValue, labelPairs } from './text-format.js';

/**
 * Writes a collection in either exposition format. Nothing here mutates the metric objects,
 * so one registry serves text and OpenMetrics to concurrent scrapers. What a consumer would
 * refuse never reaches the body (one bad value must not take the whole target down): a
 * family whose names clash with one written before it, a sample that is not a number, an
 * invalid exemplar are left out, logged once per metric and reported to `onSkipped`.
 */
export function renderCollection(collection: Collection, format: TextExpositionFormat, onSkipped?: OnSkipped): string {
  return renderBody(collection, format, onSkipped).toString('utf8');
}

/** `renderCollection`, as the UTF-8 bytes an endpoint sends. */
export function renderBody(collection: Collection, format: TextExpositionFormat, onSkipped?: OnSkipped): Buffer {
  const openMetrics = format === 'openmetrics';
  const defaults = prepareDefaults(collection.defaultLabels);
  const body = new BodyWriter();
  let first = true;
  for (const metric of writableFamilies(collection, onSkipped)) {
    // Blank lines between families in the text format, as prom-client's `registry.metrics()` writes them.
    if (!first && !openMetrics) body.write('\n');
    first = false;
    renderFamily(metric, format, collection.defaultLabels, defaults, onSkipped, body);
  }
  if (openMetrics) body.write('# EOF\n');
  return body.finish();
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

/** A family's lines, each ending in a newline: its HELP and TYPE, then its samples. */
function renderFamily(
  metric: CollectedMetric,
  format: TextExpositionFormat,
  defaultLabels: Record<string, string | number>,
  defaults: PreparedDefaults,
  onSkipped: OnSkipped | undefined,
  body: BodyWriter,
): void {
  const openMetrics = format === 'openmetrics';
  const isCounter = metric.type === 'counter';
  const isInfo = openMetrics && metric.openMetricsType === 'info';
  // OpenMetrics names a counter family without `_total` and an info family without `_info`, their samples with it.
  let familyName = metric.name;
  if (openMetrics && isCounter) familyName = metric.name.replace(/_total$/, '');
  else if (isInfo) familyName = metric.name.replace(/_info$/, '');
  body.write(`# HELP ${familyName} ${openMetrics ? escapeOpenMetricsHelp(metric.help) : escapeTextHelp(metric.help)}\n# TYPE ${familyName} ${typeName(metric, format)}\n`);
  const series = metric.series;
  if (series !== undefined && snapshotWritesDirectly(series, metric.type, defaults)) {
    const createdName = openMetrics && hasCreated(metric) ? `${isCounter ? familyName : metric.name}_created` : undefined;
    const lines = { name: metric.name, openMetrics, createdName, defaults, onSkipped };
    if (metric.type === 'histogram') histogramLines(series, lines, body);
    else scalarLines(openMetrics && isCounter ? `${familyName}_total` : metric.name, series, lines, body);
    return;
  }
  const samples = series === undefined ? (metric.values ?? []) : snapshotSamples(metric.type, metric.name, series);
  body.write(sampleLines(metric, samples, { openMetrics, isCounter, isInfo, familyName, defaultLabels }, onSkipped));
}

interface SampleContext {
  openMetrics: boolean;
  isCounter: boolean;
  isInfo: boolean;
  familyName: string;
  defaultLabels: Record<string, string | number>;
}

/** The general path: a family's lines from its sample objects, whatever wrote them. */
function sampleLines(metric: CollectedMetric, samples: readonly CollectedSample[], context: SampleContext, onSkipped: OnSkipped | undefined): string {
  const { openMetrics, isCounter, isInfo, familyName, defaultLabels } = context;
  // OpenMetrics writes `le` and `quantile` in the canonical number form its parsers compare.
  const canonicalLabel = !openMetrics ? undefined : metric.type === 'histogram' ? 'le' : metric.type === 'summary' ? 'quantile' : undefined;
  // OpenMetrics' `_created` after the sample that ends each series (see CollectedSample.createdMs).
  const createdName = openMetrics && hasCreated(metric) ? `${isCounter ? familyName : metric.name}_created` : undefined;
  // A client histogram shares one label object between a series' samples: its text is made once per render.
  const sharedTexts = new Map<object, string>();
  let text = '';
  for (const sample of samples) {
    const value = sample.value;
    if (typeof value !== 'number') {
      skipped(onSkipped, 'invalid_sample', metric.name, `a sample whose value is not a number (${describe(value)}) is left out of the exposition`);
      continue;
    }
    let sampleName = sample.metricName ?? metric.name;
    if (openMetrics && isCounter && sampleName === familyName) sampleName = `${familyName}_total`;
    else if (isInfo && sampleName === familyName) sampleName = `${familyName}_info`;
    const pairs = samplePairs(sample, defaultLabels, canonicalLabel, sharedTexts);
    const labels = pairs === '' ? '' : `{${pairs}}`;
    text += `${sampleName}${labels} ${formatValue(value)}`;
    if (openMetrics && sample.exemplar != null && carriesExemplar(metric.type, sampleName)) {
      text += formatExemplar(sample.exemplar, metric.name, onSkipped);
    }
    text += '\n';
    const createdMs = sample.createdMs;
    if (createdName !== undefined && typeof createdMs === 'number' && Number.isFinite(createdMs)) text += `${createdName}${labels} ${formatValue(createdMs / 1000)}\n`;
  }
  return text;
}

const hasOwn = Object.prototype.hasOwnProperty;
const NO_OWN_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A sample's labels as written, what `labelsOf` gives, without building the merged object: its
 * own labels not among the shared ones, the default labels neither sets, the shared labels.
 */
function samplePairs(
  sample: CollectedSample,
  defaultLabels: Record<string, string | number>,
  canonicalLabel: 'le' | 'quantile' | undefined,
  sharedTexts: Map<object, string>,
): string {
  const own = sample.labels ?? NO_OWN_LABELS;
  const shared = sample.sharedLabels;
  let text = '';
  for (const name in own) {
    const value = own[name];
    if (value === undefined || (shared !== undefined && hasOwn.call(shared, name))) continue;
    text += `${text === '' ? '' : ','}${labelPair(name, value, canonicalLabel)}`;
  }
  for (const name in defaultLabels) {
    const value = defaultLabels[name];
    if (value === undefined || hasOwn.call(own, name) || (shared !== undefined && hasOwn.call(shared, name))) continue;
    text += `${text === '' ? '' : ','}${labelPair(name, value, canonicalLabel)}`;
  }
  if (shared === undefined) return text;
  let sharedText = sharedTexts.get(shared);
  if (sharedText === undefined) {
    sharedText = labelPairs(shared, canonicalLabel);
    sharedTexts.set(shared, sharedText);
  }
  return text === '' ? sharedText : sharedText === '' ? text : `${text},${sharedText}`;
}

function labelPair(name: string, value: string | number, canonicalLabel: 'le' | 'quantile' | undefined): string {
  return `${name}="${name === canonicalLabel ? canonicalLabelValue(value) : escapeLabelValue(String(value))}"`;
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
  const collection = await collectRegistry(options.registry ?? globalRegistry, names, undefined, { snapshots: true });
  if (collection.failures.length > 0) {
    const failure = collection.failures[0];
    throw new Error(`collecting metric "${failure.name}" failed`, { cause: failure.error });
  }
  return { contentType: contentTypeOf(format, escaping), body: renderCollection(collection, format) };
}
