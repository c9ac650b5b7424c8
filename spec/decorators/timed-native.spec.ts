/** `@Timed({ nativeHistogram })` (issue 16, item 1): a native histogram from a decorator, checked when the class is defined. */
import { Registry } from '../support/prometheus-client.js';
import { DecoratorMisuseError, Timed } from '../../lib';
import { metricIn } from '../../lib/client/bridge';
import type { MetricsRegistry } from '../../lib/client/registry';
import { METRIC_SHAPE, type ShapedMetric } from '../../lib/metrics/registration';
import { decodeFamilies } from '../exposition/protobuf-decode';
import { encodeCollection } from '../../lib/exposition/protobuf/encode';
import { collectRegistry } from '../../lib/exposition/collect';
import { renderMetrics } from '../../lib/exposition/render';
import { fakeClock } from '../core/fake-clock';

const shapeOf = (registry: Registry, name: string) => (metricIn(registry as unknown as MetricsRegistry, name) as unknown as ShapedMetric)[METRIC_SHAPE];

describe('@Timed({ nativeHistogram })', () => {
  test("true: a native histogram with the defaults (mode 'native', schema 3, zero threshold 2^-128, 160 buckets), text writing its +Inf bucket, _sum and _count", async () => {
    const registry = new Registry();
    const clock = fakeClock();
    try {
      class Jobs {
        @Timed({ registry, name: 'job_seconds', help: 'Jobs', nativeHistogram: true }) run(): void {
          clock.advance(0.5);
        }
      }
      new Jobs().run();
    } finally {
      clock.restore();
    }
    expect(shapeOf(registry, 'job_seconds')).toMatchObject({ kind: 'native-histogram', buckets: undefined, native: { mode: 'native', schema: 3, zeroThreshold: 2 ** -128, maxBuckets: 160 } });
    expect((await renderMetrics({ registry })).body).toBe('# HELP job_seconds Jobs\n# TYPE job_seconds histogram\njob_seconds_bucket{le="+Inf"} 1\njob_seconds_sum 0.5\njob_seconds_count 1\n');
    const [family] = decodeFamilies(encodeCollection(await collectRegistry(registry as unknown as MetricsRegistry)));
    // 0.5 = 2^-1 is the upper bound of bucket -8 at schema 3.
    expect((family as { metric: { histogram: unknown }[] }).metric[0].histogram).toMatchObject({ sampleCount: 1, sampleSum: 0.5, schema: 3, positiveSpan: [{ offset: -8, length: 1 }], positiveDelta: [1] });
  });

  test("{ mode: 'both', schema } on the default metric keeps the classic buckets, and both series of the method", async () => {
    const registry = new Registry();
    class Jobs {
      @Timed({ registry, buckets: [0.1, 1], nativeHistogram: { mode: 'both', schema: 5, maxBuckets: 40 } }) run(): void {}
    }
    new Jobs().run();
    expect(shapeOf(registry, 'method_duration_seconds')).toMatchObject({ kind: 'native-histogram', buckets: [0.1, 1], labelNames: ['class', 'method', 'result'], native: { mode: 'both', schema: 5, maxBuckets: 40 } });
    const body = (await renderMetrics({ registry })).body;
    expect(body.split('\n').filter((line) => line.includes('_bucket')).map((line) => line.replace(/ \d+$/, ''))).toEqual([
      'method_duration_seconds_bucket{le="0.1",class="Jobs",method="run",result="ok"}',
      'method_duration_seconds_bucket{le="1",class="Jobs",method="run",result="ok"}',
      'method_duration_seconds_bucket{le="+Inf",class="Jobs",method="run",result="ok"}',
      'method_duration_seconds_bucket{le="0.1",class="Jobs",method="run",result="error"}',
      'method_duration_seconds_bucket{le="1",class="Jobs",method="run",result="error"}',
      'method_duration_seconds_bucket{le="+Inf",class="Jobs",method="run",result="error"}',
    ]);
  });

  test('a classic and a native declaration of one name conflict, named in the error', () => {
    const registry = new Registry();
    class First {
      @Timed({ registry, name: 'job_seconds' }) run(): void {}
    }
    expect(First).toBeDefined();
    expect(() => {
      class Second {
        @Timed({ registry, name: 'job_seconds', nativeHistogram: true }) run(): void {}
      }
      return Second;
    }).toThrow(
      '@Timed on Second.run: metric "job_seconds" is declared here as a native histogram with no labels, but @Timed on First.run already declared it as a histogram with no labels (the types differ). Use the same options in both places, or give one of them another name',
    );
  });

  test.each([
    [{ nativeHistogram: 'yes' }, 'nativeHistogram must be true or an object of options, got "yes". Pass nativeHistogram: true, or { mode: \'both\', schema: 3 }'],
    [{ nativeHistogram: { mode: 'classic' } }, "nativeHistogram mode \"classic\" is not 'native' or 'both'. Pass mode: 'both' to keep classic buckets alongside, or leave it out"],
    [{ nativeHistogram: { schema: 9 } }, 'schema 9 is not a whole number from -4 to 8. Pass { schema: 3, maxBuckets: 160 }, or leave the options out for those defaults'],
    [{ nativeHistogram: { maxBuckets: 0 } }, 'maxBuckets 0 is not a whole number of at least 1. Pass { schema: 3, maxBuckets: 160 }, or leave the options out for those defaults'],
    [{ nativeHistogram: { factor: 1.1 } }, 'native histogram option "factor" is unknown (the options are mode, schema, zeroThreshold and maxBuckets). Pass { schema: 3, maxBuckets: 160 }, or leave the options out for those defaults'],
    [{ nativeHistogram: true, buckets: [1] }, "buckets are the classic buckets kept with nativeHistogram's mode 'both', and the mode is 'native'. Pass nativeHistogram: { mode: 'both' } to keep them, or leave out buckets"],
    [{ type: 'summary', nativeHistogram: true }, "nativeHistogram is an option of histograms, not of summaries. Leave out type: 'summary' to record a native histogram, or leave out nativeHistogram"],
  ])('refuses %p when the class is defined', (options, message) => {
    const registry = new Registry();
    const define = () => {
      class Jobs {
        @Timed({ registry, ...(options as object) }) run(): void {}
      }
      return Jobs;
    };
    expect(define).toThrow(DecoratorMisuseError);
    expect(define).toThrow(`@Timed on Jobs.run: ${message}`);
  });
});
