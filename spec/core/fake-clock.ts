/**
 * Replaces `performance.now()` (the only clock @Timed reads) with one the test moves, so
 * durations, sums and bucket placement are exact instead of timing-dependent.
 */
export interface FakeClock {
  advance(seconds: number): void;
  restore(): void;
}

export function fakeClock(startMs = 1_000_000): FakeClock {
  let nowMs = startMs;
  const spy = jest.spyOn(performance, 'now').mockImplementation(() => nowMs);
  return {
    advance(seconds) {
      nowMs += seconds * 1000;
    },
    restore() {
      spy.mockRestore();
    },
  };
}
