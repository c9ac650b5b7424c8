import { nativeShapeOf, type NativeHistogramOptions } from './native-histogram.js';
import type { NativeHistogramShape } from './registration.js';
import { nativeHistogramProblem } from './validation.js';

/**
 * How `@Timed` and the HTTP metrics' duration are asked for a native histogram: `true` for the
 * defaults, or the mode and the native options (the names Prometheus and the Go client use for
 * what they mean: `schema` where Go takes a bucket factor, 3 being its factor 1.1).
 */
export type NativeHistogramOption =
  | true
  | (NativeHistogramOptions & {
      /** 'native' (default): native buckets only. 'both': the classic `buckets` alongside, for text and OpenMetrics scrapers. */
      mode?: 'native' | 'both';
    });

/** What a caller throws for a mistaken option: its own error class, naming where. */
export type NativeOptionError = (problem: string, fix: string) => Error;

/**
 * The native shape asked for, every default applied, or undefined for a classic histogram
 * (`undefined` or `false`). `bucketsGiven`: classic buckets were passed, which only mode
 * 'both' keeps, so passing them with 'native' is a mistake rather than silently unused.
 */
export function nativeHistogramOf(option: unknown, bucketsGiven: boolean, error: NativeOptionError): NativeHistogramShape | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) {
    if (bucketsGiven) throw error("buckets are the classic buckets kept with nativeHistogram's mode 'both', and the mode is 'native'", "Pass nativeHistogram: { mode: 'both' } to keep them, or leave out buckets");
    return nativeShapeOf(undefined, 'native');
  }
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw error(`nativeHistogram must be true or an object of options, got ${JSON.stringify(option) ?? typeof option}`, "Pass nativeHistogram: true, or { mode: 'both', schema: 3 }");
  }
  const { mode = 'native', ...native } = option as { mode?: unknown };
  if (mode !== 'native' && mode !== 'both') throw error(`nativeHistogram mode ${JSON.stringify(mode)} is not 'native' or 'both'`, "Pass mode: 'both' to keep classic buckets alongside, or leave it out");
  const problem = nativeHistogramProblem(native);
  if (problem !== undefined) throw error(problem.replace('(the options are schema, zeroThreshold and maxBuckets)', '(the options are mode, schema, zeroThreshold and maxBuckets)'), 'Pass { schema: 3, maxBuckets: 160 }, or leave the options out for those defaults');
  if (mode === 'native' && bucketsGiven) {
    throw error("buckets are the classic buckets kept with nativeHistogram's mode 'both', and the mode is 'native'", "Pass nativeHistogram: { mode: 'both' } to keep them, or leave out buckets");
  }
  return nativeShapeOf(native as NativeHistogramOptions, mode);
}
