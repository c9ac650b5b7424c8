import { NO_EXEMPLAR } from '../exemplars/exemplar-slot.js';
import { createdNow, type CreatedStamp } from './created.js';
import type { SeriesVisitor } from './exposed-series.js';
import { MetricFamily, type PublishedValue } from './family.js';
import type { CountSeries, LabelValues } from './series.js';

/** A counter series: the core adds to `value` (and keeps its exemplar, see CountSeries). */
export interface CounterSeries extends CountSeries {
  readonly labels: LabelValues;
  /** When it started counting: made, or last reset. */
  created: CreatedStamp;
}

export class CounterFamily extends MetricFamily<CounterSeries> {
  readonly type = 'counter';

  protected createSeries(labels: LabelValues): CounterSeries {
    return { labels, value: 0, created: createdNow(), exemplar: NO_EXEMPLAR };
  }

  protected publish(series: CounterSeries, into: PublishedValue[], shared: boolean): void {
    const sample = this.sample(series, series.value, shared);
    sample.createdMs = series.created.ms;
    const exemplar = series.exemplar.exemplar;
    if (exemplar !== undefined) sample.exemplar = exemplar;
    into.push(sample);
  }

  protected expose(series: CounterSeries, visitor: SeriesVisitor): void {
    visitor.scalar(series.labels, series.value, series.created.ms, series.exemplar.exemplar);
  }

  /** Back to 0, created now; its exemplar (of counts now gone) with it. */
  protected zero(series: CounterSeries): void {
    series.value = 0;
    series.created = createdNow();
    series.exemplar = NO_EXEMPLAR;
  }
}
