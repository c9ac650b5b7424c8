import { instrumentedMetric, recordInstrumented } from '../metadata.js';
import { Instrumentation } from './instrumentation.js';
import { instrumentationAt, rememberAt, skip } from './members.js';
import type { ProbeRecipe } from './probe.js';
import { checkIsMethod, classOfHolder, memberSite } from './site.js';
import { currentWrapper, instrumentationOf, wrapFunction, type AnyFunction } from './wrap.js';

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
    instrumentation.add(built.probe);
    descriptor.value = wrapFunction(descriptor.value as AnyFunction, instrumentation);
  } else {
    // Stacked (even with a foreign decorator in between): one wrapper, one more probe. Our own
    // wrapper is replaced by the one for the new set of probes; a foreign one keeps what it holds.
    instrumentation.add(built.probe);
    if (instrumentationOf(descriptor.value) === instrumentation) descriptor.value = currentWrapper(instrumentation);
  }
  recordInstrumented(constructor, site.methodName, site.isStatic, instrumentedMetric(recipe.decorator, built.metric));
  return descriptor;
}

/** `@SkipMetrics()` with `experimentalDecorators`: the holder tells static from instance. */
export function skipLegacyMember(holder: object, key: string | symbol): void {
  skip(holder, typeof holder === 'function', key);
}
