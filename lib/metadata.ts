/**
 * Every reflect-metadata call of the library lives here. Specs are stored on the class
 * constructor and always copied before they are extended (read own, copy, define), so a
 * subclass never writes into its parent's list.
 */
import 'reflect-metadata';
import type { MetricDescription } from './core/probe.js';
import { store } from './store.js';

/** One metric a decorator writes for a method. */
export interface InstrumentedMetric extends MetricDescription {
  decorator: string;
}

export interface InstrumentedMethod {
  name: string;
  static: boolean;
  metrics: InstrumentedMetric[];
}

export interface InstrumentedClass {
  className: string;
  /** The class constructor itself; undefined for the entry that lists plain functions (className ""). */
  target: (abstract new (...args: never[]) => unknown) | undefined;
  methods: InstrumentedMethod[];
}

/** On a class constructor: its own instrumented methods. */
const INSTRUMENTED_KEY = 'prom-decorators:instrumented';
/** On our wrapper of a plain function: the function's entry, never read as a class's methods. */
const INSTRUMENTED_FUNCTION_KEY = 'prom-decorators:instrumented-function';

/** Weak references, in the order first instrumented: metadata cannot be enumerated. */
const { instrumentedClasses, instrumentedFunctions, instrumentedRefs, forgetInstrumented } = store;

/**
 * What `listInstrumented()` says a decorator writes, as one literal: a spread of the
 * description would keep its fields out of the object, in a property array of their own.
 */
export function instrumentedMetric(decorator: string, metric: MetricDescription): InstrumentedMetric {
  const { name, type, labelNames, help, staticLabels, on, nativeHistogram } = metric;
  // Literals with exactly the keys that apply (no spread of optional keys), so every record of a kind has one shape.
  const made = (): InstrumentedMetric => {
    if (on !== undefined) return { decorator, name, type, labelNames, help, staticLabels, on };
    if (nativeHistogram !== undefined) return { decorator, name, type, labelNames, help, staticLabels, nativeHistogram };
    return { decorator, name, type, labelNames, help, staticLabels };
  };
  if (Object.keys(staticLabels).length > 0) return made();
  // Every method a decorator writes a default metric for says the same: one record for all of
  // them (records are never written, and every read returns copies), under the family's labels.
  let byShape = sharedMetrics.get(labelNames);
  if (byShape === undefined) sharedMetrics.set(labelNames, (byShape = new Map()));
  const shape = JSON.stringify([decorator, name, type, help, on, nativeHistogram]);
  let shared = byShape.get(shape);
  if (shared === undefined) byShape.set(shape, (shared = made()));
  return shared;
}

/** The records shared by methods decorated alike, by the family's label names (one array per family). */
const sharedMetrics = new WeakMap<readonly string[], Map<string, InstrumentedMetric>>();

/** Records that a decorator on `methodName` of `constructor` writes `metric`. */
export function recordInstrumented(constructor: object, methodName: string, isStatic: boolean, metric: InstrumentedMetric): void {
  record(INSTRUMENTED_KEY, constructor, methodName, isStatic, metric);
  holdWeakly(constructor, instrumentedClasses);
}

/** Records that `wrapper`, our wrapper of a plain function, writes `metric`; listed under a class named "". */
export function recordInstrumentedFunction(wrapper: object, functionName: string, metric: InstrumentedMetric): void {
  record(INSTRUMENTED_FUNCTION_KEY, wrapper, functionName, false, metric);
  holdWeakly(wrapper, instrumentedFunctions);
}

