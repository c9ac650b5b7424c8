import { MetricFamily, type FamilyKind, type LabelValues, type PublishedValue } from './family.js';

/** A counter series: probes add to `value`. */
export interface CounterSeries {
  readonly labels: LabelValues;
  value: number;
}

export class CounterFamily extends MetricFamily<CounterSeries> {
  readonly kind: FamilyKind = 'counter';
  readonly type = 'counter';

  protected createSeries(labels: LabelValues): CounterSeries {
    return { labels, value: 0 };
  }

  protected publish(series: CounterSeries, into: PublishedValue[], shared: boolean): void {
    into.push(this.sample(series, series.value, shared));
  }

  protected zero(series: CounterSeries): void {
    series.value = 0;
  }
}
