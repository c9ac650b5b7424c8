/**
 * Prometheus native histograms, recorded as the Go client records them: sparse exponential
 * buckets whose boundaries are powers of 2^(2^-schema), one zero bucket around 0, and a bucket
 * budget that halves the resolution when it is exceeded. For schema s, bucket i counts the
 * observations in (2^((i-1)/2^s), 2^(i/2^s)]: bucket 0 ends at 1, an exact power of two is the
 * upper bound of its bucket, and every boundary of schema s - 1 is one of schema s.
 */
import type { TraceExemplarLabels } from '../exemplars/active-trace.js';
import { keepExemplar, NO_EXEMPLAR, takeExemplar, ticks, type ExemplarSlot } from '../exemplars/exemplar-slot.js';
import type { NativeHistogramShape } from './registration.js';
import type { LabelValues, ObservedSeries } from './series.js';

/** The schemas Prometheus accepts: -4 is one bucket per 2^16 (a factor of 65536), 8 is 256 buckets per power of two. */
export const NATIVE_SCHEMA_MIN = -4;
export const NATIVE_SCHEMA_MAX = 8;
/** 8 buckets per power of two: each bucket about 9% wider than the one before (Go's factor 1.1). */
export const DEFAULT_NATIVE_SCHEMA = 3;
/** 2^-128, the Go client's default: a boundary at every schema, far below any duration. */
export const DEFAULT_ZERO_THRESHOLD = 2 ** -128;
/** The bucket budget of one series (both signs together), the value Go's documentation and OpenTelemetry use. */
export const DEFAULT_MAX_BUCKETS = 160;
/**
 * The widest range of bucket indices one sign of a series keeps in its dense array. A pair of
 * observations further apart than this (2^512 apart at schema 3, 2^16 at schema 8) halves the
 * resolution, as the bucket budget does: memory stays bounded whatever is observed.
 */
export const MAX_BUCKET_SPAN = 4096;

/** What a user may set on a native histogram; each has the default above. */
export interface NativeHistogramOptions {
  /** -4 to 8: 2^schema buckets per power of two. Default 3. */
  schema?: number;
  /** Observations with an absolute value at most this go to the zero bucket. Default 2^-128; 0 keeps only exact zeros there. */
  zeroThreshold?: number;
  /** The most buckets a series keeps before its resolution is halved (schema - 1). Default 160. */
  maxBuckets?: number;
}

/** The shape with every default applied. */
export function nativeShapeOf(options: NativeHistogramOptions | undefined, mode: NativeHistogramShape['mode']): NativeHistogramShape {
  return {
    mode,
    schema: options?.schema ?? DEFAULT_NATIVE_SCHEMA,
    zeroThreshold: options?.zeroThreshold ?? DEFAULT_ZERO_THRESHOLD,
    maxBuckets: options?.maxBuckets ?? DEFAULT_MAX_BUCKETS,
  };
}

// The IEEE 754 parts of a double, read without allocating: one scratch double seen as two words.
const scratch = new Float64Array(1);
/** The observation being recorded, passed between the hot path's methods unboxed (see bucketIndexOfScratch). */
const observed = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
const LOW = LITTLE_ENDIAN ? 0 : 1;

/**
 * For schema s > 0, the boundaries within one power of two as fractions in [0.5, 1):
 * about 2^(j/2^s - 1) for j = 0 .. 2^s - 1, made the way the Go client and Prometheus make
 * their tables, so every boundary is theirs bit for bit: each odd one is the one before times
 * the schema's factor 2^(2^-s), each even one is taken from schema s - 1 (so halving the
 * resolution never moves an observation to another bucket than recording it at the lower
 * schema would). Go's math.Exp2(0.5) is one unit in the last place below √2; so is this factor.
 */
const FRACTION_BOUNDS: Float64Array[] = [new Float64Array([0.5])];
for (let schema = 1; schema <= NATIVE_SCHEMA_MAX; schema++) {
  const factor = schema === 1 ? Math.SQRT2 - 2 ** -52 : 2 ** (2 ** -schema);
  const bounds = new Float64Array(2 ** schema);
  for (let j = 0; j < bounds.length; j++) bounds[j] = j % 2 === 0 ? FRACTION_BOUNDS[schema - 1][j / 2] : bounds[j - 1] * factor;
  FRACTION_BOUNDS.push(bounds);
}

/**
 * The index of the bucket that counts `magnitude` (above 0; +Infinity allowed) at `schema`.
 * Exact at every boundary: it reads the double's exponent and mantissa (C's frexp) instead of
 * trusting a logarithm's rounding. Infinity gets the bucket after the one of the largest double.
 * Hot path: arithmetic on two words and, above schema 0, a binary search of at most 8 steps.
 */
