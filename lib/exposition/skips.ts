import { warnOnce } from '../log.js';
import type { CollectedSample } from './collect.js';

/**
 * Why the renderer left something out, the `reason` label of
 * `prom_decorators_exposition_skipped_total`: a family whose names clash with one written
 * before it, a sample whose value is not a number, an exemplar a consumer would refuse.
 */
export type SkipReason = 'name_clash' | 'invalid_sample' | 'invalid_exemplar';

/** Told of every family, sample or exemplar left out (logged once per metric besides). */
export type OnSkipped = (reason: SkipReason) => void;

/** OpenMetrics' limit on an exemplar's label names and values together, in code points. */
const EXEMPLAR_LABELS_LIMIT = 128;

/** An exemplar every format can write: its label set, a finite value, a timestamp in Unix seconds if any. */
export interface ValidExemplar {
  labelSet: Record<string, string | number>;
  value: number;
  timestamp?: number;
}

/**
 * The exemplar when a consumer would take it; undefined for one never set, and for one that
 * is skipped (logged once per metric, reported to `onSkipped`): a value that is not a finite
 * number (a client `inc()` that threw while setting it leaves `null` behind), a timestamp that
 * is not one, labels over OpenMetrics' 128 characters.
 */
export function validExemplar(exemplar: NonNullable<CollectedSample['exemplar']>, metricName: string, onSkipped: OnSkipped | undefined): ValidExemplar | undefined {
  const { labelSet, value, timestamp } = exemplar;
  if (labelSet === undefined && value === undefined) return undefined;
  let problem: string | undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) problem = `an exemplar whose value is not a finite number (${describe(value)})`;
  else if (timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isFinite(timestamp))) {
    problem = `an exemplar whose timestamp is not a finite number (${describe(timestamp)})`;
  } else if (typeof labelSet !== 'object' || labelSet === null) problem = `an exemplar without a label set (${describe(labelSet)})`;
  else if (exemplarLabelsLength(labelSet) > EXEMPLAR_LABELS_LIMIT) {
    problem = `an exemplar whose labels are longer than OpenMetrics' ${EXEMPLAR_LABELS_LIMIT} characters`;
  }
  if (problem !== undefined) {
    skipped(onSkipped, 'invalid_exemplar', metricName, `${problem} is left out of the exposition; its sample is kept`);
    return undefined;
  }
  return { labelSet: labelSet!, value: value as number, timestamp };
}

/** Label names and values together, in code points, as OpenMetrics counts them. */
function exemplarLabelsLength(labels: Record<string, string | number>): number {
  let length = 0;
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    length += codePoints(name) + codePoints(String(value));
  }
  return length;
}

function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    // A low surrogate completes a pair counted at its high half.
    if (unit < 0xdc00 || unit > 0xdfff) count++;
  }
  return count;
}

export function skipped(onSkipped: OnSkipped | undefined, reason: SkipReason, metricName: string, what: string): void {
  warnOnce(`exposition-${reason}:${metricName}`, `metric "${metricName}": ${what} (logged once per metric; counted in prom_decorators_exposition_skipped_total)`);
  onSkipped?.(reason);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (value === null || value === undefined || typeof value === 'number') return String(value);
  return typeof value;
}
