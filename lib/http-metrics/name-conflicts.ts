import { metricIn } from '../client/bridge.js';
import type { MetricsRegistry } from '../client/registry.js';
import type { MetricConflictError } from '../metrics/registration.js';
import { HttpMetricsOptionsError } from './errors.js';
import type { ResolvedHttpMetricNames } from './options.js';

/**
 * The middlewares an app most often runs next to ours register plain client metrics under the
 * same conventional names. Their help texts tell them apart, so the message can say whose
 * `http_requests_total` is in the way rather than "code outside prom-decorators".
 */
const KNOWN_OWNERS: { owner: string; help: RegExp }[] = [
  { owner: 'express-prom-bundle', help: /^duration (histogram|summary) of http responses labeled with: / },
  { owner: '@hono/prometheus', help: /^(Total number of HTTP requests|Duration of HTTP requests in seconds)$/ },
];

/** Words a registration conflict of an HTTP metric for the user: the metric, who has it, and the option to change. */
export function nameConflictError(error: MetricConflictError, registry: MetricsRegistry, names: ResolvedHttpMetricNames, adapter: string): HttpMetricsOptionsError {
  const key = (Object.keys(names) as (keyof ResolvedHttpMetricNames)[]).find((name) => names[name] === error.metricName) ?? 'requests';
  const option = `names.${key}`;
  const apart = `{ prefix: 'myapp_' } (every HTTP metric of prom-decorators renamed) or { names: { ${key}: 'myapp_${error.metricName}' } } (this one)`;
  if (!error.foreign) {
    return new HttpMetricsOptionsError(
      adapter,
      option,
      error.problem,
      `Pass the same buckets, labelNames and responseSize to every HTTP metrics middleware on this registry, or keep this one apart with ${apart} or a registry of its own`,
    );
  }
  const owner = ownerOf(metricIn(registry, error.metricName));
  const problem = owner === undefined ? error.problem : `metric "${error.metricName}" is already registered in this registry by ${owner}`;
  return new HttpMetricsOptionsError(adapter, option, problem, `Pass ${apart}, or give the HTTP metrics a registry of their own with the registry option`);
}

function ownerOf(metric: unknown): string | undefined {
  const help = (metric as { help?: unknown } | undefined)?.help;
  if (typeof help !== 'string') return undefined;
  return KNOWN_OWNERS.find((known) => known.help.test(help))?.owner;
}
