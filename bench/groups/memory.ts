import * as fs from 'node:fs';
import * as path from 'node:path';
import { GCProfiler } from 'node:v8';
import { Counter, Gauge, Histogram, Registry } from '../../spec/support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { decoratedAsync, decoratedSync } from '../subjects/decorated.js';
import { runAsGroup, groupOptions, collectGarbage } from '../support/group-main.js';
import { subjectsFor } from './method-calls.js';

/**
 * What the hot path costs besides time: bytes allocated per sync call, heap kept per fully
 * decorated method, clock reads per call, wrappers per method, and whether the library
 * touches async hooks. Runs with --expose-gc in its own process.
 */

export interface MemoryOptions {
  /** Calls per subject for the allocation measurement (the target is stated over 1M). */
  calls: number;
  /** Decorated methods created for the heap-per-method measurement. */
  methods: number;
  /** Add the OpenTelemetry SDK's variants to the allocation table. */
  openTelemetry?: boolean;
}

export interface AllocationRow {
  id: string;
  calls: number;
  /** Bytes allocated per call: heap growth plus everything collected meanwhile, divided by calls. */
  bytesPerCall: number;
  /** Heap growth over the calls, without collections counted, in bytes. */
  growthBytes: number;
  collections: number;
}

export interface MemoryResult {
  allocation: AllocationRow[];
  heapPerMethod: { methods: number; oursBytes: number; clientBytes: number };
  clockReads: { sync: number; async: number };
  wrappersPerMethod: { stacked: number; single: number };
  asyncHooksInLib: string[];
}

const SIGNAL_DECORATORS = [Counted, Timed, InProgress, CountExceptions, LastCalled];

/**
 * Bytes allocated by `run`, counted as V8 sees them: the used heap after minus before,
 * plus what every collection during the run freed (a scavenge would otherwise hide garbage).
 */
