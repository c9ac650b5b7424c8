/** The Prometheus data model's rules for names, checked once when a metric is declared. */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Returns why `name` cannot be a metric name, or undefined when it can. `ownedSuffix` is the
 * suffix the family's exposition strips to name the family (a counter's `_total`): a name
 * that is nothing but that suffix would write `# TYPE  counter`, and Prometheus drops the target.
 */
export function metricNameProblem(name: unknown, ownedSuffix?: string): string | undefined {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    return `metric name ${JSON.stringify(name)} is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*)`;
  }
  if (ownedSuffix !== undefined && name === ownedSuffix) {
    return `metric name "${name}" is nothing but the suffix "${ownedSuffix}" (the family is named without it, so it would have no name)`;
  }
  return undefined;
}

/** Returns why `name` cannot be a label name, or undefined when it can. */
export function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `label name ${JSON.stringify(name)} is invalid (it must match [a-zA-Z_][a-zA-Z0-9_]*)`;
  if (name.startsWith('__')) return `label name "${name}" is reserved (the "__" prefix belongs to Prometheus)`;
  if (name === 'le' || name === 'quantile') return `label name "${name}" is reserved (histograms and summaries use it)`;
  return undefined;
}

/** A metric name suggestion: invalid characters turned into underscores. */
export function suggestMetricName(name: unknown): string {
  const cleaned = String(name).replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/**
 * Returns why `buckets` cannot be histogram buckets, or undefined when they can: increasing,
 * finite, not negative (durations and sizes never are, and OpenMetrics writes no `_sum` next
 * to negative buckets), with at least one finite bound. A trailing +Inf is allowed: the
 * callers drop it, since +Inf is always there.
 */
export function bucketsProblem(buckets: readonly number[]): string | undefined {
  if (!Array.isArray(buckets) || buckets.length === 0) return 'buckets must be a non-empty array of numbers';
  for (let i = 0; i < buckets.length; i++) {
    const bound = buckets[i];
    if (typeof bound !== 'number' || Number.isNaN(bound)) return `bucket ${JSON.stringify(bound)} is not a number`;
    if (i > 0 && !(bound > buckets[i - 1])) return `buckets must be sorted in increasing order without repeats (${buckets[i - 1]} then ${bound})`;
    if (bound < 0) return `bucket ${bound} is negative (bounds must be 0 or more)`;
    if (bound === Infinity && i < buckets.length - 1) return 'bucket Infinity is not the last one';
  }
  if (buckets.length === 1 && buckets[0] === Infinity) return 'buckets [Infinity] have no finite bound (+Inf is always there)';
  return undefined;
}

/**
 * Returns why these cannot be a native histogram's options, or undefined when they can: a
 * whole schema from -4 to 8 (what Prometheus accepts), a zero threshold that is a finite
 * number of at least 0, a bucket budget that is a whole number of at least 1 (a budget there
 * must be: buckets follow the observed values, and memory must stay bounded whatever they are).
 */
export function nativeHistogramProblem(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) return `native histogram options ${JSON.stringify(options)} are not an object`;
  const unknown = Object.keys(options).find((key) => key !== 'schema' && key !== 'zeroThreshold' && key !== 'maxBuckets');
  if (unknown !== undefined) return `native histogram option "${unknown}" is unknown (the options are schema, zeroThreshold and maxBuckets)`;
  const { schema, zeroThreshold, maxBuckets } = options as Record<string, unknown>;
  if (schema !== undefined && !(Number.isInteger(schema) && (schema as number) >= -4 && (schema as number) <= 8)) {
    return `schema ${shown(schema)} is not a whole number from -4 to 8`;
  }
  if (zeroThreshold !== undefined && !(typeof zeroThreshold === 'number' && Number.isFinite(zeroThreshold) && zeroThreshold >= 0)) {
    return `zeroThreshold ${shown(zeroThreshold)} is not a finite number of at least 0`;
  }
  if (maxBuckets !== undefined && !(Number.isInteger(maxBuckets) && (maxBuckets as number) >= 1)) {
    return `maxBuckets ${shown(maxBuckets)} is not a whole number of at least 1`;
  }
  return undefined;
}

/** A value as a message shows it: numbers as written (NaN, Infinity), the rest as JSON. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
