import { performance } from 'node:perf_hooks';
import { takeExemplar, ticks } from '../exemplars/exemplar-slot.js';
import { warnOnce } from '../log.js';
import type { CountSeries, NumberSeries, ObservedSeries } from '../metrics/series.js';
import type { AnyFunction, CallRecord, ComputedCount, Probe, ProbeBuilder } from './probe.js';

/**
 * The `begin` of a probe with nothing to do when a call starts: such probes are skipped at
 * call start, saving a call V8 cannot inline.
 */
export function nothingToBegin(): undefined {
  return undefined;
}

/** Shared by every instrumentation until it gets an entry: an empty array costs ~65 bytes each. */
const NONE: readonly never[] = []; // never written: every change makes a new array

/** `list` plus `item`, as a new exact-size array (push and spread reserve room for 16 more: 128 B). */
function plus<T>(list: readonly T[], item: T): T[] {
  return list.concat([item]);
}

/** The series a call writes when it succeeds, and when it fails; whether the writes take exemplars. */
export interface ByOutcome<S> {
  readonly ok: S;
  readonly error: S;
  readonly exemplars: boolean;
}

/** A probe called at every end, and where its `begin` token is kept (its index among the starters, or -1). */
interface Ender {
  readonly probe: Probe;
  readonly tokenSlot: number;
}

/**
 * The probes of a method whose wrapper can run them as straight-line code (core/wrap.ts): at
 * most one plain signal of each kind, nothing called at start or at every end. Probes called
 * only on failure are allowed: a failure takes the general path, `Instrumentation.end`.
 */
export interface PlainPlan {
  readonly count: ByOutcome<CountSeries> | undefined;
  readonly timer: ByOutcome<ObservedSeries> | undefined;
  readonly inProgress: NumberSeries | undefined;
  readonly callStamp: NumberSeries | undefined;
  readonly successStamp: NumberSeries | undefined;
}

/**
 * Probes of a standard (TC39) method decorator waiting for their class, which such a
 * decorator is not told: `resolve` builds them once a call, an instance or a class-level
 * decorator reveals it (core/standard.ts).
 */
export interface PendingProbes {
  /** The decorators queued, so class-level decorators see them as already present. */
  readonly decorators: readonly string[];
  /** One more decorator stacked on the method before its class is known. */
  queue(decorator: string, builder: ProbeBuilder): void;
  resolve(instance: unknown, knownClass?: unknown): void;
}

/**
 * The probes of one instrumented method. Stacked decorators add their probe here instead
 * of wrapping again, so a method has one wrapper however many of our decorators it carries.
 *
 * Probes with static labels hand over their arithmetic as a `PlainSignal`, kept here in one
 * list per kind, so each loop below touches objects of one shape and calls nothing but the
 * series' own arithmetic. Other probes (computed labels, errorIf/okIf, exception types) are
 * called, each inside a try: they run the user's functions.
 */
export class Instrumentation {
  probes: readonly Probe[] = NONE;
  needsStartTime = false;
  needsEndTime = false;
  needsCall = false;
  /** Set while a standard method decorator waits for its class; undefined once resolved. */
  pending: PendingProbes | undefined = undefined;
  /**
   * Counts the changes to the probes. A wrapper specialised for the probes of one version defers
   * to the current wrapper once they changed (wrap.ts): a foreign decorator stacked between ours
   * keeps the wrapper it was given, which must then record the later decorators' probes too.
   */
  version = 0;
  /** The user's function, and the wrapper made for `wrapperVersion` (wrap.ts keeps them). */
  original: AnyFunction | undefined = undefined;
  wrapper: AnyFunction | undefined = undefined;
  wrapperVersion = -1;

  private counts: readonly ByOutcome<CountSeries>[] = NONE;
  private timers: readonly ByOutcome<ObservedSeries>[] = NONE;
  /** Read by the wrapper's throw path too, which must take a call back without calling anything. */
  inProgress: readonly NumberSeries[] = NONE;
  private callStamps: readonly NumberSeries[] = NONE;
  private successStamps: readonly NumberSeries[] = NONE;
  /** Called probes: those doing something at call start, at every end, and only on failure. */
  private starters: readonly Probe[] = NONE;
  private enders: readonly Ender[] = NONE;
  private failureEnders: readonly Probe[] = NONE;

  constructor(public place: string) {}

  add(probe: Probe): void {
    this.version++;
    this.probes = plus(this.probes, probe);
    this.needsStartTime ||= probe.needsStartTime;
    this.needsEndTime ||= probe.needsEndTime;
    this.needsCall ||= probe.needsCall;
    const plain = probe.plain;
    if (plain === undefined) {
      if (probe.onlyOnFailure === true) this.failureEnders = plus(this.failureEnders, probe);
      else {
        if (probe.begin !== nothingToBegin) this.starters = plus(this.starters, probe);
        this.enders = plus(this.enders, { probe, tokenSlot: this.starters.indexOf(probe) });
      }
      return;
    }
    switch (plain.kind) {
      case 'count':
        this.counts = plus(this.counts, plain);
        break;
      case 'time':
        this.timers = plus(this.timers, plain);
        break;
      case 'inProgress':
        this.inProgress = plus(this.inProgress, plain.series);
        break;
      case 'stampCall':
        this.callStamps = plus(this.callStamps, plain.series);
        break;
      case 'stampSuccess':
        this.successStamps = plus(this.successStamps, plain.series);
        break;
    }
  }

