import type { MethodCallRow, MethodCallsResult } from '../groups/method-calls.js';
import { median, rangeOf, type Range, type Spread } from './stats.js';

/** Number formats of the report, and the figures every call table derives from a group's rows. */

export function ns(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? (Math.abs(value) < 1 ? value.toFixed(3) : value.toFixed(2)) : 'n/a';
}

export function ratioRange(range: Range | undefined): string {
  if (range === undefined) return '';
  return `**${ratio(range.median)}** (${ratio(range.min)}–${ratio(range.max)})`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US');
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function spreadText(spread: Spread | undefined, format: (value: number) => string): string {
  if (spread === undefined) return '—';
  return `${format(spread.median)} (${format(spread.p25)}–${format(spread.p75)})`;
}

/** One row of a calls table, for one mode. */
export interface CallFigures {
  /** ns per call over all samples. */
  spread: Spread;
  /** ns per call over the bare method: median over rounds of (row - bare) in the same round. */
  overBare: number;
  /** For our rows and OpenTelemetry's: (row - bare) / (hand-written - bare) for the same signal, per round. */
  ratio?: Range;
}

function overBare(result: MethodCallsResult, row: MethodCallRow): number[] {
  const bare = result.rows.find((candidate) => candidate.id === 'bare')!;
  return row.roundMedians.map((value, round) => value - bare.roundMedians[round]);
}

/** (row - bare) / (baseline - bare) per round, between two rows of one group; undefined when either is missing. */
export function ratioBetween(result: MethodCallsResult | undefined, id: string, baselineId: string): Range | undefined {
  const row = result?.rows.find((candidate) => candidate.id === id);
  const baseline = result?.rows.find((candidate) => candidate.id === baselineId);
  if (result === undefined || row === undefined || baseline === undefined) return undefined;
  const base = overBare(result, baseline);
  return rangeOf(overBare(result, row).map((value, round) => value / base[round]));
}

export function callFigures(result: MethodCallsResult): Map<string, CallFigures> {
  const figures = new Map<string, CallFigures>();
  for (const row of result.rows) {
    const entry: CallFigures = { spread: row.pooled, overBare: median(overBare(result, row)) };
    if ((row.kind === 'ours' || row.kind === 'otel') && row.signal !== undefined) entry.ratio = ratioBetween(result, row.id, `hand:${row.signal}`);
    figures.set(row.id, entry);
  }
  return figures;
}