export function bucketIndex(magnitude: number, schema: number): number {
  scratch[0] = magnitude;
  return bucketIndexOfScratch(schema);
}

/**
 * `bucketIndex` of the magnitude the caller wrote into `scratch[0]`. The hot path passes its
 * double this way: a double handed to a call V8 does not inline is boxed into a fresh 16-byte
 * heap number, one per observation; written into a Float64Array it stays a plain double.
 */
function bucketIndexOfScratch(schema: number): number {
  const magnitude = scratch[0];
  if (magnitude === Infinity) return 1024 * 2 ** schema + 1;
  let high = words[HIGH];
  let biasedExponent = (high >>> 20) & 0x7ff;
  if (biasedExponent === 0) {
    // A subnormal: scaled into the normal range, its exponent corrected back.
    scratch[0] = magnitude * 2 ** 64;
    high = words[HIGH];
    biasedExponent = ((high >>> 20) & 0x7ff) - 64;
  }
  // magnitude = fraction × 2^power with fraction in [0.5, 1)
  const power = biasedExponent - 1022;
  if (schema > 0) {
    words[HIGH] = (high & 0x800fffff) | 0x3fe00000;
    const fraction = scratch[0];
    const bounds = FRACTION_BOUNDS[schema];
    let low = 0;
    let top = bounds.length;
    while (low < top) {
      const middle = (low + top) >>> 1;
      if (bounds[middle] < fraction) low = middle + 1;
      else top = middle;
    }
    return low + (power - 1) * bounds.length;
  }
  // An exact power of two is the upper bound of the bucket below the next one.
  const exactPower = (high & 0xfffff) === 0 && words[LOW] === 0;
  const index = exactPower ? power - 1 : power;
  // Rounded up to the wider bucket: (index + 2^-s - 1) >> -s is a ceiling division for negative indices too.
  return schema === 0 ? index : (index + (1 << -schema) - 1) >> -schema;
}

/** The upper bound of bucket `index` at `schema`: 2^(index / 2^schema), from the same table `bucketIndex` searches. */
export function bucketUpperBound(index: number, schema: number): number {
  if (schema <= 0) return 2 ** (index * 2 ** -schema);
  const size = 1 << schema;
  return FRACTION_BOUNDS[schema][index & (size - 1)] * 2 ** ((index >> schema) + 1);
}

/** The bucket of schema s - 1 that bucket `index` of schema s merges into: ceil(index / 2). */
export function widerIndex(index: number): number {
  return (index + 1) >> 1;
}

const NO_COUNTS = new Float64Array(0);
/** Slots a side's array starts with, around its first bucket. */
const INITIAL_SLOTS = 16;

/**
 * The buckets of one sign: a dense array of counts over a window of bucket indices that grows
 * (reallocating) only when a bucket outside it is first counted.
 */
export class SparseBuckets {
  counts: Float64Array = NO_COUNTS;
  /** The bucket index of `counts[0]`. */
  offset = 0;
  /** Buckets with a count above 0. */
  populated = 0;
  /** The lowest and highest populated indices (meaningless while `populated` is 0). */
  lowest = 0;
  highest = 0;

  /**
   * Counts one observation in bucket `index`; false (nothing counted) when that would stretch
   * the populated range past MAX_BUCKET_SPAN. Hot path: no allocation for a bucket in the window.
   */
  increment(index: number): boolean {
    const slot = index - this.offset;
    if (slot >= 0 && slot < this.counts.length) {
      if (this.counts[slot]++ === 0) this.populate(index);
      return true;
    }
    if (!this.makeRoomFor(index)) return false;
    this.counts[index - this.offset]++;
    this.populate(index);
    return true;
  }

  /** Adds `count` to bucket `index` (merging, where the span was checked already). */
  add(index: number, count: number): void {
    if (count === 0) return;
    if (index - this.offset < 0 || index - this.offset >= this.counts.length) this.makeRoomFor(index, true);
    if (this.counts[index - this.offset] === 0) this.populate(index);
    this.counts[index - this.offset] += count;
  }

  /** Every bucket merged pairwise into the buckets of the schema below. */
  halve(): void {
    if (this.populated === 0) return;
    const { counts, offset, lowest, highest } = this;
    this.counts = new Float64Array(Math.max(INITIAL_SLOTS, widerIndex(highest) - widerIndex(lowest) + 1));
    this.offset = widerIndex(lowest);
    this.populated = 0;
    for (let index = lowest; index <= highest; index++) {
      const count = counts[index - offset];
      if (count !== 0) this.add(widerIndex(index), count);
    }
  }

