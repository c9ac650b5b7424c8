import { globalRegistry } from './client/bridge.js';
import type { MetricsRegistry } from './client/registry.js';

/**
 * Zeroes every metric of the registry (ours keep their series, at 0), so each test of a
 * user's suite starts from known values. @InProgress gauges are left as they are: they count
 * calls still running, which end later and would otherwise take the gauge below 0; with no
 * call in flight they read 0 already.
 */
export function resetMetrics(registry: MetricsRegistry = globalRegistry): void {
  registry.resetMetrics();
}

/**
 * Reads one sample, as Python's `get_sample_value`: by its sample name (`method_calls_total`,
 * `method_duration_seconds_count`, `..._bucket`) and its exact label set. Undefined when no
 * such sample exists.
 *
 * @example
 * expect(await getSampleValue('method_calls_total', { class: 'TreeService', method: 'countTrees', result: 'ok' })).toBe(1);
 */
export async function getSampleValue(name: string, labels: Record<string, string | number> = {}, registry: MetricsRegistry = globalRegistry): Promise<number | undefined> {
  const wanted = Object.entries(labels).map(([key, value]) => [key, String(value)] as const);
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const sample of metric.values as { metricName?: string; labels: Record<string, string | number>; value: number }[]) {
      if ((sample.metricName ?? metric.name) !== name) continue;
      const sampleLabels = Object.entries(sample.labels).filter(([, value]) => value !== undefined);
      if (sampleLabels.length !== wanted.length) continue;
      if (wanted.every(([key, value]) => sample.labels[key] !== undefined && String(sample.labels[key]) === value)) return sample.value;
    }
  }
  return undefined;
}
