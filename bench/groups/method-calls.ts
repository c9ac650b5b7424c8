import { Registry } from '../../spec/support/prometheus-client.js';
import { Bench } from 'tinybench';
import { bareAsync, bareSync } from '../subjects/bare.js';
import { decoratedAsync, decoratedNativeAsync, decoratedNativeSync, decoratedSync, type Variant } from '../subjects/decorated.js';
import { handWrittenAsync, handWrittenSync } from '../subjects/hand-written.js';
import { openTelemetryAsync, openTelemetrySync } from '../subjects/opentelemetry.js';
import { SIGNALS, type AsyncTarget, type Signal, type SyncTarget } from '../subjects/signals.js';
import { runAsGroup, groupOptions, collectGarbage } from '../support/group-main.js';
import { spreadOf, median, type Spread } from '../support/stats.js';

/**
 * ns per call of the bare method, the hand-written variants (on the client the lane runs:
 * @prometheus-io/client or prom-client), our decorated variants and, when asked, the
 * OpenTelemetry SDK's, sync or async (one process each). Every variant runs in the same
 * process, in rounds: ratios are taken per round, so a burst of load from another process
 * on this shared machine moves both sides of a ratio.
 */

export interface MethodCallsOptions {
  mode: 'sync' | 'async';
  rounds: number;
  /** tinybench time budget per task and round, in ms. */
  timeMs: number;
  warmupMs: number;
  /** Calls per sample: a sample times a whole batch, so the timer's own cost is spread thin. */
  batch: number;
  /**
   * Only these subjects (by id), created alone in the process: with a single decorated
   * method, the shared wrapper code sees one shape and V8 can inline through it.
   */
  only?: string[];
  /** Add the OpenTelemetry SDK's variants (`otel:<signal>`). */
  openTelemetry?: boolean;
}

/** How a run of subjects is timed: the part of MethodCallsOptions every call group shares. */
export type TimingOptions = Pick<MethodCallsOptions, 'mode' | 'rounds' | 'timeMs' | 'warmupMs' | 'batch'>;

export type RowKind = 'bare' | 'hand' | 'ours' | 'otel';

export interface MethodCallRow {
  id: string;
  kind: RowKind;
  signal?: Signal;
  variant?: Variant;
  /** The median ns per call of each round. */
  roundMedians: number[];
  /** ns per call over all samples of all rounds. */
  pooled: Spread;
}

export interface MethodCallsResult {
  mode: 'sync' | 'async';
  batch: number;
  rows: MethodCallRow[];
}

export interface Subject {
  id: string;
  kind: RowKind;
  signal?: Signal;
  variant?: Variant;
  /** Runs `calls` calls of the subject's method. */
  run: (calls: number) => unknown;
}

// One loop function per subject, compiled from source, so each loop's call site sees one
// class only (as `service.work(x)` does in an app) and no variant pays for another's shape.
// The wrapper internals, shared by every decorated method, do see all variants: as in an
// app with many decorated methods.
const SYNC_LOOP = 'let sink = 0; for (let i = 0; i < calls; i++) sink = (sink + target.work(i)) | 0; return sink;';
const ASYNC_LOOP = 'let sink = 0; for (let i = 0; i < calls; i++) sink = (sink + (await target.work(i))) | 0; return sink;';
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (target: AsyncTarget, calls: number) => Promise<number>;

export function syncSubject(id: string, kind: RowKind, target: SyncTarget, signal?: Signal, variant?: Variant): Subject {
  const loop = new Function('target', 'calls', SYNC_LOOP) as (target: SyncTarget, calls: number) => number;
  return { id, kind, signal, variant, run: (calls) => loop(target, calls) };
}

export function asyncSubject(id: string, kind: RowKind, target: AsyncTarget, signal?: Signal, variant?: Variant): Subject {
  const loop = new AsyncFunction('target', 'calls', ASYNC_LOOP);
  return { id, kind, signal, variant, run: (calls) => loop(target, calls) };
}

