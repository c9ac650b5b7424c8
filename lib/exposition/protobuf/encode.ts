/**
 * The protobuf exposition format: a stream of length-delimited `io.prometheus.client.MetricFamily`
 * messages (client_model's metrics.proto), the one format that carries native histograms.
 * Every kind is written: counters (with exemplar and created timestamp), gauges (Info and Enum
 * among them, as in the text format), untyped, summaries and histograms, classic and native.
 * The same families, samples and exemplars are left out as in the text formats.
 */
import type { NativeHistogramSnapshot } from '../../metrics/native-histogram.js';
import type { CollectedMetric, CollectedSample, Collection } from '../collect.js';
import { labelsOf, writableFamilies } from '../render.js';
import { describe, skipped, validExemplar, type OnSkipped } from '../skips.js';
import type { SeriesSnapshot } from '../series-snapshot.js';
import { sampledFamily } from '../snapshot-samples.js';
import { ProtobufWriter } from './writer.js';

// metrics.proto's field numbers, message by message.
const FAMILY = { name: 1, help: 2, type: 3, metric: 4 } as const;
const METRIC = { label: 1, gauge: 2, counter: 3, summary: 4, untyped: 5, histogram: 7 } as const;
const LABEL = { name: 1, value: 2 } as const;
const VALUE = 1; // Gauge.value, Counter.value, Untyped.value
const COUNTER = { exemplar: 2, createdTimestamp: 3 } as const;
const SUMMARY = { sampleCount: 1, sampleSum: 2, quantile: 3, createdTimestamp: 4 } as const;
const QUANTILE = { quantile: 1, value: 2 } as const;
const HISTOGRAM = {
  sampleCount: 1,
  sampleSum: 2,
  bucket: 3,
  sampleCountFloat: 4,
  schema: 5,
  zeroThreshold: 6,
  zeroCount: 7,
  zeroCountFloat: 8,
  negativeSpan: 9,
  negativeDelta: 10,
  positiveSpan: 12,
  positiveDelta: 13,
  createdTimestamp: 15,
} as const;
const BUCKET = { cumulativeCount: 1, upperBound: 2, exemplar: 3, cumulativeCountFloat: 4 } as const;
const SPAN = { offset: 1, length: 2 } as const;
const EXEMPLAR = { label: 1, value: 2, timestamp: 3 } as const;
const TIMESTAMP = { seconds: 1, nanos: 2 } as const;

/** MetricType. */
const TYPES: Record<string, number> = { counter: 0, gauge: 1, summary: 2, untyped: 3, histogram: 4 };
const UNTYPED = 3;

type Labels = Record<string, string | number | undefined>;

/** Writes a collection as the protobuf format's body. */
export function encodeCollection(collection: Collection, onSkipped?: OnSkipped): Buffer {
  const writer = new ProtobufWriter();
  const context: Context = { writer, defaultLabels: collection.defaultLabels, hasDefaultLabels: Object.keys(collection.defaultLabels).length > 0, onSkipped };
  const defaults = defaultLabelBytes(collection.defaultLabels);
  for (const written of writableFamilies(collection, onSkipped)) {
    const direct = written.series !== undefined && writesDirectly(written.series, written.type, collection.defaultLabels);
    const metric = direct ? written : sampledFamily(written);
    // A family without samples says nothing (Prometheus skips it): left out, as the Go client's registry does.
    if ((direct ? metric.series!.labels : (metric.values ?? [])).length === 0) continue;
    writer.beginDelimited();
    writer.string(FAMILY.name, metric.name);
    writer.string(FAMILY.help, metric.help);
    const type = TYPES[metric.type] ?? UNTYPED;
    writer.uint(FAMILY.type, type);
    if (direct && metric.type === 'histogram') writeHistogramSnapshot(context, metric, metric.series!, defaults);
    else if (direct) writeScalarSnapshot(context, metric, metric.series!, type === TYPES.counter ? METRIC.counter : METRIC.gauge, defaults);
    else if (metric.type === 'histogram') writeHistograms(context, metric);
    else if (metric.type === 'summary') writeSummaries(context, metric);
    else writeScalars(context, metric, type);
    writer.end();
  }
  return writer.finish();
}

