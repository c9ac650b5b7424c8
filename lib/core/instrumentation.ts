import { performance } from 'node:perf_hooks';
import { warnOnce } from '../log.js';
import { observe } from '../metrics/histogram-family.js';
import type { CallRecord, HistogramCell, NumberCell, Probe } from './probe.js';

/**
 * The `begin` of a probe with nothing to do when a call starts: such probes are skipped at
 * call start, saving a call V8 cannot inline.
 */
export function nothingToBegin(): undefined {
  return undefined;
}

/** Shared by every instrumentation until it gets an entry: an empty array costs ~65 bytes each. */
const NONE: readonly never[] = []; // never written: every change makes a new array

/** `list` plus `item`, as a new exact-size array (push would reserve room for 16 more). */
function plus<T>(list: readonly T[], item: T): T[] {
  return [...list, item];
}

/**
 * The probes of one instrumented method. Stacked decorators add their probe here instead
 * of wrapping again, so a method has one wrapper however many of our decorators it carries.
 *
 * Probes with static labels hand over their arithmetic as a `PlainSignal`, kept here in one
 * array per kind, so each loop below touches objects of one shape and calls nothing. Other
 * probes (computed labels, errorIf/okIf, summaries, exception types) are called.
 */
export class Instrumentation {
  probes: readonly Probe[] = NONE;
  needsStartTime = false;
  needsEndTime = false;
  needsCall = false;
  /**
   * Standard (TC39) method decorators are not told their class: until a call (or a
   * class-level decorator) reveals it, this resolves the probes. Undefined once resolved.
   */
  pending: ((instance: unknown, knownClass?: unknown) => void) | undefined = undefined;
  /** The decorators queued in `pending`, so class-level decorators see them as present. */
  pendingDecorators: readonly string[] = NONE;

  private countOk: readonly NumberCell[] = NONE;
  private countError: readonly NumberCell[] = NONE;
  private timeOk: readonly HistogramCell[] = NONE;
  private timeError: readonly HistogramCell[] = NONE;
  private timeBounds: readonly (readonly number[])[] = NONE;
  private inProgress: readonly NumberCell[] = NONE;
  private callStamps: readonly NumberCell[] = NONE;
  private successStamps: readonly NumberCell[] = NONE;
  /** Called probes: those doing something at call start, at every end, and only on failure. */
  private starters: readonly Probe[] = NONE;
  private enders: readonly Probe[] = NONE;
  /** For each of `enders`, its index in `starters` (where its token is kept), or -1. */
  private enderTokenSlots: readonly number[] = NONE;
  private failureEnders: readonly Probe[] = NONE;

  constructor(public place: string) {}

  add(probe: Probe): void {
    this.probes = plus(this.probes, probe);
    this.needsStartTime ||= probe.needsStartTime;
    this.needsEndTime ||= probe.needsEndTime;
    this.needsCall ||= probe.needsCall;
    const plain = probe.plain;
    if (plain === undefined) {
      if (probe.onlyOnFailure === true) this.failureEnders = plus(this.failureEnders, probe);
      else {
        if (probe.begin !== nothingToBegin) this.starters = plus(this.starters, probe);
        this.enders = plus(this.enders, probe);
        this.enderTokenSlots = plus(this.enderTokenSlots, this.starters.indexOf(probe));
      }
      return;
    }
    switch (plain.kind) {
      case 'count':
        this.countOk = plus(this.countOk, plain.ok);
        this.countError = plus(this.countError, plain.error);
        break;
      case 'time':
        this.timeOk = plus(this.timeOk, plain.ok);
        this.timeError = plus(this.timeError, plain.error);
        this.timeBounds = plus(this.timeBounds, plain.bounds);
        break;
      case 'inProgress':
        this.inProgress = plus(this.inProgress, plain.cell);
        break;
      case 'stampCall':
        this.callStamps = plus(this.callStamps, plain.cell);
        break;
      case 'stampSuccess':
        this.successStamps = plus(this.successStamps, plain.cell);
        break;
    }
  }

