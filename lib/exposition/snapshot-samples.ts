/**
 * A series snapshot turned back into the sample objects `getForPromString()` gives (labels
 * shared per series, a bucket's `le` its own), for the few families the snapshot writers
 * leave to the general path: a series with a label named like the bucket label, default
 * labels that name it.
 */
import type { CollectedMetric, CollectedSample } from './collect.js';
import type { SeriesSnapshot } from './series-snapshot.js';

/** The samples of a snapshot, for the general path (see snapshotWritesDirectly). */
export function sampledFamily(metric: CollectedMetric): CollectedMetric {
  if (metric.series === undefined) return metric;
  const { series, ...rest } = metric;
  return { ...rest, values: snapshotSamples(metric.type, metric.name, series), ...(series.native === undefined ? {} : { nativeHistograms: series.native.filter((native) => native !== undefined) }) };
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** The samples `getForPromString()` would have given for the series of a snapshot. */
export function snapshotSamples(type: string, name: string, snapshot: SeriesSnapshot): CollectedSample[] {
  const { labels, numbers, createdMs, exemplars } = snapshot;
  // What a sample carries besides its value, when the series has it.
  const extras = (sample: CollectedSample, created: number | undefined, exemplar: CollectedSample['exemplar'] | undefined): CollectedSample => {
    if (created !== undefined && !Number.isNaN(created)) sample.createdMs = created;
    if (exemplar !== undefined) sample.exemplar = exemplar;
    return sample;
  };
  if (type !== 'histogram') {
    return labels.map((sharedLabels, index) => extras({ labels: NO_LABELS, sharedLabels, value: numbers[index] }, createdMs?.[index], exemplars?.[index]));
  }
  const bounds = snapshot.upperBounds;
  const stride = bounds.length + 2;
  const samples: CollectedSample[] = [];
  labels.forEach((sharedLabels, index) => {
    const base = index * stride;
    const bucketName = `${name}_bucket`;
    const exemplarOf = (slot: number) => exemplars?.[index * (bounds.length + 1) + slot];
    bounds.forEach((le, slot) => samples.push(extras({ labels: { le }, sharedLabels, value: numbers[base + slot], metricName: bucketName }, undefined, exemplarOf(slot))));
    const count = numbers[base + stride - 1];
    samples.push(extras({ labels: { le: '+Inf' }, sharedLabels, value: count, metricName: bucketName }, undefined, exemplarOf(bounds.length)));
    samples.push({ labels: NO_LABELS, sharedLabels, value: numbers[base + stride - 2], metricName: `${name}_sum` });
    samples.push(extras({ labels: NO_LABELS, sharedLabels, value: count, metricName: `${name}_count` }, createdMs?.[index], undefined));
  });
  return samples;
}
