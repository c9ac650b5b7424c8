import { recordInstrumented } from '../metadata.js';
import { Instrumentation } from './instrumentation.js';
import { instrumentationAt, rememberAt, skip } from './members.js';
import type { ProbeRecipe } from './probe.js';
import { checkIsMethod, classOfHolder, memberSite } from './site.js';
import { wrapFunction, type AnyFunction } from './wrap.js';

/**
 * A method decorator with `experimentalDecorators`: told the holder (the prototype, or the
 * constructor of a static method), so the class is known and the probe is built at once.
 */
export function decorateLegacyMember(recipe: ProbeRecipe, holder: object, key: string | symbol, descriptor: PropertyDescriptor | undefined): PropertyDescriptor {
  const { constructor, className, isStatic } = classOfHolder(holder);
  const site = memberSite(recipe.decorator, className, key, isStatic);
  checkIsMethod(site, descriptor);
  const built = recipe.validate(site).build(site);
  let instrumentation = instrumentationAt(holder, key);
  if (instrumentation === undefined) {
    instrumentation = new Instrumentation(site.place);
    rememberAt(holder, key, instrumentation);
    descriptor.value = wrapFunction(descriptor.value as AnyFunction, instrumentation);
  }
  // Stacked (even with a foreign decorator in between): one wrapper, one more probe.
  instrumentation.add(built.probe);
  recordInstrumented(constructor, site.methodName, site.isStatic, { decorator: recipe.decorator, ...built.metric });
  return descriptor;
}

/** `@SkipMetrics()` with `experimentalDecorators`: the holder tells static from instance. */
export function skipLegacyMember(holder: object, key: string | symbol): void {
  skip(holder, typeof holder === 'function', key);
}