/** Every subject of one mode, each decorated or hand-instrumented class on its own fresh Registry. */
export function subjectsFor(mode: 'sync' | 'async', only?: readonly string[], openTelemetry = false): Subject[] {
  const sync = mode === 'sync';
  const wanted = (id: string) => only === undefined || only.includes(id);
  const subjects: Subject[] = [sync ? syncSubject('bare', 'bare', bareSync()) : asyncSubject('bare', 'bare', bareAsync())];
  for (const signal of SIGNALS) {
    const id = `hand:${signal}`;
    if (!wanted(id)) continue;
    subjects.push(
      sync ? syncSubject(id, 'hand', handWrittenSync(signal, new Registry()), signal) : asyncSubject(id, 'hand', handWrittenAsync(signal, new Registry()), signal),
    );
  }
  for (const variant of ['default', 'named'] as const) {
    for (const signal of SIGNALS) {
      const id = `ours:${variant}:${signal}`;
      if (!wanted(id)) continue;
      subjects.push(
        sync
          ? syncSubject(id, 'ours', decoratedSync(signal, variant, new Registry()), signal, variant)
          : asyncSubject(id, 'ours', decoratedAsync(signal, variant, new Registry()), signal, variant),
      );
    }
  }
  if (wanted('hand:computed')) {
    subjects.push(
      sync
        ? syncSubject('hand:computed', 'hand', handWrittenSync('computed', new Registry()), 'computed')
        : asyncSubject('hand:computed', 'hand', handWrittenAsync('computed', new Registry()), 'computed'),
    );
  }
  if (wanted('ours:named:computed')) {
    subjects.push(
      sync
        ? syncSubject('ours:named:computed', 'ours', decoratedSync('computed', 'named', new Registry()), 'computed', 'named')
        : asyncSubject('ours:named:computed', 'ours', decoratedAsync('computed', 'named', new Registry()), 'computed', 'named'),
    );
  }
  if (wanted('ours:default:native')) {
    // @Timed with a native histogram, next to the classic ours:default:time.
    subjects.push(
      sync
        ? syncSubject('ours:default:native', 'ours', decoratedNativeSync(new Registry()), 'time', 'default')
        : asyncSubject('ours:default:native', 'ours', decoratedNativeAsync(new Registry()), 'time', 'default'),
    );
  }
  if (openTelemetry) {
    for (const signal of [...SIGNALS, 'computed'] as const) {
      const id = `otel:${signal}`;
      if (!wanted(id)) continue;
      subjects.push(sync ? syncSubject(id, 'otel', openTelemetrySync(signal), signal) : asyncSubject(id, 'otel', openTelemetryAsync(signal), signal));
    }
  }
  return subjects;
}

/**
 * Times every subject in rounds. `warm` runs first, before the subjects' own warm-up: a
 * group that wants V8 to have seen other code first (the app-like group) passes it here.
 */
export async function measureSubjects(subjects: Subject[], options: TimingOptions, warm?: () => Promise<void>): Promise<MethodCallsResult> {
  const perRound = new Map<string, number[][]>(subjects.map((subject) => [subject.id, []]));

  if (warm !== undefined) await warm();
  // Every variant runs before any is measured, so shared code has seen them all and the
  // first task measured has no advantage over the last.
  for (let pass = 0; pass < 3; pass++) for (const subject of subjects) for (let i = 0; i < 20; i++) await subject.run(options.batch);

  for (let round = 0; round < options.rounds; round++) {
    collectGarbage();
    const bench = new Bench({
      time: options.timeMs,
      warmupTime: options.warmupMs,
      iterations: 5,
      warmupIterations: 2,
      retainSamples: true,
      throws: true,
    });
    // A different order each round, so no variant always runs right after another.
    const ordered = subjects.map((_, index) => subjects[(index + round * 7) % subjects.length]);
    for (const subject of ordered) {
      const { batch } = options;
      if (options.mode === 'sync') bench.add(subject.id, () => subject.run(batch));
      else bench.add(subject.id, () => subject.run(batch) as Promise<unknown>, { async: true });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`task ${task.name} ended ${result.state}`);
      const samples = result.latency.samples ?? [];
      perRound.get(task.name)!.push(samples.map((ms) => (ms * 1e6) / options.batch));
    }
  }

  const rows = subjects.map((subject): MethodCallRow => {
    const rounds = perRound.get(subject.id)!;
    return {
      id: subject.id,
      kind: subject.kind,
      signal: subject.signal,
      variant: subject.variant,
      roundMedians: rounds.map((samples) => median(samples)),
      pooled: spreadOf(rounds.flat()),
    };
  });
  return { mode: options.mode, batch: options.batch, rows };
}

function measure(options: MethodCallsOptions): Promise<MethodCallsResult> {
  return measureSubjects(subjectsFor(options.mode, options.only, options.openTelemetry), options);
}

if (require.main === module) runAsGroup(() => measure(groupOptions<MethodCallsOptions>()));