  /** Back to no observation; the array is kept for the next ones. */
  clear(): void {
    this.counts.fill(0);
    this.populated = 0;
  }

  /** The populated range as plain numbers (for the exposition and cluster IPC). */
  snapshot(): BucketRun {
    if (this.populated === 0) return { offset: 0, counts: [] };
    const start = this.lowest - this.offset;
    return { offset: this.lowest, counts: Array.from(this.counts.subarray(start, start + this.highest - this.lowest + 1)) };
  }

  private populate(index: number): void {
    if (this.populated++ === 0) {
      this.lowest = index;
      this.highest = index;
    } else if (index < this.lowest) this.lowest = index;
    else if (index > this.highest) this.highest = index;
  }

  private makeRoomFor(index: number, unbounded = false): boolean {
    if (this.populated === 0) {
      // Nothing counted: the window moves to the new bucket, the array is reused.
      if (this.counts.length === 0) this.counts = new Float64Array(INITIAL_SLOTS);
      this.offset = index - (this.counts.length >> 2);
      return true;
    }
    const lowest = Math.min(this.lowest, index);
    const highest = Math.max(this.highest, index);
    const needed = highest - lowest + 1;
    if (!unbounded && needed > MAX_BUCKET_SPAN) return false;
    // Room to grow further the same way, so a drifting distribution reallocates rarely.
    const length = Math.max(needed, Math.min(Math.max(MAX_BUCKET_SPAN, needed), this.counts.length * 2));
    const offset = index < this.offset ? highest - length + 1 : lowest;
    const counts = new Float64Array(length);
    counts.set(this.counts.subarray(this.lowest - this.offset, this.highest - this.offset + 1), this.lowest - offset);
    this.counts = counts;
    this.offset = offset;
    return true;
  }
}

/** A run of consecutive buckets: `counts[k]` is the count of bucket `offset + k` (zeros allowed inside). */
export interface BucketRun {
  offset: number;
  counts: number[];
}

/** One native histogram series as the exposition (and a cluster's primary) reads it. */
export interface NativeHistogramSnapshot {
  /** The series' labels (without `le`). */
  labels: Record<string, string | number>;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positive: BucketRun;
  negative: BucketRun;
  /** Unix milliseconds when the series was created or last reset. */
  createdMs: number;
}

/** What every series of one family shares: its shape, and for 'both' its classic upper bounds. */
export interface NativeHistogramSettings {
  readonly shape: NativeHistogramShape;
  /** Finite, increasing classic bounds ('both'); empty for 'native'. */
  readonly upperBounds: readonly number[];
}

/**
 * A native histogram series, optionally with classic buckets alongside ('both'). Hot path
 * (`observe`): plain arithmetic; an allocation only for a bucket outside the window so far,
 * and when the bucket budget is exceeded (the resolution halves).
 */
export class NativeHistogramSeries implements ObservedSeries {
  count = 0;
  sum = 0;
  zeroCount = 0;
  schema: number;
  readonly positive = new SparseBuckets();
  readonly negative = new SparseBuckets();
  /** The classic buckets' own counts (the last is +Inf); cumulated at collect time. Empty for 'native'. */
  readonly classicCounts: Float64Array;
  /** Unix milliseconds when the series was created or last reset: its created timestamp. */
  createdMs = Date.now();
  /**
   * The classic buckets' exemplars (the last is +Inf), made by the first observation that may
   * take one. With 'native' there is one, on the +Inf bucket: the one classic bucket written,
   * where Prometheus (2.x reads a native histogram's exemplars from its classic buckets) and
   * OpenMetrics find it.
   */
  exemplars: ExemplarSlot[] | undefined = undefined;
  private readonly zeroThreshold: number;
  private readonly maxBuckets: number;
  private readonly upperBounds: readonly number[];

  constructor(
    readonly labels: LabelValues,
    settings: NativeHistogramSettings,
  ) {
    this.schema = settings.shape.schema;
    this.zeroThreshold = settings.shape.zeroThreshold;
    this.maxBuckets = settings.shape.maxBuckets;
    this.upperBounds = settings.upperBounds;
    this.classicCounts = new Float64Array(settings.upperBounds.length === 0 ? 0 : settings.upperBounds.length + 1);
  }

  // The entry points are small enough for V8 to inline into the caller: they hand the value to
  // the rest through `observed` (see bucketIndexOfScratch), so no observation allocates.

  /** Adds one observation. NaN is counted (and makes the sum NaN) but lands in no bucket, as in the Go client. */
  observe(value: number): void {
    observed[0] = value;
    this.tally();
  }

