/**
 * Finds the series of a label combination computed at run time, for the decorators'
 * computed labels and the HTTP recorder alike: one nested map per label, looked up with
 * the values themselves, so a known combination costs a few map reads and no key string,
 * merged object or allocation. The family stays the owner of its series (and its cap); this
 * index only remembers what the family already handed out, never its overflow series.
 */
export class SeriesIndex<T> {
  /** Made by the first `set`: an index that never gets an entry (most error-type indexes) holds no map. */
  private root: Map<string, unknown> | undefined = undefined;

  constructor(
    /** How many values every lookup has (at least one). */
    readonly depth: number,
  ) {}

  /** The entry for these values (the first `depth` of them), or undefined. */
  get(values: readonly string[]): T | undefined {
    let node: Map<string, unknown> | undefined = this.root;
    if (node === undefined) return undefined;
    const last = this.depth - 1;
    for (let i = 0; i < last; i++) {
      node = node.get(values[i]) as Map<string, unknown> | undefined;
      if (node === undefined) return undefined;
    }
    return node.get(values[last]) as T | undefined;
  }

  /** The entry for this value, in an index of depth 1: one map read. */
  getOne(value: string): T | undefined {
    return this.root?.get(value) as T | undefined;
  }

  /** Remembers `entry` for these values; the values are read, never kept as an array. */
  set(values: readonly string[], entry: T): void {
    let node = (this.root ??= new Map());
    const last = this.depth - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]) as Map<string, unknown> | undefined;
      if (next === undefined) node.set(values[i], (next = new Map()));
      node = next;
    }
    node.set(values[last], entry);
  }

  /** Forgets the entry for these values if it is still `entry` (an idle series dropped), pruning emptied levels; whether it did. */
  delete(values: readonly string[], entry: T): boolean {
    if (this.root === undefined) return false;
    const path: Map<string, unknown>[] = [this.root];
    const last = this.depth - 1;
    for (let i = 0; i < last; i++) {
      const next = path[i].get(values[i]) as Map<string, unknown> | undefined;
      if (next === undefined) return false;
      path.push(next);
    }
    if (path[last].get(values[last]) !== entry) return false;
    path[last].delete(values[last]);
    for (let i = last; i > 0 && path[i].size === 0; i--) path[i - 1].delete(values[i - 1]);
    return true;
  }
}