function record(key: string, target: object, methodName: string, isStatic: boolean, metric: InstrumentedMetric): void {
  const own: InstrumentedMethod[] = Reflect.getOwnMetadata(key, target) ?? [];
  // A new list (never the parent's, never push: exact-size arrays), with the metric kept as
  // given (each decorator builds a fresh description); every read returns copies.
  const index = own.findIndex((candidate) => candidate.name === methodName && candidate.static === isStatic);
  // concat and map make exact-size arrays; spread and push reserve room for 16 more entries.
  const methods =
    index === -1
      ? own.concat([{ name: methodName, static: isStatic, metrics: [metric] }])
      : own.map((method, at) => (at === index ? { name: method.name, static: method.static, metrics: method.metrics.concat([metric]) } : method));
  Reflect.defineMetadata(key, methods, target);
}

/** Listed while something else holds it; the store's FinalizationRegistry forgets it once collected. */
function holdWeakly(target: object, targets: Set<WeakRef<object>>): void {
  if (instrumentedRefs.has(target)) return;
  const ref = new WeakRef(target);
  instrumentedRefs.set(target, ref);
  targets.add(ref);
  forgetInstrumented.register(target, ref);
}

/** The targets still alive; a reference whose target is gone but not yet finalized is dropped here. */
function* live(targets: Set<WeakRef<object>>): Generator<object> {
  for (const ref of targets) {
    const target = ref.deref();
    if (target === undefined) targets.delete(ref);
    else yield target;
  }
}

/** The methods of one class that its own decorators instrument (never its parent's). */
export function instrumentedMethodsOf(constructor: object): InstrumentedMethod[] {
  return copies(Reflect.getOwnMetadata(INSTRUMENTED_KEY, constructor) ?? []);
}

function copies(methods: InstrumentedMethod[]): InstrumentedMethod[] {
  return methods.map((method) => ({ ...method, metrics: method.metrics.map((metric) => ({ ...metric, labelNames: [...metric.labelNames], staticLabels: { ...metric.staticLabels } })) }));
}

/**
 * Every instrumented class and method with the metrics it writes (decorator, metric name,
 * type, label names, help): what dashboards and alert rules are generated from. Only classes
 * and functions still alive are listed. A class declared again (a hot reload, a jest module
 * reset) with the same name, methods and metrics is listed once, as its latest definition in
 * the place of the first; plain functions are listed once by name, with every distinct metric
 * a live function of that name writes.
 */
export function listInstrumented(): InstrumentedClass[] {
  const classes: InstrumentedClass[] = [];
  const indexOfShape = new Map<string, number>();
  for (const constructor of live(instrumentedClasses)) {
    const entry: InstrumentedClass = { className: (constructor as { name: string }).name, target: constructor as InstrumentedClass['target'], methods: instrumentedMethodsOf(constructor) };
    const shape = JSON.stringify([entry.className, entry.methods]);
    const index = indexOfShape.get(shape);
    if (index === undefined) indexOfShape.set(shape, classes.push(entry) - 1);
    else classes[index] = entry;
  }
  const functions = new Map<string, { method: InstrumentedMethod; metricShapes: Set<string> }>();
  for (const wrapper of live(instrumentedFunctions)) {
    for (const method of copies(Reflect.getOwnMetadata(INSTRUMENTED_FUNCTION_KEY, wrapper) ?? [])) {
      let listed = functions.get(method.name);
      if (listed === undefined) functions.set(method.name, (listed = { method: { ...method, metrics: [] }, metricShapes: new Set() }));
      for (const metric of method.metrics) {
        const shape = JSON.stringify(metric);
        if (listed.metricShapes.has(shape)) continue;
        listed.metricShapes.add(shape);
        listed.method.metrics.push(metric);
      }
    }
  }
  if (functions.size > 0) classes.push({ className: '', target: undefined, methods: [...functions.values()].map((listed) => listed.method) });
  return classes;
}

export function getOwnMetadataKeys(target: object): unknown[] {
  return Reflect.getOwnMetadataKeys(target);
}

export function getOwnMetadata(key: unknown, target: object): unknown {
  return Reflect.getOwnMetadata(key, target);
}

export function defineMetadata(key: unknown, value: unknown, target: object): void {
  Reflect.defineMetadata(key, value, target);
}
