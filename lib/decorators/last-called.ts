import { createMethodDecorator, type MethodInstrumentDecorator } from '../core/decorate.js';
import type { Probe } from '../core/probe.js';
import { DecoratorMisuseError } from '../errors.js';
import type { GaugeSeries, TimestampFamily } from '../metrics/gauge-family.js';
import { declareSiteMetric, type MetricOptions } from './metric-options.js';

export interface LastCalledOptions extends MetricOptions {
  /**
   * `'call'` (default): set when a call starts. `'success'`: set when a call completes
   * without error, the batch job's "last success" metric.
   */
  on?: 'call' | 'success';
}

class LastCalledProbe implements Probe {
  readonly decorator = 'LastCalled';
  readonly needsStartTime: boolean;
  readonly needsEndTime: boolean;
  constructor(
    private readonly series: GaugeSeries,
    private readonly onSuccess: boolean,
  ) {
    this.needsStartTime = !onSuccess;
    this.needsEndTime = onSuccess;
  }
  begin(startMs: number): void {
    if (!this.onSuccess) this.series.value = startMs;
  }
  end(_startMs: number, endMs: number, failed: boolean): void {
    if (this.onSuccess && !failed) this.series.value = endMs;
  }
}

/**
 * Records the Unix time in seconds of the last call (Python's `set_to_current_time`).
 *
 * Writes `method_last_called_timestamp_seconds` (gauge; labels `class`, `method`), or with
 * `{ on: 'success' }` `method_last_success_timestamp_seconds`, set when a call completes
 * without error. With `name`, writes that gauge with only the static `labels`. A method
 * never called reads 0.
 *
 * @example
 * @LastCalled({ on: 'success', name: 'backup_last_success_timestamp_seconds' }) runBackup() { ... }
 */
export function LastCalled(options?: LastCalledOptions): MethodInstrumentDecorator {
  return createMethodDecorator('LastCalled', (site) => {
    const on = options?.on ?? 'call';
    if (on !== 'call' && on !== 'success') {
      throw new DecoratorMisuseError('LastCalled', site.place, `on: ${JSON.stringify(on)} is not known`, `Pass on: 'call' or on: 'success'`);
    }
    const onSuccess = on === 'success';
    const { family, baseLabels, description } = declareSiteMetric<TimestampFamily>(site, options, {
      kind: 'timestamp',
      name: onSuccess ? 'method_last_success_timestamp_seconds' : 'method_last_called_timestamp_seconds',
      help: onSuccess
        ? 'Unix time in seconds when an instrumented method last completed without error, by class and method.'
        : 'Unix time in seconds when an instrumented method was last called, by class and method.',
      outcomeLabels: [],
      namedHelp: onSuccess ? 'Unix time in seconds of the last successful call, set by @LastCalled.' : 'Unix time in seconds of the last call, set by @LastCalled.',
    });
    return { probe: new LastCalledProbe(family.seriesFor(baseLabels), onSuccess), metric: description };
  });
}
