import { warnOnce } from '../log.js';
import type { Probe } from './probe.js';

/**
 * The probes of one instrumented method. Stacked decorators add their probe here instead
 * of wrapping again, so a method has one wrapper however many of our decorators it carries.
 */
export class Instrumentation {
  probes: Probe[] = [];
  needsStartTime = false;
  needsEndTime = false;

  constructor(readonly place: string) {}

  add(probe: Probe): void {
    this.probes = [...this.probes, probe];
    this.needsStartTime ||= probe.needsStartTime;
    this.needsEndTime ||= probe.needsEndTime;
  }

  // begin/end/follow run on every call. They must never call prom-client, hash labels,
  // allocate (for a sync call) or read the clock more than once each.

  begin(startMs: number): void {
    const probes = this.probes;
    for (let i = 0; i < probes.length; i++) {
      try {
        probes[i].begin(startMs);
      } catch (failure) {
        this.recordingFailed(probes[i], failure);
      }
    }
  }

  end(startMs: number, failed: boolean, outcome: unknown): void {
    const endMs = this.needsEndTime ? performance.now() : 0;
    const probes = this.probes;
    for (let i = 0; i < probes.length; i++) {
      try {
        probes[i].end(startMs, endMs, failed, outcome);
      } catch (failure) {
        this.recordingFailed(probes[i], failure);
      }
    }
  }

  /**
   * Follows a returned promise until it settles. The caller gets the promise `then` makes:
   * the same class (through Symbol.species), settling with the very same value or error.
   * The original promise is handled only by this chain, and the derived one rejects exactly
   * when the original did, so an unhandled rejection is reported exactly as without us.
   */
  follow<T>(promise: Promise<T>, startMs: number): Promise<T> {
    return promise.then(
      (value) => {
        this.end(startMs, false, value);
        return value;
      },
      (error: unknown) => {
        this.end(startMs, true, error);
        throw error;
      },
    );
  }

  private recordingFailed(probe: Probe, failure: unknown): void {
    warnOnce(`record:${this.place}:${probe.decorator}`, `recording @${probe.decorator} on ${this.place} failed; the call went on without it`, failure);
  }
}
