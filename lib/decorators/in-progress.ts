import { createMethodDecorator, type MethodInstrumentDecorator } from '../core/decorate.js';
import type { Probe } from '../core/probe.js';
import type { GaugeFamily, GaugeSeries } from '../metrics/gauge-family.js';
import { declareSiteMetric, type MetricOptions } from './metric-options.js';

export type InProgressOptions = MetricOptions;

class InProgressProbe implements Probe {
  readonly decorator = 'InProgress';
  readonly needsStartTime = false;
  readonly needsEndTime = false;
  constructor(private readonly series: GaugeSeries) {}
  begin(): void {
    this.series.value++;
  }
  end(): void {
    this.series.value--;
  }
}

/**
 * Counts calls currently running: +1 when a call starts, -1 exactly once when it completes
 * (returned, threw, or its promise settled).
 *
 * Writes `method_in_progress` (gauge; labels `class`, `method`). With `name`, writes that
 * gauge with only the static `labels` (Python's `track_inprogress`).
 *
 * @example
 * @InProgress({ name: 'app_request_inprogress' }) handle() { ... }
 */
export function InProgress(options?: InProgressOptions): MethodInstrumentDecorator {
  return createMethodDecorator('InProgress', (site) => {
    const { family, baseLabels, description } = declareSiteMetric<GaugeFamily>(site, options, {
      kind: 'gauge',
      name: 'method_in_progress',
      help: 'Calls of instrumented methods currently running, by class and method.',
      outcomeLabels: [],
      namedHelp: 'Calls in progress tracked by @InProgress.',
    });
    return { probe: new InProgressProbe(family.seriesFor(baseLabels)), metric: description };
  });
}