  /** `observe`, and the exemplar of the classic bucket it falls in (with 'native', the +Inf one) when that one is due. */
  observeSampled(value: number): void {
    observed[0] = value;
    const slot = this.tally();
    const exemplars = this.exemplars ?? this.exemplarSlots();
    if (exemplars[slot].tick !== ticks.now) exemplars[slot] = takeExemplar(exemplars[slot], value);
  }

  /** `observe`, with these trace IDs (read when the work began) as the exemplar of its classic bucket. */
  observeWithExemplar(value: number, trace: TraceExemplarLabels): void {
    observed[0] = value;
    const slot = this.tally();
    const exemplars = this.exemplars ?? this.exemplarSlots();
    exemplars[slot] = keepExemplar(exemplars[slot], trace, value);
  }

  /** Counts the observation in `observed[0]`; returns its classic bucket's slot (0, the +Inf one, with 'native'). */
  private tally(): number {
    const value = observed[0];
    this.count++;
    this.sum += value;
    const upperBounds = this.upperBounds;
    let slot = 0;
    if (upperBounds.length > 0) {
      const last = upperBounds.length;
      while (slot < last && !(value <= upperBounds[slot])) slot++;
      this.classicCounts[slot]++;
    }
    if (value > this.zeroThreshold) this.record(this.positive, false);
    else if (value < -this.zeroThreshold) this.record(this.negative, true);
    else if (value === value) this.zeroCount++;
    return slot;
  }

  private exemplarSlots(): ExemplarSlot[] {
    const exemplars = Array.from({ length: this.upperBounds.length + 1 }, () => NO_EXEMPLAR);
    this.exemplars = exemplars;
    return exemplars;
  }

  /** Back to no observation at the configured schema, created now (`registry.resetMetrics()`). */
  reset(initialSchema: number): void {
    this.count = 0;
    this.sum = 0;
    this.zeroCount = 0;
    this.schema = initialSchema;
    this.positive.clear();
    this.negative.clear();
    this.classicCounts.fill(0);
    this.createdMs = Date.now();
    this.exemplars = undefined;
  }

  snapshot(labels: Record<string, string | number> = this.labels): NativeHistogramSnapshot {
    return {
      labels,
      schema: this.schema,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      positive: this.positive.snapshot(),
      negative: this.negative.snapshot(),
      createdMs: this.createdMs,
    };
  }

  /** Counts `observed[0]` (negated for the negative side) in its bucket of `side`. */
  private record(side: SparseBuckets, negate: boolean): void {
    const magnitude = negate ? -observed[0] : observed[0];
    for (;;) {
      scratch[0] = magnitude;
      if (side.increment(bucketIndexOfScratch(this.schema))) break;
      this.halveResolution();
    }
    while (this.positive.populated + this.negative.populated > this.maxBuckets && this.schema > NATIVE_SCHEMA_MIN) this.halveResolution();
  }

  private halveResolution(): void {
    this.positive.halve();
    this.negative.halve();
    this.schema--;
  }
}

/**
 * The sum of several processes' snapshots of one series (a cluster's workers): each brought
 * to the lowest schema among them, bucket counts added index by index; the widest zero
 * threshold wins, and buckets that end at or below it join the zero bucket. Created: the
 * earliest.
 */
export function mergeSnapshots(snapshots: readonly NativeHistogramSnapshot[]): NativeHistogramSnapshot {
  const schema = Math.min(...snapshots.map((snapshot) => snapshot.schema));
  const zeroThreshold = Math.max(...snapshots.map((snapshot) => snapshot.zeroThreshold));
  const positive = new SparseBuckets();
  const negative = new SparseBuckets();
  let zeroCount = 0;
  let count = 0;
  let sum = 0;
  for (const snapshot of snapshots) {
    zeroCount += snapshot.zeroCount;
    count += snapshot.count;
    sum += snapshot.sum;
    const shift = snapshot.schema - schema;
    for (const [run, side] of [
      [snapshot.positive, positive],
      [snapshot.negative, negative],
    ] as const) {
      run.counts.forEach((bucketCount, k) => {
        let index = run.offset + k;
        // ceil(index / 2^shift), the bucket of the lower schema that holds this one
        if (shift > 0) index = (index + (1 << shift) - 1) >> shift;
        if (bucketUpperBound(index, schema) <= zeroThreshold) zeroCount += bucketCount;
        else side.add(index, bucketCount);
      });
    }
  }
  return {
    labels: snapshots[0].labels,
    schema,
    zeroThreshold,
    zeroCount,
    count,
    sum,
    positive: positive.snapshot(),
    negative: negative.snapshot(),
    createdMs: Math.min(...snapshots.map((snapshot) => snapshot.createdMs)),
  };
}
