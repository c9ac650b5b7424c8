/**
 * Where a series (or one histogram bucket) keeps its exemplar. The hot path compares the slot's
 * tick with the sampling clock's, two integers; only when they differ does it call `takeExemplar`,
 * which reads the active span and brings the slot up to the current tick whatever it found. So
 * a slot reads the span at most once per interval, and the first call of each interval decides:
 * one outside a sampled span leaves the slot's last exemplar in place until the next interval.
 */
import { activeTraceExemplar, traceApiAvailable, type TraceExemplarLabels } from './active-trace.js';
import { exemplarTicks, startExemplarClock } from './sampling-clock.js';

/** An exemplar as the exposition reads it from a sample (the Prometheus clients' shape): the timestamp in Unix seconds. */
export interface PublishedExemplar {
  readonly labelSet: TraceExemplarLabels;
  readonly value: number;
  readonly timestamp: number;
}

/** One series' (or bucket's) exemplar and the tick when it last looked for one. */
export interface ExemplarSlot {
  tick: number;
  exemplar: PublishedExemplar | undefined;
}

/**
 * The slot every series starts with, shared: its tick (0) is behind the clock (which starts at
 * 1), so the first write is due. Never written: `takeExemplar` gives a series its own slot.
 * (Not frozen: a frozen object has another hidden class, and the hot path would see two.)
 */
export const NO_EXEMPLAR: ExemplarSlot = { tick: 0, exemplar: undefined };

/** The sampling clock, for the hot paths' compare. */
export const ticks: { readonly now: number } = exemplarTicks;

/**
 * A write found its slot due: takes the active span's IDs, when a sampled span records, as the
 * exemplar of `value`, and returns the slot to keep (a new one the first time, then the same
 * one). The timestamp is the current tick's start (no clock is read): at most one interval
 * early. Never throws into the instrumented call.
 */
export function takeExemplar(slot: ExemplarSlot, value: number): ExemplarSlot {
  return keep(slot, exemplarTicks.enabled && traceApiAvailable() ? activeTrace() : undefined, value);
}

/** The exemplar of `value` with IDs read earlier (a request's, at its start), in `slot` or the slot returned. */
export function keepExemplar(slot: ExemplarSlot, labels: TraceExemplarLabels, value: number): ExemplarSlot {
  return keep(slot, labels, value);
}

/**
 * The active span's IDs when an exemplar may be taken now: exemplars on, @opentelemetry/api
 * installed, a sampled span recording. For a write whose series is not known yet (an HTTP
 * request at its start), called once per tick by its own compare.
 */
export function traceForExemplar(): TraceExemplarLabels | undefined {
  return exemplarTicks.enabled && traceApiAvailable() ? activeTrace() : undefined;
}

function activeTrace(): TraceExemplarLabels | undefined {
  startExemplarClock();
  return activeTraceExemplar();
}

function keep(slot: ExemplarSlot, labels: TraceExemplarLabels | undefined, value: number): ExemplarSlot {
  const own = slot === NO_EXEMPLAR ? { tick: 0, exemplar: undefined } : slot;
  if (labels !== undefined) own.exemplar = { labelSet: labels, value, timestamp: exemplarTicks.startedAtMs / 1000 };
  own.tick = exemplarTicks.now;
  return own;
}

/** A counter's write through a path that is not the wrappers' straight line: +1, and the exemplar when due. */
export function countWithExemplar(series: { value: number; exemplar: ExemplarSlot }): void {
  series.value++;
  if (series.exemplar.tick !== exemplarTicks.now) series.exemplar = takeExemplar(series.exemplar, 1);
}
