import type { BodyWriter } from './body-writer.js';
import type { SeriesSnapshot } from './series-snapshot.js';
import type { OnSkipped } from './skips.js';
import { canonicalLabelValue, escapeLabelValue, formatExemplar, formatValue, seriesLabelPairs } from './text-format.js';

/**
 * The text and OpenMetrics lines of a family read as a series snapshot: the same bytes the
 * general path writes from sample objects (the golden spec pins it), from a few flat arrays.
 * Each series' label text is cached by its label object (text-format.ts), so a line costs
 * a few string joins. Hot path over every series of a scrape: no object, closure or regular
 * expression per line.
 */

/** The registry's default labels, prepared once per render for every series that needs them. */
export interface PreparedDefaults {
  /** Each default label with a value, and its `name="value"` text. */
  readonly entries: readonly { readonly name: string; readonly pair: string }[];
  /** Every entry's pair, comma-joined: a series none of whose labels they name gets this. */
  readonly all: string;
}

export function prepareDefaults(defaultLabels: Readonly<Record<string, string | number | undefined>>): PreparedDefaults {
  const entries: { name: string; pair: string }[] = [];
  for (const name in defaultLabels) {
    const value = defaultLabels[name];
    if (value !== undefined) entries.push({ name, pair: `${name}="${escapeLabelValue(String(value))}"` });
  }
  return { entries, all: entries.map((entry) => entry.pair).join(',') };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Lines are joined into a string of about this many characters before it is written to the body: few writes, short-lived strings. */
const CHUNK = 16 * 1024;

/**
 * A series' labels as the general path writes a sample whose labels are all shared: the
 * default labels it does not set itself first, then its own.
 */
function pairsOf(labels: Readonly<Record<string, string>>, defaults: PreparedDefaults): string {
  const own = seriesLabelPairs(labels);
  const entries = defaults.entries;
  if (entries.length === 0) return own;
  let written = defaults.all;
  for (let index = 0; index < entries.length; index++) {
    if (!hasOwn.call(labels, entries[index].name)) continue;
    // The series sets a default label itself: only the others are added.
    written = '';
    for (const entry of entries) if (!hasOwn.call(labels, entry.name)) written += `${written === '' ? '' : ','}${entry.pair}`;
    break;
  }
  return written === '' ? own : own === '' ? written : `${written},${own}`;
}

/**
 * Whether the line writers below write this histogram family exactly as the general path
 * would: not when a series (or a default label) is named like the bucket label, whose
 * precedence and canonical form the general path decides.
 */
export function snapshotWritesDirectly(snapshot: SeriesSnapshot, type: string, defaults: PreparedDefaults): boolean {
  if (type !== 'histogram') return true;
  if (defaults.entries.some((entry) => entry.name === 'le')) return false;
  const labels = snapshot.labels;
  for (let index = 0; index < labels.length; index++) if (hasOwn.call(labels[index], 'le')) return false;
  return true;
}

/**
 * A created timestamp in seconds, as written. Series made together share their creation
 * millisecond (most are made when their classes are defined), so the last one's text is kept:
 * a fractional number is the costliest thing on a line to turn into text.
 */
class CreatedSeconds {
  private lastMs = NaN;
  private lastText = '';

  of(createdMs: number): string {
    if (createdMs !== this.lastMs) {
      this.lastMs = createdMs;
      this.lastText = formatValue(createdMs / 1000);
    }
    return this.lastText;
  }
}

/** What the line writers need besides the snapshot. */
export interface SnapshotLines {
  /** The registered name (a histogram's sample names start with it; skips are logged under it). */
  name: string;
  openMetrics: boolean;
  /** OpenMetrics' `_created` sample name, for a family that has one (see hasCreated). */
  createdName: string | undefined;
  defaults: PreparedDefaults;
  onSkipped: OnSkipped | undefined;
}

/** A counter's or gauge's samples: one line a series; in OpenMetrics a counter's exemplar and `_created`. */
export function scalarLines(sampleName: string, snapshot: SeriesSnapshot, lines: SnapshotLines, body: BodyWriter): void {
  const { labels, numbers, createdMs } = snapshot;
  const { defaults, createdName } = lines;
  // OpenMetrics allows exemplars on counters (and histogram buckets) only.
  const exemplars = lines.openMetrics && sampleName.endsWith('_total') ? snapshot.exemplars : undefined;
  const createdSeconds = new CreatedSeconds();
  let text = '';
  for (let index = 0; index < labels.length; index++) {
    const pairs = pairsOf(labels[index], defaults);
    const braced = pairs === '' ? ' ' : `{${pairs}} `;
    text += `${sampleName}${braced}${formatValue(numbers[index])}`;
    const exemplar = exemplars?.[index];
    if (exemplar !== undefined) text += formatExemplar(exemplar, lines.name, lines.onSkipped);
    text += '\n';
    if (createdName !== undefined && createdMs !== undefined) {
      const created = createdMs[index];
      if (Number.isFinite(created)) text += `${createdName}${braced}${createdSeconds.of(created)}\n`;
    }
    if (text.length >= CHUNK) {
      body.write(text);
      text = '';
    }
  }
  body.write(text);
}

/**
 * A histogram's samples: each series' buckets (`le` first, as the client writes them; in
 * canonical form in OpenMetrics, with their exemplars), `+Inf`, `_sum`, `_count`, and in
 * OpenMetrics `_created` when the series has a created timestamp.
 */
export function histogramLines(snapshot: SeriesSnapshot, lines: SnapshotLines, body: BodyWriter): void {
  const { labels, numbers, upperBounds, createdMs } = snapshot;
  const { name, openMetrics, defaults, createdName } = lines;
  const exemplars = openMetrics ? snapshot.exemplars : undefined;
  const stride = upperBounds.length + 2;
  const buckets = upperBounds.length + 1;
  const bounds = upperBounds.map((bound) => `${name}_bucket{le="${openMetrics ? canonicalLabelValue(bound) : escapeLabelValue(String(bound))}"`);
  bounds.push(`${name}_bucket{le="+Inf"`);
  const sumName = `${name}_sum`;
  const countName = `${name}_count`;
  const createdSeconds = new CreatedSeconds();
  let text = '';
  for (let index = 0; index < labels.length; index++) {
    const pairs = pairsOf(labels[index], defaults);
    const afterBound = pairs === '' ? '} ' : `,${pairs}} `;
    const braced = pairs === '' ? ' ' : `{${pairs}} `;
    const base = index * stride;
    const count = formatValue(numbers[base + stride - 1]);
    for (let slot = 0; slot < buckets; slot++) {
      text += `${bounds[slot]}${afterBound}${slot < buckets - 1 ? formatValue(numbers[base + slot]) : count}`;
      const exemplar = exemplars?.[index * buckets + slot];
      if (exemplar !== undefined) text += formatExemplar(exemplar, name, lines.onSkipped);
      text += '\n';
    }
    text += `${sumName}${braced}${formatValue(numbers[base + stride - 2])}\n${countName}${braced}${count}\n`;
    if (createdName !== undefined && createdMs !== undefined) {
      const created = createdMs[index];
      if (Number.isFinite(created)) text += `${createdName}${braced}${createdSeconds.of(created)}\n`;
    }
    if (text.length >= CHUNK) {
      body.write(text);
      text = '';
    }
  }
  body.write(text);
}