/** Each default label's LabelPair field, encoded once per scrape. */
interface DefaultLabelBytes {
  names: readonly string[];
  bytes: readonly Buffer[];
}

function defaultLabelBytes(defaultLabels: Labels): DefaultLabelBytes {
  const names: string[] = [];
  const bytes: Buffer[] = [];
  for (const name in defaultLabels) {
    const value = defaultLabels[name];
    if (value === undefined) continue;
    names.push(name);
    bytes.push(encodedLabels({ [name]: value }));
  }
  return { names, bytes };
}

/** Whether the snapshot writers below give the bytes the sample path would (not with a series or default label named `le`). */
function writesDirectly(snapshot: SeriesSnapshot, type: string, defaultLabels: Labels): boolean {
  if (type !== 'histogram') return true;
  return !Object.prototype.hasOwnProperty.call(defaultLabels, 'le') && snapshot.labels.every((labels) => !Object.prototype.hasOwnProperty.call(labels, 'le'));
}

/**
 * The LabelPair fields of a series' own labels, by its label object: never mutated once
 * handed out (see exposed-series.ts), so encoded on its first scrape and copied by the next.
 */
const seriesLabelBytes = new WeakMap<object, Buffer>();

/** A series' labels as the sample path writes them: the default labels it does not set, then its own. */
function writeSeriesLabels(writer: ProtobufWriter, labels: Readonly<Record<string, string>>, defaults: DefaultLabelBytes): void {
  for (let index = 0; index < defaults.names.length; index++) {
    if (!Object.prototype.hasOwnProperty.call(labels, defaults.names[index])) writer.raw(defaults.bytes[index]);
  }
  let own = seriesLabelBytes.get(labels);
  if (own === undefined) {
    own = encodedLabels(labels);
    seriesLabelBytes.set(labels, own);
  }
  writer.raw(own);
}

function encodedLabels(labels: Labels): Buffer {
  const writer = new ProtobufWriter(128);
  writeLabels(writer, labels);
  return writer.finish();
}

/** Counters and gauges read as a snapshot: one Metric per series (a counter's with its exemplar and created timestamp). */
function writeScalarSnapshot(context: Context, metric: CollectedMetric, snapshot: SeriesSnapshot, field: number, defaults: DefaultLabelBytes): void {
  const { writer } = context;
  const { labels, numbers, createdMs, exemplars } = snapshot;
  for (let index = 0; index < labels.length; index++) {
    writer.begin(FAMILY.metric);
    writeSeriesLabels(writer, labels[index], defaults);
    writer.begin(field);
    writer.double(VALUE, numbers[index]);
    if (field === METRIC.counter) {
      const exemplar = exemplars?.[index];
      if (exemplar !== undefined) writeExemplar(context, COUNTER.exemplar, exemplar, metric.name);
      if (createdMs !== undefined) writeCreated(writer, COUNTER.createdTimestamp, createdMs[index]);
    }
    writer.end();
    writer.end();
  }
}

/**
 * Histograms read as a snapshot: one Metric per series, its finite buckets (+Inf is implied by
 * the count, written only to carry an exemplar), its created timestamp, native buckets added.
 */
function writeHistogramSnapshot(context: Context, metric: CollectedMetric, snapshot: SeriesSnapshot, defaults: DefaultLabelBytes): void {
  const { writer } = context;
  const { labels, numbers, upperBounds, createdMs, exemplars, native } = snapshot;
  const stride = upperBounds.length + 2;
  const buckets = upperBounds.length + 1;
  for (let index = 0; index < labels.length; index++) {
    const base = index * stride;
    const count = numbers[base + stride - 1];
    writer.begin(FAMILY.metric);
    writeSeriesLabels(writer, labels[index], defaults);
    writer.begin(METRIC.histogram);
    writeCount(writer, HISTOGRAM.sampleCount, HISTOGRAM.sampleCountFloat, count);
    writer.double(HISTOGRAM.sampleSum, numbers[base + stride - 2]);
    for (let slot = 0; slot < buckets; slot++) {
      const exemplar = exemplars?.[index * buckets + slot];
      const infinite = slot === buckets - 1;
      if (infinite && exemplar === undefined) continue;
      writer.begin(HISTOGRAM.bucket);
      writeCount(writer, BUCKET.cumulativeCount, BUCKET.cumulativeCountFloat, infinite ? count : numbers[base + slot]);
      writer.double(BUCKET.upperBound, infinite ? Infinity : upperBounds[slot]);
      if (exemplar !== undefined) writeExemplar(context, BUCKET.exemplar, exemplar, metric.name);
      writer.end();
    }
    if (createdMs !== undefined) writeCreated(writer, HISTOGRAM.createdTimestamp, createdMs[index]);
    const nativeSeries = native?.[index];
    if (nativeSeries !== undefined) writeNative(writer, nativeSeries);
    writer.end();
    writer.end();
  }
}

