/** The HTTP metrics' duration as a native histogram (issue 16, item 1): the same option on every adapter, checked at setup. */
import { Registry } from '../support/prometheus-client.js';
import { metricIn } from '../../lib/client/bridge';
import type { MetricsRegistry } from '../../lib/client/registry';
import { HttpMetricsOptionsError } from '../../lib/http-metrics/errors.js';
import { expressHttpMetrics } from '../../lib/http-metrics/express.js';
import { honoHttpMetrics } from '../../lib/http-metrics/hono.js';
import { koaHttpMetrics } from '../../lib/http-metrics/koa.js';
import { nodeHttpMetrics } from '../../lib/http-metrics/node-http.js';
import { METRIC_SHAPE, type ShapedMetric } from '../../lib/metrics/registration';

const shapeOf = (registry: Registry, name: string) => (metricIn(registry as unknown as MetricsRegistry, name) as unknown as ShapedMetric)[METRIC_SHAPE];
const hello = () => undefined;

describe('nativeHistogram on the HTTP metrics', () => {
  test.each([
    ['expressHttpMetrics()', (registry: Registry, options: object) => expressHttpMetrics({ registry, ...options })],
    ['koaHttpMetrics()', (registry: Registry, options: object) => koaHttpMetrics({ registry, ...options })],
    ['honoHttpMetrics()', (registry: Registry, options: object) => honoHttpMetrics({ registry, ...options })],
    ['nodeHttpMetrics()', (registry: Registry, options: object) => nodeHttpMetrics(hello, { registry, route: () => '/', ...options })],
  ])("%s records http_request_duration_seconds as a native histogram; mode 'both' keeps the classic buckets", (_adapter, create) => {
    const native = new Registry();
    create(native, { nativeHistogram: true });
    expect(shapeOf(native, 'http_request_duration_seconds')).toMatchObject({ kind: 'native-histogram', buckets: undefined, native: { mode: 'native', schema: 3 } });
    expect(shapeOf(native, 'http_requests_total')).toMatchObject({ kind: 'counter' });
    const both = new Registry();
    create(both, { nativeHistogram: { mode: 'both', schema: 4 }, buckets: [0.1, 1] });
    expect(shapeOf(both, 'http_request_duration_seconds')).toMatchObject({ kind: 'native-histogram', buckets: [0.1, 1], native: { mode: 'both', schema: 4 } });
  });

  test.each([
    [{ nativeHistogram: { schema: -5 } }, 'expressHttpMetrics(): option "nativeHistogram": schema -5 is not a whole number from -4 to 8. Pass { schema: 3, maxBuckets: 160 }, or leave the options out for those defaults'],
    [
      { nativeHistogram: true, buckets: [1] },
      "expressHttpMetrics(): option \"nativeHistogram\": buckets are the classic buckets kept with nativeHistogram's mode 'both', and the mode is 'native'. Pass nativeHistogram: { mode: 'both' } to keep them, or leave out buckets",
    ],
    [{ exemplars: 'off' }, 'expressHttpMetrics(): option "exemplars": exemplars must be a boolean, got the string "off". Pass { exemplars: false } to take none, or leave it out'],
  ])('refuses %p at setup, naming the option', (options, message) => {
    const create = () => expressHttpMetrics({ registry: new Registry(), ...(options as object) });
    expect(create).toThrow(HttpMetricsOptionsError);
    expect(create).toThrow(message);
  });

  test('a classic duration already registered conflicts with a native one, named as an HTTP metrics option error', () => {
    const registry = new Registry();
    expressHttpMetrics({ registry });
    expect(() => koaHttpMetrics({ registry, nativeHistogram: true })).toThrow(HttpMetricsOptionsError);
  });
});
