/**
 * What the wrap core may know of a metric: a series it adds to or sets, and a series it
 * observes into. The families implement these; the core never sees their layout.
 */

/** A label value as the user gives it: numbers are written as their decimal text. */
export type LabelValue = string | number;

/** A series' labels, name to value, as written. */
export type LabelValues = Record<string, string>;

/** A counter's or gauge's series: the core adds to or sets `value` directly. */
export interface NumberSeries {
  value: number;
}

/** A histogram's or summary's series. Hot path: `observe` is plain arithmetic, no allocation. */
export interface ObservedSeries {
  observe(value: number): void;
}
