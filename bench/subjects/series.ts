import { Counter, Gauge, Histogram, Registry } from '../../spec/support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { openTelemetryMetrics, type OpenTelemetryMetrics } from './opentelemetry.js';

/**
 * The same series held three ways, for the endpoint benchmark: by our decorated methods, by
 * hand-written client metrics, and by the OpenTelemetry SDK. A series is what Prometheus
 * calls one: one sample line of the exposition (each histogram bucket is its own series).
 *
 * Each fully decorated method (all five default metrics, called once) holds 32 series:
 * calls 2 (ok, error), duration 2 x 14 (11 buckets, +Inf, _sum, _count), in-progress 1,
 * last-called 1; the exception counter has none until something throws.
 */
export const SERIES_PER_METHOD = 32;

const SIGNALS = [Counted, Timed, InProgress, CountExceptions, LastCalled];

function labelsOf(index: number): { class: string; method: string } {
  return { class: `Service${Math.floor(index / 10)}`, method: `method${index % 10}` };
}

/** Our side: `methods` decorated methods on one fresh registry, each called once. */
export function ourRegistry(methods: number): Registry {
  const registry = new Registry();
  for (let index = 0; index < methods; index++) {
    const { class: className, method } = labelsOf(index);
    const Service = class {};
    Object.defineProperty(Service, 'name', { value: className });
    let descriptor: PropertyDescriptor = { value: (n: number) => n + 1, writable: true, configurable: true, enumerable: false };
    // Applied bottom-up, as TypeScript emits stacked legacy decorators.
    for (const decorator of [...SIGNALS].reverse()) descriptor = decorator({ registry })(Service.prototype, method, descriptor) ?? descriptor;
    (descriptor.value as (n: number) => number)(index);
  }
  return registry;
}

/** The same series in hand-written client metrics (pre-bound children's values), with what a call leaves behind. */
export function clientRegistry(methods: number): Registry {
  const registry = new Registry();
  const registers = [registry];
  const calls = new Counter({ name: 'method_calls_total', help: 'h', labelNames: ['class', 'method', 'result'], registers });
  const duration = new Histogram({ name: 'method_duration_seconds', help: 'h', labelNames: ['class', 'method', 'result'], registers });
  const inProgress = new Gauge({ name: 'method_in_progress', help: 'h', labelNames: ['class', 'method'], registers });
  new Counter({ name: 'method_exceptions_total', help: 'h', labelNames: ['class', 'method', 'error'], registers });
  const lastCalled = new Gauge({ name: 'method_last_called_timestamp_seconds', help: 'h', labelNames: ['class', 'method'], registers });
  for (let index = 0; index < methods; index++) {
    const labels = labelsOf(index);
    calls.inc({ ...labels, result: 'ok' });
    calls.inc({ ...labels, result: 'error' }, 0);
    duration.observe({ ...labels, result: 'ok' }, 0.000001);
    duration.zero({ ...labels, result: 'error' });
    inProgress.set(labels, 0);
    lastCalled.setToCurrentTime(labels);
  }
  return registry;
}

/**
 * The same series in the OpenTelemetry SDK. It cannot create a histogram series without an
 * observation, so the error series holds one where ours and the client's hold zero.
 */
export function openTelemetrySeries(methods: number): OpenTelemetryMetrics {
  const m = openTelemetryMetrics(methods * 2);
  for (let index = 0; index < methods; index++) {
    const labels = labelsOf(index);
    m.calls.add(1, { ...labels, result: 'ok' });
    m.calls.add(0, { ...labels, result: 'error' });
    m.duration.record(0.000001, { ...labels, result: 'ok' });
    m.duration.record(0, { ...labels, result: 'error' });
    m.inProgress.add(0, labels);
    m.lastCalled.record(Date.now() / 1000, labels);
  }
  return m;
}

/** The series an exposition names: each sample line without its value, labels in name order, sorted. */
export function seriesOf(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const sample = line.slice(0, line.lastIndexOf(' '));
      const brace = sample.indexOf('{');
      if (brace < 0) return sample;
      const labels = [...sample.slice(brace).matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((match) => `${match[1]}="${match[2]}"`);
      return `${sample.slice(0, brace)}{${labels.sort().join(',')}}`;
    })
    .sort();
}
