/** Order statistics for benchmark samples: medians and quartiles are robust to the noise of a shared machine. */

/** The q-quantile (0..1) of already sorted values, interpolating between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Median and interquartile range of a set of samples. */
export interface Spread {
  median: number;
  p25: number;
  p75: number;
  samples: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75), samples: sorted.length };
}

export function median(values: readonly number[]): number {
  return spreadOf(values).median;
}

/** Median plus the smallest and largest value, for ratios taken once per round. */
export interface Range {
  median: number;
  min: number;
  max: number;
}

export function rangeOf(values: readonly number[]): Range {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite) };
}
