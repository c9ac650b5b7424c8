import { instrumentedMetric, recordInstrumented } from '../metadata.js';
import { Instrumentation } from './instrumentation.js';
import { instrumentationAt, isSkipped, rememberAt } from './members.js';
import type { ProbeRecipe } from './probe.js';
import { isClass, isEsClass, memberSite } from './site.js';
import { currentWrapper, instrumentationOf, wrapFunction, type AnyClass, type AnyFunction } from './wrap.js';

/**
 * Class-level use, in either decorator standard: every method the class itself declares
 * (prototype and static), never the constructor, accessors or fields, and without calling a
 * getter. A method that already carries our decorator of the same kind keeps it (method
 * level overrides class level); `@SkipMetrics()` keeps a method out. A compiled class (a
 * function with prototype methods) has every function on its prototype and every function-valued
 * static property instrumented, since compilation leaves fields and methods alike. `metadata` is the
 * standard decorators' class metadata object, where their skips are kept.
 */
export function instrumentClass(recipe: ProbeRecipe, constructor: AnyClass, metadata?: object): void {
  // A compiled class (Babel, TypeScript's ES5 target) assigns its methods, so they are enumerable.
  const compiled = !isEsClass(constructor);
  for (const [holder, isStatic] of [
    [constructor.prototype as object, false],
    [constructor as object, true],
  ] as const) {
    for (const key of Reflect.ownKeys(holder)) {
      if (key === 'constructor' && !isStatic) continue;
      const descriptor = Object.getOwnPropertyDescriptor(holder, key);
      // Methods are non-enumerable data properties holding functions; static fields are enumerable.
      if (descriptor === undefined || descriptor.get || descriptor.set || (descriptor.enumerable && !compiled) || typeof descriptor.value !== 'function') continue;
      if (isStatic && (key === 'prototype' || isClass(descriptor.value))) continue;
      if (isSkipped(holder, isStatic, key) || isSkipped(metadata, isStatic, key)) continue;
      let instrumentation = instrumentationAt(holder, key) ?? instrumentationOf(descriptor.value);
      // A standard method decorator of ours waiting for its class learns it here, first.
      instrumentation?.pending?.resolve(undefined, constructor);
      if (instrumentation?.has(recipe.decorator)) continue;
      const site = memberSite(recipe.decorator, constructor.name, key, isStatic);
      const built = recipe.validate(site).build(site);
      if (instrumentation === undefined) {
        instrumentation = new Instrumentation(site.place);
        rememberAt(holder, key, instrumentation);
        instrumentation.add(built.probe);
        Object.defineProperty(holder, key, { ...descriptor, value: wrapFunction(descriptor.value as AnyFunction, instrumentation) });
      } else {
        instrumentation.add(built.probe);
        // Our wrapper gives way to the one for the new set of probes; a foreign one is left as it is.
        if (instrumentationOf(descriptor.value) === instrumentation) Object.defineProperty(holder, key, { ...descriptor, value: currentWrapper(instrumentation) });
      }
      recordInstrumented(constructor, site.methodName, isStatic, instrumentedMetric(recipe.decorator, built.metric));
    }
  }
}
