import { createDigest, readDigest, type DigestCentroid } from '../client/bridge.js';
import type { ClientSummary } from '../client/registry.js';
import { createdNow, type CreatedStamp } from './created.js';
import { MetricFamily, type FamilyOptions, type PublishedMetric, type PublishedValue } from './family.js';
import type { SummaryShape } from './registration.js';
import type { LabelValues, ObservedSeries } from './series.js';

/**
 * A summary series. Quantiles need a digest, which no plain counter can replace, so each
 * observation is parked in a fixed buffer and handed to a private (unregistered)
 * prom-client Summary at collect time, or as soon as the buffer fills.
 */
export class SummarySeries implements ObservedSeries {
  readonly pending = new Float64Array(PENDING_CAPACITY);
  pendingCount = 0;
  /** Whether the digest holds this series yet; until then it is published as never observed. */
  digested = false;
  /** When it started counting: made, or last reset. */
  created: CreatedStamp = createdNow();

  constructor(
    readonly labels: LabelValues,
    private readonly family: SummaryFamily,
  ) {}

  /** Adds one observation: a store into the buffer; the digest is fed in batches. */
  observe(value: number): void {
    this.pending[this.pendingCount++] = value;
    if (this.pendingCount === PENDING_CAPACITY) this.family.flush(this);
  }

  /** Summaries take no exemplars (OpenMetrics has none for them). */
  observeSampled(value: number): void {
    this.observe(value);
  }
}

const PENDING_CAPACITY = 256;

/** Under this key our summary families give their digests (shared by every copy of the library). */
export const SUMMARY_DIGESTS = Symbol.for('prom-decorators.summary-digests');

/** A summary family's digests: what merging the same family of other processes needs. */
export interface SummaryDigests {
  percentiles: readonly number[];
  series: { labels: Record<string, string | number>; centroids: DigestCentroid[] }[];
}

export class SummaryFamily extends MetricFamily<SummarySeries> {
  readonly type = 'summary';
  readonly shape: SummaryShape;
  private readonly digest: ClientSummary;
  /** Where `publish` puts each digested series' created time during one `get()` (collections are synchronous). */
  private createdByKey: Map<string, number> | undefined;

  constructor(options: FamilyOptions) {
    super(options);
    const shape = options.shape.summary ?? { percentiles: [] };
    this.shape = shape;
    this.digest = createDigest({ help: options.shape.help, labelNames: options.shape.labelNames, ...shape });
    // A prom-client summary without labels starts with a series of its own; ours publishes the
    // zeros until the first observation, so drop it, or every line would appear twice.
    if (options.shape.labelNames.length === 0) this.digest.remove({});
  }

  /** Summaries render as prom-client's own summaries do: from `get()`. */
  override getForPromString(): PublishedMetric {
    return this.get();
  }

  override get(): PublishedMetric {
    // Each series' created time by its labels, for the digest's series, which come back as labels only.
    const created = new Map<string, number>();
    this.createdByKey = created;
    let own: PublishedMetric;
    try {
      own = this.publishAll(); // flushes pending observations; publishes never-observed series
    } finally {
      this.createdByKey = undefined;
    }
    const { percentiles } = this.shape;
    for (const series of readDigest(this.digest, percentiles)) {
      // quantile first, as the client's Summary publishes it
      percentiles.forEach((quantile, index) => own.values.push({ labels: { quantile, ...series.labels }, value: series.quantiles[index] }));
      own.values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      const createdMs = created.get(this.keyOf(series.labels as LabelValues));
      own.values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count`, ...(createdMs !== undefined && { createdMs }) });
    }
    return own;
  }

  /**
   * Each series' digest (its current window's centroids), what a cluster worker sends so the
   * primary can merge the workers' observations instead of adding their quantiles. Read right
   * after a collection, which has flushed every series' parked observations into the digest.
   */
  [SUMMARY_DIGESTS](): SummaryDigests {
    return {
      percentiles: this.shape.percentiles,
      series: readDigest(this.digest, this.shape.percentiles).map((series) => ({ labels: series.labels, centroids: series.centroids() })),
    };
  }

  protected createSeries(labels: LabelValues): SummarySeries {
    return new SummarySeries(labels, this);
  }

  protected publish(series: SummarySeries, into: PublishedValue[]): void {
    this.flush(series);
    if (series.digested) {
      this.createdByKey?.set(this.keyOf(series.labels), series.created.ms);
      return;
    }
    // quantile first, as the digest publishes it, so a series keeps its label order after its first observation;
    // NaN, as OpenMetrics says for a quantile over no observation
    for (const quantile of this.shape.percentiles) into.push({ labels: { quantile, ...series.labels }, value: NaN });
    into.push({ labels: series.labels, value: 0, metricName: `${this.name}_sum` });
    into.push({ labels: series.labels, value: 0, metricName: `${this.name}_count`, createdMs: series.created.ms });
  }

  /** An idle series dropped (seriesTtlSeconds): its digest goes with it. */
  protected override dropped(series: SummarySeries): void {
    this.zero(series);
  }

  protected zero(series: SummarySeries): void {
    series.pendingCount = 0;
    series.created = createdNow();
    if (series.digested) this.digest.remove(series.labels);
    series.digested = false;
  }

  /** Hands a series' parked observations to the digest. */
  flush(series: SummarySeries): void {
    if (series.pendingCount === 0) return;
    series.digested = true;
    const child = this.digest.labels(series.labels);
    for (let i = 0; i < series.pendingCount; i++) child.observe(series.pending[i]);
    series.pendingCount = 0;
  }
}