interface Context {
  writer: ProtobufWriter;
  defaultLabels: Record<string, string | number>;
  hasDefaultLabels: boolean;
  onSkipped: OnSkipped | undefined;
}

/** Counters, gauges and untyped: one Metric per sample. */
function writeScalars(context: Context, metric: CollectedMetric, type: number): void {
  const { writer } = context;
  const field = type === TYPES.counter ? METRIC.counter : type === TYPES.gauge ? METRIC.gauge : METRIC.untyped;
  for (const sample of metric.values ?? []) {
    if (!isNumberSample(context, metric, sample)) continue;
    writer.begin(FAMILY.metric);
    writeLabels(writer, labelsOf(sample, context.defaultLabels, context.hasDefaultLabels));
    writer.begin(field);
    writer.double(VALUE, sample.value);
    if (field === METRIC.counter) {
      if (sample.exemplar != null) writeExemplar(context, COUNTER.exemplar, sample.exemplar, metric.name);
      writeCreated(writer, COUNTER.createdTimestamp, sample.createdMs);
    }
    writer.end();
    writer.end();
  }
}

interface HistogramSeries {
  labels: Labels;
  buckets: { upperBound: number; count: number; exemplar: CollectedSample['exemplar'] }[];
  sum: number;
  count: number | undefined;
  createdMs: number | undefined;
}

/** Histograms: the `_bucket`, `_sum` and `_count` samples of each series gathered into one Metric, native buckets added. */
function writeHistograms(context: Context, metric: CollectedMetric): void {
  const series = new Map<string, HistogramSeries>();
  for (const sample of metric.values ?? []) {
    if (!isNumberSample(context, metric, sample)) continue;
    const labels = labelsOf(sample, context.defaultLabels, context.hasDefaultLabels);
    const { le, ...own } = labels;
    const key = seriesKey(own);
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { labels: own, buckets: [], sum: 0, count: undefined, createdMs: undefined };
      series.set(key, entry);
    }
    const name = sample.metricName ?? '';
    if (name.endsWith('_bucket') && le !== undefined) entry.buckets.push({ upperBound: boundOf(le), count: sample.value, exemplar: sample.exemplar });
    else if (name.endsWith('_sum')) entry.sum = sample.value;
    else if (name.endsWith('_count')) entry.count = sample.value;
    if (sample.createdMs !== undefined) entry.createdMs = sample.createdMs;
  }
  const natives = new Map<string, NativeHistogramSnapshot>();
  for (const snapshot of metric.nativeHistograms ?? []) {
    natives.set(seriesKey(labelsOf({ labels: snapshot.labels, value: 0 }, context.defaultLabels, context.hasDefaultLabels)), snapshot);
  }
  const { writer } = context;
  for (const [key, entry] of series) {
    writer.begin(FAMILY.metric);
    writeLabels(writer, entry.labels);
    writer.begin(METRIC.histogram);
    const infinite = entry.buckets.find((bucket) => bucket.upperBound === Infinity);
    writeCount(writer, HISTOGRAM.sampleCount, HISTOGRAM.sampleCountFloat, entry.count ?? infinite?.count ?? 0);
    writer.double(HISTOGRAM.sampleSum, entry.sum);
    for (const bucket of entry.buckets) {
      // +Inf is implied by the count; written only to carry an exemplar, as the Go client does.
      if (bucket.upperBound === Infinity && bucket.exemplar == null) continue;
      writer.begin(HISTOGRAM.bucket);
      writeCount(writer, BUCKET.cumulativeCount, BUCKET.cumulativeCountFloat, bucket.count);
      writer.double(BUCKET.upperBound, bucket.upperBound);
      if (bucket.exemplar != null) writeExemplar(context, BUCKET.exemplar, bucket.exemplar, metric.name);
      writer.end();
    }
    writeCreated(writer, HISTOGRAM.createdTimestamp, entry.createdMs);
    const native = natives.get(key);
    if (native !== undefined) writeNative(writer, native);
    writer.end();
    writer.end();
  }
}

