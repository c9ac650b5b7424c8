import { Registry } from '../support/prometheus-client.js';
import { renderMetrics } from '../../lib/exposition/render';
import type { MetricsRegistry } from '../../lib/client/registry';
import {
  bucketIndex,
  bucketUpperBound,
  DEFAULT_ZERO_THRESHOLD,
  MAX_BUCKET_SPAN,
  mergeSnapshots,
  NativeHistogramSeries,
  type NativeHistogramSnapshot,
  widerIndex,
} from '../../lib/metrics/native-histogram';
import { declareNativeHistogram, nativeHistogramShape } from '../../lib/metrics/native-histogram-family';
import { MetricConflictError } from '../../lib/metrics/registration';
import { MetricOptionsError } from '../../lib/errors';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
/** The next double above and below `value` (for values whose neighbours are one unit in the last place away). */
const above = (value: number): number => value + value * 2 ** -52;
const below = (value: number): number => value - value * 2 ** -53;

function series(schema = 3, maxBuckets = 160, zeroThreshold = DEFAULT_ZERO_THRESHOLD, upperBounds: number[] = []): NativeHistogramSeries {
  return new NativeHistogramSeries({}, { shape: { mode: upperBounds.length > 0 ? 'both' : 'native', schema, zeroThreshold, maxBuckets }, upperBounds });
}

/** A snapshot without its created time, for exact comparisons. */
function counts(histogram: NativeHistogramSeries): Omit<NativeHistogramSnapshot, 'createdMs' | 'labels'> {
  const { schema, zeroThreshold, zeroCount, count, sum, positive, negative } = histogram.snapshot();
  return { schema, zeroThreshold, zeroCount, count, sum, positive, negative };
}

describe('bucketIndex: bucket i of schema s holds (2^((i-1)/2^s), 2^(i/2^s)]', () => {
  test.each([
    // schema 3: eight buckets per power of two; an exact power of two closes its bucket
    [1, 3, 0],
    [above(1), 3, 1],
    [below(1), 3, 0],
    [2, 3, 8],
    [above(2), 3, 9],
    [0.5, 3, -8],
    [0.3, 3, -13],
    [1.0905077326652577, 3, 1], // 2^(1/8) as the Go client's table has it
    [above(1.0905077326652577), 3, 2],
    [1000, 3, 80],
    // schema 0: one bucket per power of two
    [0.75, 0, 0],
    [2, 0, 1],
    [3, 0, 2],
    [4, 0, 2],
    [above(4), 0, 3],
    // negative schemas: 2^(2^-s) powers of two per bucket, rounded up to the wider bucket
    [0.25, -1, -1],
    [0.5, -1, 0],
    [4, -1, 1],
    [5, -1, 2],
    [65536, -4, 1],
    [above(65536), -4, 2],
    [2 ** -16, -4, -1],
    [above(2 ** -16), -4, 0],
    [2 ** -17, -4, -1],
    // schema 8: 256 per power of two
    [2, 8, 256],
    [above(2), 8, 257],
  ])('%p at schema %p is in bucket %p', (value, schema, index) => {
    expect(bucketIndex(value, schema)).toBe(index);
    expect(bucketUpperBound(index, schema)).toBeGreaterThanOrEqual(value);
    expect(bucketUpperBound(index - 1, schema)).toBeLessThan(value);
  });

  test('the largest double, +Infinity after it, and a subnormal', () => {
    expect(bucketIndex(Number.MAX_VALUE, 3)).toBe(8192);
    expect(bucketIndex(Infinity, 3)).toBe(8193);
    expect(bucketIndex(Infinity, -4)).toBe(65);
    expect(bucketIndex(Number.MIN_VALUE, 0)).toBe(-1074);
    expect(bucketIndex(Number.MIN_VALUE * 3, 0)).toBe(-1072);
  });

  test('upper bounds are the Go client table values at schema 3, and exact powers of two at every schema', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((index) => bucketUpperBound(index, 3))).toEqual([
      1.0905077326652577, 1.189207115002721, 1.2968395546510096, 1.414213562373095, 1.5422108254079407, 1.6817928305074288, 1.8340080864093422,
    ]);
    for (let schema = -4; schema <= 8; schema++) {
      expect(bucketUpperBound(0, schema)).toBe(1);
      if (schema >= 0) expect(bucketUpperBound(-(2 ** schema), schema)).toBe(0.5);
    }
  });

  test('every boundary of schema s - 1 is one of schema s: recording at s then halving equals recording at s - 1', () => {
    const values = [0.001, 0.0123, 0.1, 0.37, 1, 1.5, 2, 3.999, 4, 17, 1234.5];
    for (let schema = 8; schema > -4; schema--) {
      for (const value of values) expect([value, schema, widerIndex(bucketIndex(value, schema))]).toEqual([value, schema, bucketIndex(value, schema - 1)]);
    }
  });
});

