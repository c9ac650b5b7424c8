/**
 * What the method-call benchmark compares: one small method, bare, written by hand with
 * prom-client, and decorated, for each signal alone and all five together.
 */

/** The five signals, and all of them at once. */
export type Signal = 'count' | 'time' | 'inProgress' | 'exceptions' | 'lastCalled' | 'all' | 'computed';

/** The signals measured on default and on named metrics; `computed` (a label taken from the call) needs a named metric. */
export const SIGNALS: readonly Signal[] = ['count', 'time', 'inProgress', 'exceptions', 'lastCalled', 'all'];

/** The computed label's values: four regions, picked from the call's argument. */
export const REGIONS = ['north', 'south', 'east', 'west'] as const;

/** How the hand-written code records each signal (the anchors of the performance issue). */
export const HAND_WRITTEN_LABELS: Record<Signal, string> = {
  count: 'count a call (pre-bound child `inc()`)',
  time: 'time it (`startTimer()` / `end({ result })`)',
  inProgress: 'in-progress gauge (child `inc()` / `dec()`)',
  exceptions: 'count exceptions (`try`/`catch`, success path)',
  lastCalled: 'last called (child `setToCurrentTime()`)',
  all: 'all five signals',
  computed: 'count with a label from the argument (`inc({ region })`)',
};

export const DECORATOR_LABELS: Record<Signal, string> = {
  count: '@Counted',
  time: '@Timed',
  inProgress: '@InProgress',
  exceptions: '@CountExceptions',
  lastCalled: '@LastCalled',
  all: 'all five stacked',
  computed: '@Counted with a label computed from the argument',
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
