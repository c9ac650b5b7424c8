import { store } from '../store.js';
import type { Instrumentation } from './instrumentation.js';

/**
 * Which methods are instrumented, and which opted out, keyed by the method's name itself
 * (a string or a symbol, so two symbols with one description stay apart) under the object
 * that identifies the class: the holder a legacy decorator is given (the prototype, or the
 * constructor for a static member) or a standard decorator's class metadata object.
 */

/** Legacy: the holder's instrumented methods, by name. */
const byHolder = store.byHolder as WeakMap<object, Map<string | symbol, Instrumentation>>;
/** Standard: instance and static methods of the class whose metadata object this is, by name. */
const byMetadata = store.byMetadata as WeakMap<object, { instance: Map<string | symbol, Instrumentation>; static: Map<string | symbol, Instrumentation> }>;
/** `@SkipMetrics()`, by holder (legacy) or metadata object (standard). */
const skipped = store.skipped;

export function instrumentationAt(holder: object, key: string | symbol): Instrumentation | undefined {
  return byHolder.get(holder)?.get(key);
}

export function rememberAt(holder: object, key: string | symbol, instrumentation: Instrumentation): void {
  let byKey = byHolder.get(holder);
  if (byKey === undefined) byHolder.set(holder, (byKey = new Map()));
  byKey.set(key, instrumentation);
}

export function instrumentationInMetadata(metadata: object, isStatic: boolean, key: string | symbol): Instrumentation | undefined {
  const members = byMetadata.get(metadata);
  return members === undefined ? undefined : (isStatic ? members.static : members.instance).get(key);
}

export function rememberInMetadata(metadata: object, isStatic: boolean, key: string | symbol, instrumentation: Instrumentation): void {
  let members = byMetadata.get(metadata);
  if (members === undefined) byMetadata.set(metadata, (members = { instance: new Map(), static: new Map() }));
  (isStatic ? members.static : members.instance).set(key, instrumentation);
}

/** Marks a method as opted out of class-level decorators. */
export function skip(owner: object, isStatic: boolean, key: string | symbol): void {
  let members = skipped.get(owner);
  if (members === undefined) skipped.set(owner, (members = { instance: new Set(), static: new Set() }));
  (isStatic ? members.static : members.instance).add(key);
}

export function isSkipped(owner: object | undefined, isStatic: boolean, key: string | symbol): boolean {
  if (owner === undefined) return false;
  const members = skipped.get(owner);
  return members !== undefined && (isStatic ? members.static : members.instance).has(key);
}
