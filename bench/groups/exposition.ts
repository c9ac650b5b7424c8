import { Counter, Gauge, Histogram, Registry } from '../../spec/support/prometheus-client.js';
import { Bench } from 'tinybench';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { runAsGroup, groupOptions, collectGarbage } from '../support/group-process.js';
import { median, spreadOf, type Spread } from '../support/stats.js';

/**
 * Scrape cost: `registry.metrics()` for the same series held by our metrics and by plain
 * prom-client metrics, in one process per size. A series is what Prometheus calls one:
 * one sample line of the exposition (each histogram bucket is its own series).
 *
 * Each fully decorated method (all five default metrics, called once) holds 32 series:
 * calls 2 (ok, error), duration 2 x 14 (11 buckets, +Inf, _sum, _count), in-progress 1,
 * last-called 1; the exception counter has none until something throws.
 */
export const SERIES_PER_METHOD = 32;

export interface ExpositionOptions {
  /** Series to expose; methods = series / 32. */
  series: number;
  rounds: number;
  timeMs: number;
}

export interface ExpositionResult {
  series: number;
  methods: number;
  /** Sample lines in each exposition, and whether both name exactly the same series. */
  oursLines: number;
  promClientLines: number;
  sameSeries: boolean;
  /** ms per `registry.metrics()`. */
  ours: Spread;
  promClient: Spread;
  /** ours / prom-client, one per round. */
  roundRatios: number[];
}

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

/** The same series in plain prom-client metrics, with the values a call leaves behind. */
export function promClientRegistry(methods: number): Registry {
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

async function measure(options: ExpositionOptions): Promise<ExpositionResult> {
  const methods = Math.max(1, Math.round(options.series / SERIES_PER_METHOD));
  const ours = ourRegistry(methods);
  const theirs = promClientRegistry(methods);
  const oursSeries = seriesOf(await ours.metrics());
  const theirSeries = seriesOf(await theirs.metrics());
  const sameSeries = oursSeries.length === theirSeries.length && oursSeries.every((series, i) => series === theirSeries[i]);

  const oursMs: number[][] = [];
  const theirsMs: number[][] = [];
  for (let round = 0; round < options.rounds; round++) {
    collectGarbage();
    const bench = new Bench({ time: options.timeMs, warmupTime: options.timeMs / 4, iterations: 3, warmupIterations: 1, retainSamples: true, throws: true });
    // Alternate which side goes first, so neither always scrapes on a freshly collected heap.
    const sides: [string, Registry][] = [
      ['ours', ours],
      ['prom-client', theirs],
    ];
    if (round % 2 === 1) sides.reverse();
    for (const [name, registry] of sides) bench.add(name, () => registry.metrics(), { async: true });
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`task ${task.name} ended ${task.result.state}`);
      (task.name === 'ours' ? oursMs : theirsMs).push([...(task.result.latency.samples ?? [])]);
    }
  }
  return {
    series: options.series,
    methods,
    oursLines: oursSeries.length,
    promClientLines: theirSeries.length,
    sameSeries,
    ours: spreadOf(oursMs.flat()),
    promClient: spreadOf(theirsMs.flat()),
    roundRatios: oursMs.map((samples, round) => median(samples) / median(theirsMs[round])),
  };
}

if (require.main === module) runAsGroup(() => measure(groupOptions<ExpositionOptions>()));
