import { DecoratorMisuseError } from '../errors.js';
import { recordInstrumented } from '../metadata.js';
import { Instrumentation } from './instrumentation.js';
import type { BuiltProbe, CallSite } from './probe.js';
import { wrapFunction, type AnyFunction } from './wrap.js';

/**
 * The type of every prom-decorators decorator. Only methods can be decorated: on a getter
 * or setter the descriptor's value is not a function, and a field has no descriptor, so
 * TypeScript rejects both at compile time.
 */
export interface MethodInstrumentDecorator {
  <T extends AnyFunction>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T>;
}

/** Methods already wrapped, by the object that holds them (prototype or constructor) and name. */
const instrumentations = new WeakMap<object, Map<string | symbol, Instrumentation>>();

/**
 * Turns a decorator's probe builder into the decorator itself. Decorators only name
 * things and build a probe; validation of where they are applied, the single wrapper per
 * method and the spec recording all happen here, once, when the class is defined.
 */
export function createMethodDecorator(decorator: string, build: (site: CallSite) => BuiltProbe): MethodInstrumentDecorator {
  return function instrumentMethod(target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor) {
    const site = siteOf(decorator, target, propertyKey);
    checkIsMethod(site, descriptor);
    const { probe, metric } = build(site);

    let byName = instrumentations.get(target);
    if (byName === undefined) instrumentations.set(target, (byName = new Map()));
    let instrumentation = byName.get(propertyKey);
    if (instrumentation === undefined) {
      instrumentation = new Instrumentation(site.place);
      byName.set(propertyKey, instrumentation);
      descriptor.value = wrapFunction(descriptor.value as AnyFunction, instrumentation);
    }
    // Stacked (even with a foreign decorator in between): one wrapper, one more probe.
    instrumentation.add(probe);
    recordInstrumented(site.isStatic ? target : target.constructor, site.methodName, site.isStatic, { decorator, ...metric });
    return descriptor;
  } as MethodInstrumentDecorator;
}

function siteOf(decorator: string, target: object, propertyKey: string | symbol): CallSite {
  const isStatic = typeof target === 'function';
  const className = isStatic ? (target as AnyFunction).name : (target.constructor?.name ?? '');
  const methodName = typeof propertyKey === 'symbol' ? (propertyKey.description ?? '') : propertyKey;
  return { decorator, className, methodName, isStatic, place: `${className}.${methodName}` };
}

function checkIsMethod(site: CallSite, descriptor: PropertyDescriptor | undefined): asserts descriptor is PropertyDescriptor {
  if (descriptor === undefined) {
    throw new DecoratorMisuseError(site.decorator, site.place, `"${site.methodName}" is a field, not a method`, 'Decorate a method instead, or make it one');
  }
  if (descriptor.get !== undefined || descriptor.set !== undefined) {
    throw new DecoratorMisuseError(site.decorator, site.place, `"${site.methodName}" is a getter or setter, not a method`, 'Decorate the method that does the work instead');
  }
  if (typeof descriptor.value !== 'function') {
    throw new DecoratorMisuseError(site.decorator, site.place, `"${site.methodName}" is not a function`, 'Decorate a method instead');
  }
}