function allocationOf(run: () => unknown): { bytes: number; growth: number; collections: number } {
  collectGarbage();
  const profiler = new GCProfiler();
  const before = process.memoryUsage().heapUsed;
  profiler.start();
  run();
  const after = process.memoryUsage().heapUsed;
  const { statistics } = profiler.stop();
  let freed = 0;
  for (const gc of statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return { bytes: after - before + freed, growth: after - before, collections: statistics.length };
}

function measureAllocation(calls: number, openTelemetry: boolean): AllocationRow[] {
  const subjects = subjectsFor('sync', undefined, openTelemetry);
  // Warm every subject first, as the call benchmark does, so what is measured is the
  // optimised steady state and not the JIT's own allocations.
  for (let pass = 0; pass < 3; pass++) for (const subject of subjects) for (let i = 0; i < 20; i++) subject.run(1000);
  const rows: AllocationRow[] = [clockAllocation(calls)];
  for (const subject of subjects) {
    const n = subject.kind === 'hand' || subject.kind === 'otel' ? Math.max(1, Math.floor(calls / 5)) : calls;
    subject.run(n); // the same loop length once unmeasured: on-stack replacement happens here, not below
    const { bytes, growth, collections } = allocationOf(() => subject.run(n));
    rows.push({ id: subject.id, calls: n, bytesPerCall: bytes / n, growthBytes: growth, collections });
  }
  return rows;
}

/** What one `performance.now()` allocates by itself (Node 20 returns a fresh heap number): the floor for any timed call. */
function clockAllocation(calls: number): AllocationRow {
  const times = new Float64Array(1);
  const read = (n: number) => {
    for (let i = 0; i < n; i++) times[0] = performance.now();
  };
  read(calls);
  const { bytes, growth, collections } = allocationOf(() => read(calls));
  return { id: 'clock', calls, bytesPerCall: bytes / calls, growthBytes: growth, collections };
}

/** Classes of 10 methods each, every method under all five decorators (or none), on one registry. */
function defineClasses(methods: number, decorate: boolean, registry: Registry): unknown[] {
  const classes: unknown[] = [];
  for (let c = 0; c * 10 < methods; c++) {
    const Service = class {};
    Object.defineProperty(Service, 'name', { value: `Service${c}` });
    for (let m = 0; m < 10 && c * 10 + m < methods; m++) {
      const key = `method${m}`;
      let descriptor: PropertyDescriptor = {
        value: function (this: { total: number }, n: number) {
          this.total = (this.total + n) | 0;
          return this.total;
        },
        writable: true,
        configurable: true,
        enumerable: false,
      };
      // What TypeScript emits for stacked legacy decorators: applied bottom-up.
      if (decorate) for (const decorator of [...SIGNAL_DECORATORS].reverse()) descriptor = decorator({ registry })(Service.prototype, key, descriptor) ?? descriptor;
      Object.defineProperty(Service.prototype, key, descriptor);
    }
    classes.push(Service);
  }
  return classes;
}

/** The same series in the client's own metrics: pre-bound children for each method, as hand-written code keeps them. */
function defineClientSeries(methods: number, registry: Registry): unknown[] {
  const registers = [registry];
  const calls = new Counter({ name: 'method_calls_total', help: 'calls', labelNames: ['class', 'method', 'result'], registers });
  const duration = new Histogram({ name: 'method_duration_seconds', help: 'duration', labelNames: ['class', 'method', 'result'], registers });
  const inProgress = new Gauge({ name: 'method_in_progress', help: 'in progress', labelNames: ['class', 'method'], registers });
  new Counter({ name: 'method_exceptions_total', help: 'exceptions', labelNames: ['class', 'method', 'error'], registers });
  const lastCalled = new Gauge({ name: 'method_last_called_timestamp_seconds', help: 'last called', labelNames: ['class', 'method'], registers });
  const kept: unknown[] = [];
  for (let i = 0; i < methods; i++) {
    const labels = [`Service${Math.floor(i / 10)}`, `method${i % 10}`];
    const children = [calls.labels(...labels, 'ok'), calls.labels(...labels, 'error'), inProgress.labels(...labels), lastCalled.labels(...labels)];
    for (const child of children) child.inc(0);
    duration.zero({ class: labels[0], method: labels[1], result: 'ok' });
    duration.zero({ class: labels[0], method: labels[1], result: 'error' });
    kept.push(children, duration.labels(...labels, 'ok'), duration.labels(...labels, 'error'));
  }
  return kept;
}

/** Heap kept per method: decorated classes against the same classes undecorated, both kept alive. */
function measureHeapPerMethod(methods: number): MemoryResult['heapPerMethod'] {
  const heapAfter = (build: () => unknown) => {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const kept = build();
    collectGarbage();
    const bytes = process.memoryUsage().heapUsed - before;
    if (kept === undefined) throw new Error('unreachable');
    return bytes;
  };
  // Warm the decorators once so their code is compiled before anything is counted.
  defineClasses(20, true, new Registry());
  defineClientSeries(20, new Registry());
  const plain = heapAfter(() => defineClasses(methods, false, new Registry()));
  const decorated = heapAfter(() => defineClasses(methods, true, new Registry()));
  const client = heapAfter(() => [defineClasses(methods, false, new Registry()), defineClientSeries(methods, new Registry())]);
  return { methods, oursBytes: (decorated - plain) / methods, clientBytes: (client - plain) / methods };
}

/** Counts every clock read the library could make during `calls` calls. */
async function clockReadsPerCall(calls: number): Promise<MemoryResult['clockReads']> {
  let reads = 0;
  const counted = <F extends (...args: never[]) => unknown>(original: F): F =>
    function (this: unknown, ...args: never[]) {
      reads++;
      return original.apply(this, args);
    } as F;
  const sync = decoratedSync('all', 'default', new Registry());
  const asyncTarget = decoratedAsync('all', 'default', new Registry());
  const perf = globalThis.performance;
  const originals = { perfNow: perf.now, dateNow: Date.now, hrtime: process.hrtime, bigint: process.hrtime.bigint };
  const hrtime = counted(originals.hrtime) as typeof process.hrtime;
  hrtime.bigint = counted(originals.bigint);
  perf.now = counted(originals.perfNow.bind(perf));
  Date.now = counted(originals.dateNow);
  process.hrtime = hrtime;
  try {
    reads = 0;
    for (let i = 0; i < calls; i++) sync.work(i);
    const syncReads = reads / calls;
    reads = 0;
    for (let i = 0; i < calls; i++) await asyncTarget.work(i);
    return { sync: syncReads, async: reads / calls };
  } finally {
    perf.now = originals.perfNow;
    Date.now = originals.dateNow;
    process.hrtime = originals.hrtime;
  }
}

/**
 * Frames between the caller and the method body: 0 for a bare method, 1 for one wrapper.
 * The body reads `this.total` first; a Proxy as `this` takes the stack at that moment.
 */
function framesBetweenCallerAndBody(target: { work(n: number): number }): number {
  let stack = '';
  const self = new Proxy(
    { total: 0 },
    {
      get(object, key) {
        if (key === 'total' && stack === '') stack = new Error().stack ?? '';
        return Reflect.get(object, key);
      },
    },
  );
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  try {
    (function callerMarker() {
      target.work.call(self, 1);
    })();
  } finally {
    Error.stackTraceLimit = limit;
  }
  // Line 0 is "Error", line 1 the Proxy trap, line 2 the method body.
  const callerAt = stack.split('\n').findIndex((line) => line.includes('callerMarker'));
  if (callerAt < 0) throw new Error(`cannot read the stack:\n${stack}`);
  return callerAt - 3;
}

function wrappersPerMethod(): MemoryResult['wrappersPerMethod'] {
  return {
    stacked: framesBetweenCallerAndBody(decoratedSync('all', 'default', new Registry())),
    single: framesBetweenCallerAndBody(decoratedSync('count', 'default', new Registry())),
  };
}

/** Library source files that mention async hooks or AsyncLocalStorage (the hot path must use neither). */
function asyncHooksInLib(): string[] {
  const libDir = path.join(__dirname, '..', '..', 'lib');
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.js') && /async_hooks|AsyncLocalStorage|AsyncResource|createHook/.test(fs.readFileSync(full, 'utf8'))) {
        found.push(path.relative(libDir, full));
      }
    }
  };
  visit(libDir);
  return found;
}

async function measure(options: MemoryOptions): Promise<MemoryResult> {
  return {
    allocation: measureAllocation(options.calls, options.openTelemetry === true),
    heapPerMethod: measureHeapPerMethod(options.methods),
    clockReads: await clockReadsPerCall(1000),
    wrappersPerMethod: wrappersPerMethod(),
    asyncHooksInLib: asyncHooksInLib(),
  };
}

if (require.main === module) runAsGroup(() => measure(groupOptions<MemoryOptions>()));
