/**
 * What the wrap core may know of a metric: a series it adds to or sets, and a series it
 * observes into. The families implement these; the core never sees their layout.
 */
import type { ExemplarSlot } from '../exemplars/exemplar-slot.js';

/** A label value as the user gives it: numbers are written as their decimal text. */
export type LabelValue = string | number;

/** A series' labels, name to value, as written. */
export type LabelValues = Record<string, string>;

/** A counter's or gauge's series: the core adds to or sets `value` directly. */
export interface NumberSeries {
  value: number;
}

/**
 * A counter's series, which can carry an exemplar: after adding to `value`, a writer that takes
 * exemplars compares `exemplar.tick` with the sampling clock's and, when they differ, stores
 * what `takeExemplar` returns in `exemplar` (exemplars/exemplar-slot.ts).
 */
export interface CountSeries extends NumberSeries {
  exemplar: ExemplarSlot;
}

/** A histogram's or summary's series. Hot path: `observe` is plain arithmetic, no allocation. */
export interface ObservedSeries {
  observe(value: number): void;
  /**
   * `observe`, and when the bucket the value falls in is due for an exemplar, the active trace's
   * (a summary takes none: the same as `observe`). When not due: one compare more, no allocation.
   */
  observeSampled(value: number): void;
}
