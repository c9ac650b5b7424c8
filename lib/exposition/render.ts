import { globalRegistry } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import { collectRegistry, type CollectedMetric, type CollectedSample, type Collection } from './collect.js';
import { contentTypeOf, negotiateFormat, type ExpositionFormat } from './negotiate.js';

/**
 * Writes a collection in either exposition format. Nothing here mutates the metric objects,
 * so one registry serves text and OpenMetrics to concurrent scrapers.
 */
export function renderCollection(collection: Collection, format: ExpositionFormat): string {
  const families = collection.metrics.map((metric) => renderFamily(metric, format, collection.defaultLabels));
  if (format === 'openmetrics') return families.length === 0 ? '# EOF\n' : `${families.join('\n')}\n# EOF\n`;
  // Blank lines between families, as prom-client's `registry.metrics()` writes them.
  return families.length === 0 ? '' : `${families.join('\n\n')}\n`;
}

function renderFamily(metric: CollectedMetric, format: ExpositionFormat, defaultLabels: Record<string, string | number>): string {
  const openMetrics = format === 'openmetrics';
  const isCounter = metric.type === 'counter';
  // OpenMetrics names a counter family without `_total` and its sample with it.
  const familyName = openMetrics && isCounter ? metric.name.replace(/_total$/, '') : metric.name;
  const lines = [
    `# HELP ${familyName} ${openMetrics ? escapeOpenMetricsHelp(metric.help) : escapeTextHelp(metric.help)}`,
    `# TYPE ${familyName} ${typeName(metric.type, format)}`,
  ];
  const hasDefaultLabels = Object.keys(defaultLabels).length > 0;
  for (const sample of metric.values ?? []) {
    let sampleName = sample.metricName ?? metric.name;
    if (openMetrics && isCounter && sampleName === familyName) sampleName = `${familyName}_total`;
    let labels = sample.labels ?? {};
    // The sample's own labels win over the registry's default labels, and shared labels come
    // last, in the order prom-client writes them.
    if (hasDefaultLabels) labels = { ...labels, ...defaultLabels, ...labels };
    if (sample.sharedLabels !== undefined) labels = { ...withoutKeys(labels, sample.sharedLabels), ...sample.sharedLabels };
    let line = `${sampleName}${formatLabels(labels)} ${formatValue(sample.value)}`;
    if (openMetrics && carriesExemplar(metric.type, sampleName)) line += formatExemplar(sample.exemplar);
    lines.push(line);
  }
  return lines.join('\n');
}

function withoutKeys<V>(labels: Record<string, V>, remove: Record<string, unknown>): Record<string, V> {
  const kept: Record<string, V> = {};
  for (const [name, value] of Object.entries(labels)) if (!Object.prototype.hasOwnProperty.call(remove, name)) kept[name] = value;
  return kept;
}

function typeName(type: string, format: ExpositionFormat): string {
  if (type === 'untyped' || type === 'unknown') return format === 'openmetrics' ? 'unknown' : 'untyped';
  return type;
}

/** OpenMetrics allows exemplars on counter totals and histogram buckets only. */
function carriesExemplar(type: string, sampleName: string): boolean {
  return (type === 'counter' && sampleName.endsWith('_total')) || (type === 'histogram' && sampleName.endsWith('_bucket'));
}

function formatExemplar(exemplar: CollectedSample['exemplar']): string {
  if (exemplar === undefined || exemplar === null || exemplar.labelSet === undefined || exemplar.value === undefined) return '';
  const labels = formatLabels(exemplar.labelSet);
  const timestamp = exemplar.timestamp === undefined ? '' : ` ${exemplar.timestamp}`;
  return ` # ${labels === '' ? '{}' : labels} ${formatValue(exemplar.value)}${timestamp}`;
}

function formatLabels(labels: Record<string, string | number | undefined>): string {
  let text = '';
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(String(value))}"`;
  }
  return text === '' ? '' : `{${text}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
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
 * The registry in the format the `Accept` header prefers, for a server this library has no
 * adapter for (Python's `generate_latest` with `CONTENT_TYPE_LATEST`). Rejects when a
 * collector throws or rejects.
 *
 * @example
 * const { contentType, body } = await renderMetrics({ accept: request.headers.accept });
 * reply.header('Content-Type', contentType).send(body);
 */
export async function renderMetrics(options: RenderMetricsOptions = {}): Promise<RenderedMetrics> {
  const format = negotiateFormat(options.accept);
  const names = options.names === undefined ? undefined : new Set(options.names);
  const collection = await collectRegistry(options.registry ?? globalRegistry, names);
  if (collection.failures.length > 0) {
    const failure = collection.failures[0];
    throw new Error(`collecting metric "${failure.name}" failed`, { cause: failure.error });
  }
  return { contentType: contentTypeOf(format), body: renderCollection(collection, format) };
}