/** The native part of a Histogram message. */
function writeNative(writer: ProtobufWriter, native: NativeHistogramSnapshot): void {
  writer.sint(HISTOGRAM.schema, native.schema);
  writer.double(HISTOGRAM.zeroThreshold, native.zeroThreshold);
  writeCount(writer, HISTOGRAM.zeroCount, HISTOGRAM.zeroCountFloat, native.zeroCount);
  const negative = spansOf(native.negative.offset, native.negative.counts);
  const positive = spansOf(native.positive.offset, native.positive.counts);
  // Without observations and with a zero threshold of 0, one empty span tells a native histogram from a classic one.
  if (native.zeroThreshold === 0 && native.zeroCount === 0 && negative.spans.length === 0 && positive.spans.length === 0) positive.spans.push(0, 0);
  writeSpans(writer, HISTOGRAM.negativeSpan, HISTOGRAM.negativeDelta, negative);
  writeSpans(writer, HISTOGRAM.positiveSpan, HISTOGRAM.positiveDelta, positive);
}

/** Spans as (offset, length) pairs and each bucket's count as a delta from the bucket before (across spans). */
interface Spans {
  spans: number[];
  deltas: number[];
}

/**
 * A run of counts as BucketSpans and deltas. Empty buckets are skipped by starting a new span,
 * except gaps of one or two, which cost less as zero deltas than as a span (the Go client's rule).
 */
export function spansOf(offset: number, counts: readonly number[]): Spans {
  const spans: number[] = [];
  const deltas: number[] = [];
  let previous = 0;
  let next = 0; // the index after the last bucket written
  for (let k = 0; k < counts.length; k++) {
    const count = counts[k];
    if (count === 0) continue;
    const index = offset + k;
    const gap = index - next;
    if (spans.length === 0 || gap > 2) {
      spans.push(spans.length === 0 ? index : gap, 0);
    } else {
      for (let empty = 0; empty < gap; empty++) {
        deltas.push(0 - previous);
        previous = 0;
      }
      spans[spans.length - 1] += gap;
    }
    spans[spans.length - 1]++;
    deltas.push(count - previous);
    previous = count;
    next = index + 1;
  }
  return { spans, deltas };
}

function writeSpans(writer: ProtobufWriter, spanField: number, deltaField: number, { spans, deltas }: Spans): void {
  for (let i = 0; i < spans.length; i += 2) {
    writer.begin(spanField);
    writer.sint(SPAN.offset, spans[i]);
    writer.uint(SPAN.length, spans[i + 1]);
    writer.end();
  }
  for (const delta of deltas) writer.sint(deltaField, delta);
}

interface SummarySeries {
  labels: Labels;
  quantiles: { quantile: number; value: number }[];
  sum: number;
  count: number;
  createdMs: number | undefined;
}

