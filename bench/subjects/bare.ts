import type { AsyncTarget, SyncTarget } from './signals.js';

// The method every variant shares: a little arithmetic on the instance. `| 0` keeps the
// numbers small integers, so neither the method nor the loop allocates a heap number.

export function bareSync(): SyncTarget {
  class Service {
    total = 0;
    work(n: number): number {
      this.total = (this.total + n) | 0;
      return this.total;
    }
  }
  return new Service();
}

/** Genuinely async: one `await` inside, so the caller's await waits for a real continuation. */
export function bareAsync(): AsyncTarget {
  class Service {
    total = 0;
    async work(n: number): Promise<number> {
      await null;
      this.total = (this.total + n) | 0;
      return this.total;
    }
  }
  return new Service();
}
