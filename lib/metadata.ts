/**
 * Every reflect-metadata call of the library lives here. Specs are stored on the class
 * constructor and always copied before they are extended (read own, copy, define), so a
 * subclass never writes into its parent's list.
 */
import 'reflect-metadata';
import type { MetricDescription } from './core/probe.js';
import { store } from './store.js';

const INSTRUMENTED_KEY = 'prom-decorators:instrumented';

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

/** Classes in the order they were first instrumented; metadata cannot be enumerated. */
const instrumentedClasses = store.instrumentedClasses;

/** Records that a decorator on `methodName` of `constructor` writes `metric`. */
export function recordInstrumented(constructor: object | undefined, methodName: string, isStatic: boolean, metric: InstrumentedMetric): void {
  if (constructor === undefined) return recordFunction(methodName, metric);
  const own: InstrumentedMethod[] = Reflect.getOwnMetadata(INSTRUMENTED_KEY, constructor) ?? [];
  // A new list (never the parent's, never push: exact-size arrays), with the metric kept as
  // given (each decorator builds a fresh description); every read returns copies.
  const index = own.findIndex((candidate) => candidate.name === methodName && candidate.static === isStatic);
  const methods =
    index === -1
      ? [...own, { name: methodName, static: isStatic, metrics: [metric] }]
      : own.map((method, at) => (at === index ? { ...method, metrics: [...method.metrics, metric] } : method));
  Reflect.defineMetadata(INSTRUMENTED_KEY, methods, constructor);
  instrumentedClasses.add(constructor);
}

/** Plain functions wrapped by our decorators, listed under a class named "". */
const instrumentedFunctions = store.instrumentedFunctions as InstrumentedMethod[];

function recordFunction(functionName: string, metric: InstrumentedMetric): void {
  let entry = instrumentedFunctions.find((candidate) => candidate.name === functionName);
  if (entry === undefined) instrumentedFunctions.push((entry = { name: functionName, static: false, metrics: [] }));
  entry.metrics.push(metric);
}

/** The methods of one class that its own decorators instrument (never its parent's). */
export function instrumentedMethodsOf(constructor: object): InstrumentedMethod[] {
  const own: InstrumentedMethod[] = Reflect.getOwnMetadata(INSTRUMENTED_KEY, constructor) ?? [];
  return own.map((method) => ({ ...method, metrics: method.metrics.map((metric) => ({ ...metric, labelNames: [...metric.labelNames], staticLabels: { ...metric.staticLabels } })) }));
}

/**
 * Every instrumented class and method with the metrics it writes (decorator, metric name,
 * type, label names, help): what dashboards and alert rules are generated from.
 */
export function listInstrumented(): InstrumentedClass[] {
  const classes: InstrumentedClass[] = [...instrumentedClasses].map((constructor) => ({
    className: (constructor as { name: string }).name,
    target: constructor as InstrumentedClass['target'],
    methods: instrumentedMethodsOf(constructor),
  }));
  if (instrumentedFunctions.length > 0) {
    classes.push({
      className: '',
      target: undefined,
      methods: instrumentedFunctions.map((method) => ({ ...method, metrics: method.metrics.map((metric) => ({ ...metric, labelNames: [...metric.labelNames], staticLabels: { ...metric.staticLabels } })) })),
    });
  }
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
