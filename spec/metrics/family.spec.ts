import { Registry } from '../support/prometheus-client.js';
import { CountExceptions } from '../../lib/index';
import { resetWarnings } from '../../lib/log';
import { CounterFamily } from '../../lib/metrics/counter-family';
import { HistogramFamily } from '../../lib/metrics/histogram-family';
import { boundedLabelValue, MAX_LABEL_VALUE_LENGTH } from '../../lib/metrics/family';
import { declareFamily, SERIES_OVERFLOW_METRIC } from '../../lib/metrics/declare';
import { SeriesChooser, siteSeriesLimits, type SiteSeriesLimits } from '../../lib/decorators/labels';
import type { CallInfo } from '../../lib/core/probe';

let warn: jest.SpyInstance;
beforeEach(() => {
  resetWarnings();
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('series chosen at run time are capped', () => {
  test('past maxSeries, new combinations of computed labels share one __overflow__ series; a warning is logged once', async () => {
    const registry = new Registry();
    const family = new CounterFamily({ shape: { kind: 'counter', name: 'jobs_total', help: 'Jobs', labelNames: ['queue', 'kind'], declaredAt: '@Counted on Jobs.run' }, maxSeries: 2 });
    registry.registerMetric(family as never);
    for (const kind of ['a', 'b', 'c', 'd', 'a']) family.seriesFor({ queue: 'main', kind }, ['kind']).value++;
    expect(await registry.getSingleMetricAsString('jobs_total')).toBe(
      ['# HELP jobs_total Jobs', '# TYPE jobs_total counter', 'jobs_total{queue="main",kind="a"} 2', 'jobs_total{queue="main",kind="b"} 1', 'jobs_total{queue="main",kind="__overflow__"} 2'].join(
        '\n',
      ),
    );
    expect(warn.mock.calls.map((call) => call[0])).toEqual([
      'prom-decorators: metric "jobs_total" reached its cap of 2 series; new label combinations are recorded with __overflow__ (raise it with the maxSeries option, or compute labels with fewer distinct values)',
    ]);
  });

  test('series resolved when a class is defined (no computed labels) are never capped', () => {
    const family = new CounterFamily({ shape: { kind: 'counter', name: 'calls_total', help: 'Calls', labelNames: ['method'], declaredAt: '@Counted on A.b' }, maxSeries: 1 });
    for (const method of ['a', 'b', 'c']) family.seriesFor({ method });
    expect(family.size).toBe(3);
    expect(warn).not.toHaveBeenCalled();
  });

  test('@CountExceptions: a thousand distinct error types at most, then __overflow__', async () => {
    const registry = new Registry();
    const errorClasses = Array.from({ length: 1003 }, (_unused, index) => {
      const errorClass = class extends Error {};
      Object.defineProperty(errorClass, 'name', { value: `Error${index}` });
      return errorClass;
    });
    class Parser {
      @CountExceptions({ registry, maxSeriesPerSite: 5000 })
      parse(index: number): void {
        throw new errorClasses[index]();
      }
    }
    const parser = new Parser();
    for (let index = 0; index < errorClasses.length; index++) expect(() => parser.parse(index)).toThrow(errorClasses[index]);
    const lines = (await registry.getSingleMetricAsString('method_exceptions_total')).split('\n').slice(2);
    expect(lines).toHaveLength(1001);
    expect(lines[999]).toBe('method_exceptions_total{class="Parser",method="parse",error="Error999"} 1');
    expect(lines[1000]).toBe('method_exceptions_total{class="Parser",method="parse",error="__overflow__"} 3');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('histogram observations', () => {
  test('le is inclusive: a value on a bound falls in that bucket; past the last bound only +Inf counts it', async () => {
    const registry = new Registry();
    const family = new HistogramFamily({ shape: { kind: 'histogram', name: 'size_bytes', help: 'Sizes', labelNames: [], buckets: [10, 100], declaredAt: '@Timed on A.b' } });
    registry.registerMetric(family as never);
    const series = family.seriesFor({});
    for (const value of [0, 10, 10.5, 100, 1000]) series.observe(value);
    expect(await registry.getSingleMetricAsString('size_bytes')).toBe(
      ['# HELP size_bytes Sizes', '# TYPE size_bytes histogram', 'size_bytes_bucket{le="10"} 2', 'size_bytes_bucket{le="100"} 4', 'size_bytes_bucket{le="+Inf"} 5', 'size_bytes_sum 1120.5', 'size_bytes_count 5'].join(
        '\n',
      ),
    );
  });
});

describe('label keys and label values', () => {
  test('label values containing NUL never make two label sets share a series', async () => {
    const registry = new Registry();
    const family = new CounterFamily({ shape: { kind: 'counter', name: 'pairs_total', help: 'Pairs', labelNames: ['a', 'b'], declaredAt: 'test' } });
    registry.registerMetric(family as never);
    family.seriesFor({ a: 'x\u0000', b: 'y' }, ['a', 'b']).value++;
    family.seriesFor({ a: 'x', b: '\u0000y' }, ['a', 'b']).value++;
    family.seriesFor({ a: '1:x', b: '' }, ['a', 'b']).value++;
    family.seriesFor({ a: '1', b: 'x0:' }, ['a', 'b']).value++;
    expect(family.size).toBe(4);
    expect(family.seriesFor({ a: 'x\u0000', b: 'y' }).value).toBe(1);
  });

  test('boundedLabelValue keeps 256 characters, the last one …, and never splits a surrogate pair', () => {
    expect(boundedLabelValue('x'.repeat(256))).toBe('x'.repeat(256));
    expect(boundedLabelValue('x'.repeat(257))).toBe(`${'x'.repeat(255)}…`);
    expect(boundedLabelValue(`${'x'.repeat(254)}😀😀`)).toBe(`${'x'.repeat(254)}…`);
    expect(MAX_LABEL_VALUE_LENGTH).toBe(256);
  });
});

describe('overflows are counted in prom_decorators_series_overflow_total{metric}', () => {
  test('every write sent to __overflow__ counts, by metric name, in the family registry', async () => {
    const registry = new Registry();
    const family = declareFamily({ registry, kind: 'counter', name: 'jobs_total', help: 'Jobs', labelNames: ['kind'], declaredAt: 'test', maxSeries: 1 });
    for (const kind of ['a', 'b', 'c', 'b']) family.seriesFor({ kind }, ['kind']).value++;
    expect(await registry.getSingleMetricAsString(SERIES_OVERFLOW_METRIC)).toBe(
      [
        '# HELP prom_decorators_series_overflow_total Writes that a series cap (of a metric, a call site or a route) sent to an __overflow__ series, by metric.',
        '# TYPE prom_decorators_series_overflow_total counter',
        'prom_decorators_series_overflow_total{metric="jobs_total"} 3',
      ].join('\n'),
    );
  });

  test('a registry whose caps never overflowed has no overflow metric', async () => {
    const registry = new Registry();
    const family = declareFamily({ registry, kind: 'counter', name: 'jobs_total', help: 'Jobs', labelNames: ['kind'], declaredAt: 'test' });
    family.seriesFor({ kind: 'a' }, ['kind']).value++;
    expect(await registry.metrics()).not.toContain(SERIES_OVERFLOW_METRIC);
  });
});

describe('per-site caps and idle expiry of computed-label series (SeriesChooser)', () => {
  afterEach(() => jest.restoreAllMocks());
  const shape = { kind: 'counter' as const, name: 'lookups_total', help: 'Lookups', labelNames: ['class', 'method', 'user'], declaredAt: 'test' };
  const chooserOf = (family: CounterFamily, method: string, limits: SiteSeriesLimits) =>
    new SeriesChooser(family, { class: 'Users', method }, ['user'], ({ args }) => ({ user: args[0] as string }), `Users.${method}`, limits);
  const call = (user: string) => ({ args: [user] }) as unknown as CallInfo;

  test('a site past maxSeriesPerSite records its new combinations as __overflow__; another site keeps its room', async () => {
    const registry = new Registry();
    const family = declareFamily({ registry, ...shape, maxSeries: 10 });
    const noisy = chooserOf(family, 'find', { maxSeriesPerSite: 2 });
    const quiet = chooserOf(family, 'get', { maxSeriesPerSite: 2 });
    for (const user of ['a', 'b', 'c', 'd', 'a']) noisy.choose(call(user)).value++;
    quiet.choose(call('z')).value++;
    expect((await registry.getSingleMetricAsString('lookups_total')).split('\n').slice(2)).toEqual([
      'lookups_total{class="Users",method="find",user="a"} 2',
      'lookups_total{class="Users",method="find",user="b"} 1',
      'lookups_total{class="Users",method="find",user="__overflow__"} 2',
      'lookups_total{class="Users",method="get",user="z"} 1',
    ]);
    expect(warn.mock.calls.map((args) => args[0])).toEqual([
      'prom-decorators: Users.find reached its cap of 2 series of metric "lookups_total"; its new label combinations are recorded with __overflow__ (raise it with the maxSeriesPerSite option, or compute labels with fewer distinct values)',
    ]);
  });

  test('seriesTtlSeconds: a series not written for that long is dropped at collect time, and gives its room back', async () => {
    let now = 5_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const registry = new Registry();
    const family = declareFamily({ registry, ...shape });
    const chooser = chooserOf(family, 'find', { maxSeriesPerSite: 2, seriesTtlSeconds: 60 });
    chooser.choose(call('old')).value++;
    chooser.choose(call('busy')).value++;
    const scrape = async () => (await registry.getSingleMetricAsString('lookups_total')).split('\n').slice(2);
    await scrape();
    now += 59_000;
    chooser.choose(call('busy')).value++;
    expect(await scrape()).toHaveLength(2);
    now += 2_000;
    expect(await scrape()).toEqual(['lookups_total{class="Users",method="find",user="busy"} 2']);
    // the dropped one gave its room back: a new user gets a series, not __overflow__
    chooser.choose(call('new')).value++;
    chooser.choose(call('old')).value++;
    expect(await scrape()).toEqual([
      'lookups_total{class="Users",method="find",user="busy"} 2',
      'lookups_total{class="Users",method="find",user="new"} 1',
      'lookups_total{class="Users",method="find",user="__overflow__"} 1',
    ]);
  });

  test('a known combination reads no clock', () => {
    const family = new CounterFamily({ shape });
    const chooser = chooserOf(family, 'find', { seriesTtlSeconds: 60 });
    chooser.choose(call('a'));
    const clock = jest.spyOn(performance, 'now');
    const dateClock = jest.spyOn(Date, 'now');
    for (let i = 0; i < 100; i++) chooser.choose(call('a')).value++;
    expect(clock).not.toHaveBeenCalled();
    expect(dateClock).not.toHaveBeenCalled();
  });

  test('maxSeriesPerSite and seriesTtlSeconds are checked when the class is defined', () => {
    expect(() => siteSeriesLimits('Counted', 'Users.find', { maxSeriesPerSite: 0 })).toThrow('maxSeriesPerSite 0 is not a positive integer');
    expect(() => siteSeriesLimits('Counted', 'Users.find', { seriesTtlSeconds: NaN })).toThrow('seriesTtlSeconds NaN is not a positive number of seconds');
  });
});

test('a series that a site without seriesTtlSeconds also writes is never dropped by another site’s TTL', async () => {
  let now = 0;
  const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
  const registry = new Registry();
  const family = declareFamily({ registry, kind: 'counter', name: 'shared_total', help: 'Shared', labelNames: ['user'], declaredAt: 'test' });
  const expiring = new SeriesChooser(family, {}, ['user'], ({ args }) => ({ user: args[0] as string }), 'A.a', { seriesTtlSeconds: 1 });
  const keeping = new SeriesChooser(family, {}, ['user'], ({ args }) => ({ user: args[0] as string }), 'B.b');
  const call = { args: ['u'] } as unknown as CallInfo;
  expiring.choose(call).value++;
  keeping.choose(call).value++;
  await registry.metrics();
  now += 5_000;
  await registry.metrics();
  keeping.choose(call).value++;
  expect((await registry.getSingleMetricAsString('shared_total')).split('\n').slice(2)).toEqual(['shared_total{user="u"} 3']);
  clock.mockRestore();
});
