/**
 * The pieces of a text or OpenMetrics line: numbers, label values, help text, exemplars, and
 * the rendered label text of a series, cached across scrapes.
 */
import type { CollectedSample } from './collect.js';
import { validExemplar, type OnSkipped } from './skips.js';

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
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

/**
 * Bucket bounds and quantiles repeat across every series of a family (and across scrapes):
 * their canonical forms are remembered, so a scrape of many histograms converts each once.
 */
const canonicalForms = new Map<string | number, string>();
const CANONICAL_FORMS_LIMIT = 4096;

/** An `le` or `quantile` value (a number from our histograms, a number or a string from the client's) in canonical form. */
export function canonicalLabelValue(value: string | number): string {
  const known = canonicalForms.get(value);
  if (known !== undefined) return known;
  const number = typeof value === 'number' ? value : Number(value);
  // A string that is no number at all is written as given: no consumer can read it either way.
  const form = typeof value === 'string' && Number.isNaN(number) && value !== 'NaN' ? escapeLabelValue(value) : canonicalNumber(number);
  if (canonicalForms.size >= CANONICAL_FORMS_LIMIT) canonicalForms.clear();
  canonicalForms.set(value, form);
  return form;
}

export function escapeTextHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function escapeOpenMetricsHelp(help: string): string {
  return escapeTextHelp(help).replace(/"/g, '\\"');
}

const NEEDS_ESCAPING = /[\\\n"]/;

/** Both formats escape a label value the same way. */
export function escapeLabelValue(value: string): string {
  // Most label values need no escaping: one test spares three replace passes.
  if (!NEEDS_ESCAPING.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * `name="value",...` without braces, labels whose value is undefined left out; `canonicalLabel`
 * (`le` of a histogram, `quantile` of a summary, in OpenMetrics) in canonical number form.
 */
export function labelPairs(labels: Readonly<Record<string, string | number | undefined>>, canonicalLabel?: 'le' | 'quantile'): string {
  let text = '';
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    const written = name === canonicalLabel ? canonicalLabelValue(value) : escapeLabelValue(String(value));
    text += `${text === '' ? '' : ','}${name}="${written}"`;
  }
  return text;
}

/**
 * The rendered labels of series that expose themselves (see exposed-series.ts), by their label
 * object: the object is never mutated once handed out, so its text is made on its first scrape
 * and reused by every later one, and goes when the series does (a series dropped for being
 * idle, a family's reset keeps its objects and so their text).
 */
const seriesTexts = new WeakMap<object, string>();

/** `labelPairs(labels)` of a series' own label object, cached (see seriesTexts). */
export function seriesLabelPairs(labels: Readonly<Record<string, string>>): string {
  let text = seriesTexts.get(labels);
  if (text === undefined) {
    text = labelPairs(labels);
    seriesTexts.set(labels, text);
  }
  return text;
}

/**
 * ` # {labels} value [timestamp]`, or nothing for an exemplar never set and for one a
 * consumer would refuse (the sample keeps its line): a value that is not a finite number (a
 * client `inc()` that threw while setting it leaves `null` behind), a timestamp that is not
 * one, labels over OpenMetrics' 128 characters.
 */
export function formatExemplar(exemplar: NonNullable<CollectedSample['exemplar']>, metricName: string, onSkipped: OnSkipped | undefined): string {
  const valid = validExemplar(exemplar, metricName, onSkipped);
  if (valid === undefined) return '';
  return ` # {${labelPairs(valid.labelSet)}} ${formatValue(valid.value)}${valid.timestamp === undefined ? '' : ` ${valid.timestamp}`}`;
}
