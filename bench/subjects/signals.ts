/**
 * What the method-call benchmark compares: one small method, bare, written by hand with
 * prom-client, and decorated, for each signal alone and all five together.
 */

/** The five signals, and all of them at once. */
export type Signal = 'count' | 'time' | 'inProgress' | 'exceptions' | 'lastCalled' | 'all';

export const SIGNALS: readonly Signal[] = ['count', 'time', 'inProgress', 'exceptions', 'lastCalled', 'all'];

/** How the hand-written code records each signal (the anchors of the performance issue). */
export const HAND_WRITTEN_LABELS: Record<Signal, string> = {
  count: 'count a call (pre-bound child `inc()`)',
  time: 'time it (`startTimer()` / `end({ result })`)',
  inProgress: 'in-progress gauge (child `inc()` / `dec()`)',
  exceptions: 'count exceptions (`try`/`catch`, success path)',
  lastCalled: 'last called (child `setToCurrentTime()`)',
  all: 'all five signals',
};

export const DECORATOR_LABELS: Record<Signal, string> = {
  count: '@Counted',
  time: '@Timed',
  inProgress: '@InProgress',
  exceptions: '@CountExceptions',
  lastCalled: '@LastCalled',
  all: 'all five stacked',
};

/** The method under test: sync returns a number, async returns a promise of one. */
export interface SyncTarget {
  work(n: number): number;
}
export interface AsyncTarget {
  work(n: number): Promise<number>;
}

/** The label set of the method, as the default metrics carry it. */
export const CLASS_NAME = 'Service';
export const METHOD_NAME = 'work';