describe('NativeHistogramSeries', () => {
  test('zero, the zero threshold, negative values and NaN', () => {
    const histogram = series();
    for (const value of [0, -0, DEFAULT_ZERO_THRESHOLD, -DEFAULT_ZERO_THRESHOLD, 2 ** -127, 1, 1, -2, 0.5, 3]) histogram.observe(value);
    expect(counts(histogram)).toEqual({
      schema: 3,
      zeroThreshold: DEFAULT_ZERO_THRESHOLD,
      zeroCount: 4,
      count: 10,
      sum: 2 ** -127 + 1 + 1 - 2 + 0.5 + 3,
      positive: { offset: -1016, counts: [1, ...new Array<number>(1007).fill(0), 1, 0, 0, 0, 0, 0, 0, 0, 2, ...new Array<number>(12).fill(0), 1] },
      negative: { offset: 8, counts: [1] },
    });
    histogram.observe(NaN);
    expect([histogram.count, histogram.sum, histogram.zeroCount, histogram.positive.populated]).toEqual([11, NaN, 4, 4]);
  });

  test('a zero threshold of 0 keeps only exact zeros in the zero bucket', () => {
    const histogram = series(0, 160, 0);
    for (const value of [0, Number.MIN_VALUE, -Number.MIN_VALUE]) histogram.observe(value);
    expect(counts(histogram)).toMatchObject({ zeroCount: 1, positive: { offset: -1074, counts: [1] }, negative: { offset: -1074, counts: [1] } });
  });

  test('past maxBuckets the schema drops by one and bucket pairs merge: the same as recording at the lower schema', () => {
    const histogram = series(3, 4);
    for (const value of [1, 1.1, 1.2, 1.3]) histogram.observe(value);
    expect(counts(histogram)).toMatchObject({ schema: 3, positive: { offset: 0, counts: [1, 0, 1, 1, 1] } });
    histogram.observe(1.5); // bucket 5: the fifth bucket
    expect(counts(histogram)).toMatchObject({ schema: 2, positive: { offset: 0, counts: [1, 1, 2, 1] } });
    const direct = series(2, 4);
    for (const value of [1, 1.1, 1.2, 1.3, 1.5]) direct.observe(value);
    expect(counts(histogram)).toEqual(counts(direct));
  });

  test('the resolution halves as often as needed, and never below schema -4', () => {
    const histogram = series(8, 2);
    for (const value of [1, 3, 100]) histogram.observe(value);
    // 1, 3 and 100 fall in two buckets only from schema -2 on: (1/16, 1], (1, 16], (16, 256]... two of three at schema -3: (2^-8, 1], (1, 256]
    expect(counts(histogram)).toMatchObject({ schema: -3, positive: { offset: 0, counts: [1, 2] } });
    const widest = series(-4, 1);
    for (const value of [1, 2 ** 20, 2 ** 40]) widest.observe(value);
    expect(counts(widest)).toMatchObject({ schema: -4, positive: { offset: 0, counts: [1, 0, 1, 1] } });
  });

  test(`two observations more than ${MAX_BUCKET_SPAN} bucket widths apart halve the resolution too`, () => {
    const histogram = series(8);
    histogram.observe(1);
    histogram.observe(2 ** 17); // bucket 4352 at schema 8
    expect(counts(histogram)).toMatchObject({ schema: 7, positive: { offset: 0, counts: [1, ...new Array<number>(2175).fill(0), 1] } });
  });

  test('a drifting distribution grows the window in both directions and keeps every count', () => {
    const histogram = series(3, 1000);
    const values = [1, 2 ** 10, 2 ** -10, 2 ** 20, 2 ** -20];
    for (const value of values) histogram.observe(value);
    const { positive } = histogram.snapshot();
    expect([positive.offset, positive.counts.length, positive.counts.filter((count) => count > 0).length]).toEqual([-160, 321, 5]);
  });

  test("classic buckets alongside ('both') count each observation once, NaN in +Inf", () => {
    const histogram = series(3, 160, DEFAULT_ZERO_THRESHOLD, [0.1, 1]);
    for (const value of [0.05, 0.1, 0.5, 1, 7, NaN]) histogram.observe(value);
    expect([...histogram.classicCounts]).toEqual([2, 2, 2]);
  });

  test('reset: no observation, the configured schema, created again', () => {
    let now = 1_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const histogram = series(3, 2);
      expect(histogram.createdMs).toBe(1_000);
      for (const value of [1, 2, 4]) histogram.observe(value); // buckets 0, 8, 16: two buckets only from schema -1 on
      expect(histogram.schema).toBe(-1);
      now = 2_000;
      histogram.reset(3);
      expect(histogram.snapshot()).toEqual({
        labels: {},
        schema: 3,
        zeroThreshold: DEFAULT_ZERO_THRESHOLD,
        zeroCount: 0,
        count: 0,
        sum: 0,
        positive: { offset: 0, counts: [] },
        negative: { offset: 0, counts: [] },
        createdMs: 2_000,
      });
      histogram.observe(1);
      expect(counts(histogram).positive).toEqual({ offset: 0, counts: [1] });
    } finally {
      clock.mockRestore();
    }
  });
});