/** Summaries: the quantile, `_sum` and `_count` samples of each series gathered into one Metric. */
function writeSummaries(context: Context, metric: CollectedMetric): void {
  const series = new Map<string, SummarySeries>();
  for (const sample of metric.values ?? []) {
    if (!isNumberSample(context, metric, sample)) continue;
    const { quantile, ...own } = labelsOf(sample, context.defaultLabels, context.hasDefaultLabels);
    const key = seriesKey(own);
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { labels: own, quantiles: [], sum: 0, count: 0, createdMs: undefined };
      series.set(key, entry);
    }
    const name = sample.metricName ?? '';
    if (name.endsWith('_sum')) entry.sum = sample.value;
    else if (name.endsWith('_count')) entry.count = sample.value;
    else if (quantile !== undefined) entry.quantiles.push({ quantile: Number(quantile), value: sample.value });
    if (sample.createdMs !== undefined) entry.createdMs = sample.createdMs;
  }
  const { writer } = context;
  for (const entry of series.values()) {
    writer.begin(FAMILY.metric);
    writeLabels(writer, entry.labels);
    writer.begin(METRIC.summary);
    writer.uint(SUMMARY.sampleCount, wholeCount(entry.count));
    writer.double(SUMMARY.sampleSum, entry.sum);
    for (const { quantile, value } of entry.quantiles) {
      writer.begin(SUMMARY.quantile);
      writer.double(QUANTILE.quantile, quantile);
      writer.double(QUANTILE.value, value);
      writer.end();
    }
    writeCreated(writer, SUMMARY.createdTimestamp, entry.createdMs);
    writer.end();
    writer.end();
  }
}

function writeLabels(writer: ProtobufWriter, labels: Labels): void {
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    writer.begin(METRIC.label);
    writer.string(LABEL.name, name);
    writer.string(LABEL.value, typeof value === 'string' ? value : String(value));
    writer.end();
  }
}

/** A count as the integer field, or the float one when it is not a whole number (a client's weighted observation). */
function writeCount(writer: ProtobufWriter, integerField: number, floatField: number, count: number): void {
  if (Number.isSafeInteger(count) && count >= 0) writer.uint(integerField, count);
  else writer.double(floatField, count);
}

/** A summary's count has no float field: rounded to a whole number of at least 0. */
function wholeCount(count: number): number {
  return Number.isFinite(count) && count > 0 ? Math.min(Math.round(count), Number.MAX_SAFE_INTEGER) : 0;
}

function writeCreated(writer: ProtobufWriter, field: number, createdMs: number | undefined): void {
  if (typeof createdMs !== 'number' || !Number.isFinite(createdMs) || createdMs < 0) return;
  writeTimestamp(writer, field, createdMs);
}

/** A google.protobuf.Timestamp from Unix milliseconds. */
function writeTimestamp(writer: ProtobufWriter, field: number, unixMs: number): void {
  const seconds = Math.floor(unixMs / 1000);
  const nanos = Math.min(999_999_999, Math.round((unixMs - seconds * 1000) * 1e6));
  writer.begin(field);
  if (seconds !== 0) writer.uint(TIMESTAMP.seconds, seconds);
  if (nanos !== 0) writer.uint(TIMESTAMP.nanos, nanos);
  writer.end();
}

function writeExemplar(context: Context, field: number, exemplar: NonNullable<CollectedSample['exemplar']>, metricName: string): void {
  const valid = validExemplar(exemplar, metricName, context.onSkipped);
  if (valid === undefined) return;
  const { writer } = context;
  writer.begin(field);
  for (const name in valid.labelSet) {
    const value = valid.labelSet[name];
    if (value === undefined) continue;
    writer.begin(EXEMPLAR.label);
    writer.string(LABEL.name, name);
    writer.string(LABEL.value, String(value));
    writer.end();
  }
  writer.double(EXEMPLAR.value, valid.value);
  // Exemplar timestamps are Unix seconds, as OpenMetrics writes them; a negative one is left out.
  if (valid.timestamp !== undefined && valid.timestamp >= 0) writeTimestamp(writer, EXEMPLAR.timestamp, valid.timestamp * 1000);
  writer.end();
}

function isNumberSample(context: Context, metric: CollectedMetric, sample: CollectedSample): boolean {
  if (typeof sample.value === 'number') return true;
  skipped(context.onSkipped, 'invalid_sample', metric.name, `a sample whose value is not a number (${describe(sample.value)}) is left out of the exposition`);
  return false;
}

/** An `le` as a number: the client writes `+Inf` (which Number() does not read) and numbers. */
function boundOf(le: string | number): number {
  if (typeof le === 'number') return le;
  return le === '+Inf' || le === 'Inf' ? Infinity : Number(le);
}

/** One string per label set, whatever the order of its labels. */
function seriesKey(labels: Labels): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name];
    if (value === undefined) continue;
    const text = String(value);
    key += `${name.length}:${name}${text.length}:${text}`;
  }
  return key;
}
