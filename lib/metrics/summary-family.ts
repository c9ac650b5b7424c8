import { DIGEST_NAME, createDigest } from '../client/bridge.js';
import type { ClientSummary } from '../client/registry.js';
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
  /** Whether the digest holds this series yet; until then it is published as zeros. */
  digested = false;

  constructor(
    readonly labels: LabelValues,
    private readonly family: SummaryFamily,
  ) {}

  /** Adds one observation: a store into the buffer; the digest is fed in batches. */
  observe(value: number): void {
    this.pending[this.pendingCount++] = value;
    if (this.pendingCount === PENDING_CAPACITY) this.family.flush(this);
  }
}

const PENDING_CAPACITY = 256;

export class SummaryFamily extends MetricFamily<SummarySeries> {
  readonly type = 'summary';
  readonly shape: SummaryShape;
  private readonly digest: ClientSummary;

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
  override getForPromString(): Promise<PublishedMetric> {
    return this.get();
  }

  override async get(): Promise<PublishedMetric> {
    const own = this.publishAll(); // flushes pending observations; publishes never-observed series as zeros
    const digested = await this.digest.get();
    for (const sample of digested.values) {
      const metricName = (sample as { metricName?: string }).metricName;
      own.values.push({
        labels: sample.labels as PublishedValue['labels'],
        value: sample.value,
        metricName: metricName === undefined ? undefined : this.name + metricName.slice(DIGEST_NAME.length),
      });
    }
    return own;
  }

  protected createSeries(labels: LabelValues): SummarySeries {
    return new SummarySeries(labels, this);
  }

  protected publish(series: SummarySeries, into: PublishedValue[]): void {
    this.flush(series);
    if (series.digested) return;
    // quantile first, as prom-client's digest publishes it, so a series keeps its label order after its first observation
    for (const quantile of this.shape.percentiles) into.push({ labels: { quantile, ...series.labels }, value: 0 });
    into.push({ labels: series.labels, value: 0, metricName: `${this.name}_sum` });
    into.push({ labels: series.labels, value: 0, metricName: `${this.name}_count` });
  }

  protected zero(series: SummarySeries): void {
    series.pendingCount = 0;
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