describe('mergeSnapshots (a cluster sum)', () => {
  test('brought to the lowest schema, added bucket by bucket; the earliest created time', () => {
    const fine = series(3);
    const coarse = series(2);
    for (const value of [1, 1.1, 1.2, -3]) fine.observe(value);
    for (const value of [1.2, 0, 8]) coarse.observe(value);
    const merged = mergeSnapshots([
      { ...fine.snapshot(), createdMs: 5 },
      { ...coarse.snapshot(), createdMs: 3 },
    ]);
    const direct = series(2);
    for (const value of [1, 1.1, 1.2, -3, 1.2, 0, 8]) direct.observe(value);
    expect(merged).toEqual({ ...direct.snapshot(), createdMs: 3 });
  });

  test('buckets at or below a wider zero threshold join the zero bucket', () => {
    const narrow = series(0, 160, 0);
    const wide = series(0, 160, 1);
    for (const value of [0.5, 1, 2]) narrow.observe(value);
    wide.observe(0.25);
    expect(mergeSnapshots([narrow.snapshot(), wide.snapshot()])).toMatchObject({ zeroThreshold: 1, zeroCount: 3, count: 4, positive: { offset: 1, counts: [1] } });
  });
});

describe('NativeHistogramFamily', () => {
  const shared = (registry: Registry): MetricsRegistry => registry as unknown as MetricsRegistry;

  test("'both' serves classic buckets to text and OpenMetrics, with _created in OpenMetrics only", async () => {
    const clock = jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_250);
    try {
      const registry = new Registry();
      const family = declareNativeHistogram({ registry: shared(registry), name: 'job_seconds', help: 'Jobs', labelNames: ['job'], mode: 'both', buckets: [0.1, 1] });
      for (const value of [0.05, 0.5, 3]) family.seriesFor({ job: 'import' }).observe(value);
      expect((await renderMetrics({ registry })).body).toBe(
        [
          '# HELP job_seconds Jobs',
          '# TYPE job_seconds histogram',
          'job_seconds_bucket{le="0.1",job="import"} 1',
          'job_seconds_bucket{le="1",job="import"} 2',
          'job_seconds_bucket{le="+Inf",job="import"} 3',
          'job_seconds_sum{job="import"} 3.55',
          'job_seconds_count{job="import"} 3',
          '',
        ].join('\n'),
      );
      expect((await renderMetrics({ registry, accept: OPENMETRICS })).body).toBe(
        [
          '# HELP job_seconds Jobs',
          '# TYPE job_seconds histogram',
          'job_seconds_bucket{le="0.1",job="import"} 1',
          'job_seconds_bucket{le="1.0",job="import"} 2',
          'job_seconds_bucket{le="+Inf",job="import"} 3',
          'job_seconds_sum{job="import"} 3.55',
          'job_seconds_count{job="import"} 3',
          'job_seconds_created{job="import"} 1700000000.25',
          '# EOF',
          '',
        ].join('\n'),
      );
      // the client's own rendering reads the same classic view
      expect(await registry.metrics()).toBe((await renderMetrics({ registry })).body);
    } finally {
      clock.mockRestore();
    }
  });

  test("'native' writes only +Inf, _sum and _count to the text formats, as the Go client does", async () => {
    const registry = new Registry();
    const family = declareNativeHistogram({ registry: shared(registry), name: 'wait_seconds', help: 'Waits' });
    family.seriesFor({}).observe(0.25);
    expect((await renderMetrics({ registry })).body).toBe('# HELP wait_seconds Waits\n# TYPE wait_seconds histogram\nwait_seconds_bucket{le="+Inf"} 1\nwait_seconds_sum 0.25\nwait_seconds_count 1\n');
    const published = family.get();
    expect(published.nativeHistograms.map(({ createdMs: _createdMs, ...rest }) => rest)).toEqual([
      { labels: {}, schema: 3, zeroThreshold: DEFAULT_ZERO_THRESHOLD, zeroCount: 0, count: 1, sum: 0.25, positive: { offset: -16, counts: [1] }, negative: { offset: 0, counts: [] } },
    ]);
  });

  test('resetMetrics zeroes every series and stamps a new created time', async () => {
    const registry = new Registry();
    const family = declareNativeHistogram({ registry: shared(registry), name: 'wait_seconds', help: 'Waits', native: { schema: 1 } });
    const one = family.seriesFor({});
    one.observe(4);
    const clock = jest.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    try {
      registry.resetMetrics();
    } finally {
      clock.mockRestore();
    }
    expect([one.count, one.positive.populated, one.createdMs, one.schema]).toEqual([0, 0, 1_800_000_000_000, 1]);
  });

  test('declared twice with the same shape gives the same family; other options are a conflict', () => {
    const registry = shared(new Registry());
    const first = declareNativeHistogram({ registry, name: 'wait_seconds', help: 'Waits', native: { schema: 2 } });
    expect(declareNativeHistogram({ registry, name: 'wait_seconds', help: 'Waits', native: { schema: 2 } })).toBe(first);
    expect(() => declareNativeHistogram({ registry, name: 'wait_seconds', help: 'Waits', native: { schema: 4 } })).toThrow(MetricConflictError);
    expect(() => declareNativeHistogram({ registry, name: 'wait_seconds', help: 'Waits', native: { schema: 4 } })).toThrowErrorMatchingInlineSnapshot(
      `"metric "wait_seconds" is declared here as a native histogram with no labels, but NativeHistogram "wait_seconds" already declared it as a native histogram with no labels (native histogram options {"mode":"native","schema":2,"zeroThreshold":2.938735877055719e-39,"maxBuckets":160} against {"mode":"native","schema":4,"zeroThreshold":2.938735877055719e-39,"maxBuckets":160})"`,
    );
  });

  test.each([
    [{ native: { schema: 9 } }, 'NativeHistogram "h": schema 9 is not a whole number from -4 to 8. Pass { schema: 3, maxBuckets: 160 } or leave the options out for those defaults.'],
    [{ native: { maxBuckets: 0 } }, 'NativeHistogram "h": maxBuckets 0 is not a whole number of at least 1. Pass { schema: 3, maxBuckets: 160 } or leave the options out for those defaults.'],
    [{ native: { zeroThreshold: NaN } }, 'NativeHistogram "h": zeroThreshold NaN is not a finite number of at least 0. Pass { schema: 3, maxBuckets: 160 } or leave the options out for those defaults.'],
    [
      { native: { buckets: [1] } },
      'NativeHistogram "h": native histogram option "buckets" is unknown (the options are schema, zeroThreshold and maxBuckets). Pass { schema: 3, maxBuckets: 160 } or leave the options out for those defaults.',
    ],
    [{ mode: 'classic' }, `NativeHistogram "h": mode "classic" is not 'native' or 'both'. Pass { mode: 'both' } to keep classic buckets alongside.`],
    [{ mode: 'both', buckets: [2, 1] }, 'NativeHistogram "h": buckets must be sorted in increasing order without repeats (2 then 1). Pass increasing upper bounds, e.g. [0.01, 0.1, 1].'],
    [{ labelNames: ['le'] }, 'NativeHistogram "h": label name "le" is reserved (histograms and summaries use it). Rename the label, e.g. "operation".'],
  ])('misuse %p throws a MetricOptionsError', (options, message) => {
    const attempt = () => nativeHistogramShape({ name: 'h', help: 'H', ...(options as object) });
    expect(attempt).toThrow(MetricOptionsError);
    expect(attempt).toThrow(message);
  });
});