  /** The straight-line plan for these probes, or undefined when they need the general path. */
  plainPlan(): PlainPlan | undefined {
    if (this.pending !== undefined || this.needsCall || this.starters.length > 0 || this.enders.length > 0) return undefined;
    const { counts, timers, inProgress, callStamps, successStamps } = this;
    if (counts.length > 1 || timers.length > 1 || inProgress.length > 1 || callStamps.length > 1 || successStamps.length > 1) return undefined;
    return { count: counts[0], timer: timers[0], inProgress: inProgress[0], callStamp: callStamps[0], successStamp: successStamps[0] };
  }

  /** The computed-label counter the wrapper runs itself, when it is the method's only probe. */
  computedCount(): ComputedCount | undefined {
    return this.pending === undefined && this.probes.length === 1 ? this.probes[0].computedCount : undefined;
  }

  /** Whether one of our decorators of this kind already instruments the method. */
  has(decorator: string): boolean {
    return this.pending?.decorators.includes(decorator) === true || this.probes.some((probe) => probe.decorator === decorator);
  }

  // begin/end/follow run on every call. With static labels they must never call a probe or
  // the client, hash labels, allocate (for a sync call) or read the clock more than once each.
  // The plain loops need no try: they are the library's own arithmetic on its own series.

  begin(startMs: number, call: CallRecord | undefined): void {
    const callStamps = this.callStamps;
    for (let i = 0; i < callStamps.length; i++) callStamps[i].value = startMs;
    const starters = this.starters;
    for (let i = 0; i < starters.length; i++) {
      try {
        const token = starters[i].begin(startMs, call);
        if (call !== undefined) (call.tokens ??= [])[i] = token;
      } catch (failure) {
        this.recordingFailed(starters[i].decorator, failure);
      }
    }
    // Last: if anything above throws (a stack overflow), the call is not counted as running.
    const inProgress = this.inProgress;
    for (let i = 0; i < inProgress.length; i++) inProgress[i].value++;
  }

  end(startMs: number, failed: boolean, outcome: unknown, call: CallRecord | undefined): void {
    const endMs = this.needsEndTime ? performance.now() : 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const series = failed ? counts[i].error : counts[i].ok;
      series.value++;
      // An exemplar only when due: one compare of two integers otherwise (see exemplars/exemplar-slot.ts).
      if (counts[i].exemplars && series.exemplar.tick !== ticks.now) series.exemplar = takeExemplar(series.exemplar, 1);
    }
    const timers = this.timers;
    if (timers.length > 0) {
      try {
        const seconds = (endMs - startMs) / 1000;
        for (let i = 0; i < timers.length; i++) {
          const series = failed ? timers[i].error : timers[i].ok;
          if (timers[i].exemplars) series.observeSampled(seconds);
          else series.observe(seconds);
        }
      } catch (failure) {
        // A summary hands its parked observations to the client's digest, which is not ours.
        this.recordingFailed('Timed', failure);
      }
    }
    if (!failed) {
      const successStamps = this.successStamps;
      for (let i = 0; i < successStamps.length; i++) successStamps[i].value = endMs;
    }
    if (this.enders.length > 0 || (failed && this.failureEnders.length > 0)) this.endProbes(startMs, endMs, failed, outcome, call);
    // Last, so that when end throws (only a stack overflow can: every call above is in a try
    // or cannot fail) it has taken nothing back, and the wrapper's throw path does it (wrap.ts).
    const inProgress = this.inProgress;
    for (let i = 0; i < inProgress.length; i++) inProgress[i].value--;
  }

  /**
   * A call that will never end: its generator was garbage-collected before its iteration
   * finished. Only what `begin` holds is given back (in-progress); nothing is recorded: not
   * a success nor a failure, no duration. Off the per-call path (a FinalizationRegistry task).
   */
  abandon(call: CallRecord | undefined): void {
    const inProgress = this.inProgress;
    for (let i = 0; i < inProgress.length; i++) inProgress[i].value--;
    const enders = this.enders;
    for (let i = 0; i < enders.length; i++) {
      const { probe, tokenSlot } = enders[i];
      if (probe.abandon === undefined) continue;
      try {
        probe.abandon(call, call === undefined || tokenSlot === -1 ? undefined : call.tokens?.[tokenSlot]);
      } catch (failure) {
        this.recordingFailed(probe.decorator, failure);
      }
    }
  }

  /** The called probes' ends: off the all-static path, so its doubles are boxed only here. */
  private endProbes(startMs: number, endMs: number, failed: boolean, outcome: unknown, call: CallRecord | undefined): void {
    if (call !== undefined) {
      call.failed = failed;
      if (failed) call.error = outcome;
      else call.result = outcome;
    }
    const enders = this.enders;
    for (let i = 0; i < enders.length; i++) {
      const { probe, tokenSlot } = enders[i];
      try {
        probe.end(startMs, endMs, failed, outcome, call, call === undefined || tokenSlot === -1 ? undefined : call.tokens?.[tokenSlot]);
      } catch (failure) {
        this.recordingFailed(probe.decorator, failure);
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
   * `then` is the built-in one the wrapper checked the promise has: a `then` getter is not read twice.
   */
  follow<T>(promise: Promise<T>, startMs: number, call: CallRecord | undefined, then: Promise<T>['then']): Promise<T> {
    return then.call(
      promise,
      (value) => {
        this.end(startMs, false, value, call);
        return value;
      },
      (error: unknown) => {
        this.end(startMs, true, error, call);
        throw error;
      },
    ) as Promise<T>;
  }

  /** Logged once per method and decorator; the call goes on. */
  recordingFailed(decorator: string, failure: unknown): void {
    warnOnce(`record:${this.place}:${decorator}`, `recording @${decorator} on ${this.place} failed; the call went on without it`, failure);
  }
}
