import { performance } from 'node:perf_hooks';
import { warnOnce } from '../log.js';
import type { CallRecord, Probe } from './probe.js';

/**
 * The `begin` of a probe with nothing to do when a call starts. `Instrumentation` skips such
 * probes at call start: each probe call there is a call V8 cannot inline (the shared wrapper
 * sees every kind of probe), so skipping it saves ~10 ns per probe and call.
 */
export function nothingToBegin(): undefined {
  return undefined;
}

/**
 * The probes of one instrumented method. Stacked decorators add their probe here instead
 * of wrapping again, so a method has one wrapper however many of our decorators it carries.
 */
export class Instrumentation {
  probes: Probe[] = [];
  /** Indexes in `probes` of those whose `begin` does something (is not `nothingToBegin`). */
  private starters: number[] = [];
  /**
   * Each probe's `end`, taken once: calling `enders[i].call(probe)` skips looking `end` up on
   * probes of every class at one site (a megamorphic load) on each call.
   */
  private enders: Probe['end'][] = [];
  needsStartTime = false;
  needsEndTime = false;
  needsCall = false;
  /**
   * Standard (TC39) method decorators are not told their class: until a call (or a
   * class-level decorator) reveals it, this resolves the probes. Undefined once resolved.
   */
  pending: ((instance: unknown, knownClass?: unknown) => void) | undefined = undefined;
  /** The decorators queued in `pending`, so class-level decorators see them as present. */
  pendingDecorators: string[] = [];

  constructor(public place: string) {}

  add(probe: Probe): void {
    this.probes = [...this.probes, probe];
    if (probe.begin !== nothingToBegin) this.starters = [...this.starters, this.probes.length - 1];
    this.enders = [...this.enders, probe.end];
    this.needsStartTime ||= probe.needsStartTime;
    this.needsEndTime ||= probe.needsEndTime;
    this.needsCall ||= probe.needsCall;
  }

  /** Whether one of our decorators of this kind already instruments the method. */
  has(decorator: string): boolean {
    return this.pendingDecorators.includes(decorator) || this.probes.some((probe) => probe.decorator === decorator);
  }

  // begin/end/follow run on every call. With static labels they must never call
  // prom-client, hash labels, allocate (for a sync call) or read the clock more than once each.

  begin(startMs: number, call: CallRecord | undefined): void {
    const probes = this.probes;
    const starters = this.starters;
    for (let s = 0; s < starters.length; s++) {
      const i = starters[s];
      try {
        const token = probes[i].begin(startMs, call);
        if (call !== undefined) call.tokens[i] = token;
      } catch (failure) {
        this.recordingFailed(probes[i], failure);
      }
    }
  }

  end(startMs: number, failed: boolean, outcome: unknown, call: CallRecord | undefined): void {
    const endMs = this.needsEndTime ? performance.now() : 0;
    if (call !== undefined) {
      if (failed) call.error = outcome;
      else call.result = outcome;
    }
    const probes = this.probes;
    const enders = this.enders;
    for (let i = 0; i < probes.length; i++) {
      try {
        enders[i].call(probes[i], startMs, endMs, failed, outcome, call, call === undefined ? undefined : call.tokens[i]);
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
  follow<T>(promise: Promise<T>, startMs: number, call: CallRecord | undefined): Promise<T> {
    return promise.then(
      (value) => {
        this.end(startMs, false, value, call);
        return value;
      },
      (error: unknown) => {
        this.end(startMs, true, error, call);
        throw error;
      },
    );
  }

  private recordingFailed(probe: Probe, failure: unknown): void {
    warnOnce(`record:${this.place}:${probe.decorator}`, `recording @${probe.decorator} on ${this.place} failed; the call went on without it`, failure);
  }
}
