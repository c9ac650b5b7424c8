import { MetricFamily, type PublishedValue } from './family.js';
import type { LabelValues, NumberSeries } from './series.js';

/** A counter series: the core adds to `value`. */
export interface CounterSeries extends NumberSeries {
  readonly labels: LabelValues;
}

export class CounterFamily extends MetricFamily<CounterSeries> {
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