  /** Whether one of our decorators of this kind already instruments the method. */
  has(decorator: string): boolean {
    return this.pendingDecorators.includes(decorator) || this.probes.some((probe) => probe.decorator === decorator);
  }

  // begin/end/follow run on every call. With static labels they must never call a probe or
  // prom-client, hash labels, allocate (for a sync call) or read the clock more than once each.

  begin(startMs: number, call: CallRecord | undefined): void {
    const inProgress = this.inProgress;
    if (inProgress.length > 0) {
      try {
        for (let i = 0; i < inProgress.length; i++) inProgress[i].value++;
      } catch (failure) {
        this.recordingFailed('InProgress', failure);
      }
    }
    const callStamps = this.callStamps;
    if (callStamps.length > 0) {
      try {
        for (let i = 0; i < callStamps.length; i++) callStamps[i].value = startMs;
      } catch (failure) {
        this.recordingFailed('LastCalled', failure);
      }
    }
    const starters = this.starters;
    for (let i = 0; i < starters.length; i++) {
      try {
        const token = starters[i].begin(startMs, call);
        if (call !== undefined) call.tokens[i] = token;
      } catch (failure) {
        this.recordingFailed(starters[i].decorator, failure);
      }
    }
  }

  end(startMs: number, failed: boolean, outcome: unknown, call: CallRecord | undefined): void {
    const endMs = this.needsEndTime ? performance.now() : 0;
    const counts = failed ? this.countError : this.countOk;
    if (counts.length > 0) {
      try {
        for (let i = 0; i < counts.length; i++) counts[i].value++;
      } catch (failure) {
        this.recordingFailed('Counted', failure);
      }
    }
    const times = failed ? this.timeError : this.timeOk;
    if (times.length > 0) {
      try {
        const seconds = (endMs - startMs) / 1000;
        for (let i = 0; i < times.length; i++) observe(times[i], this.timeBounds[i], seconds);
      } catch (failure) {
        this.recordingFailed('Timed', failure);
      }
    }
    const inProgress = this.inProgress;
    if (inProgress.length > 0) {
      try {
        for (let i = 0; i < inProgress.length; i++) inProgress[i].value--;
      } catch (failure) {
        this.recordingFailed('InProgress', failure);
      }
    }
    const successStamps = this.successStamps;
    if (!failed && successStamps.length > 0) {
      try {
        for (let i = 0; i < successStamps.length; i++) successStamps[i].value = endMs;
      } catch (failure) {
        this.recordingFailed('LastCalled', failure);
      }
    }
    if (this.enders.length > 0 || (failed && this.failureEnders.length > 0)) this.endProbes(startMs, endMs, failed, outcome, call);
  }

  /** The called probes' ends: off the all-static path, so its doubles are boxed only here. */
  private endProbes(startMs: number, endMs: number, failed: boolean, outcome: unknown, call: CallRecord | undefined): void {
    if (call !== undefined) {
      if (failed) call.error = outcome;
      else call.result = outcome;
    }
    const enders = this.enders;
    for (let i = 0; i < enders.length; i++) {
      try {
        const slot = this.enderTokenSlots[i];
        enders[i].end(startMs, endMs, failed, outcome, call, call === undefined || slot === -1 ? undefined : call.tokens[slot]);
      } catch (failure) {
        this.recordingFailed(enders[i].decorator, failure);
      }
    }
    if (!failed) return;
    const failureEnders = this.failureEnders;
    for (let i = 0; i < failureEnders.length; i++) {
      try {
        failureEnders[i].end(startMs, endMs, failed, outcome, call, undefined);
      } catch (failure) {
        this.recordingFailed(failureEnders[i].decorator, failure);
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

  private recordingFailed(decorator: string, failure: unknown): void {
    warnOnce(`record:${this.place}:${decorator}`, `recording @${decorator} on ${this.place} failed; the call went on without it`, failure);
  }
}
