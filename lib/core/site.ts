import { DecoratorMisuseError } from '../errors.js';
import type { CallSite } from './probe.js';

export function memberSite(decorator: string, className: string, key: string | symbol, isStatic: boolean): CallSite {
  const methodName = typeof key === 'symbol' ? (key.description ?? '') : key;
  return { decorator, className, methodName, isStatic, place: `${className}.${methodName}` };
}

/** Legacy decorators tell a member's holder: the prototype, or the constructor for a static member. */
export function classOfHolder(holder: object): { constructor: object; className: string; isStatic: boolean } {
  const isStatic = typeof holder === 'function';
  const constructor = isStatic ? holder : (holder as { constructor: object }).constructor;
  return { constructor, className: (constructor as { name?: string }).name ?? '', isStatic };
}

/** True for an ES class (as opposed to a plain function): the two share `typeof 'function'`. */
export function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

export function checkIsMethod(site: CallSite, descriptor: PropertyDescriptor | undefined): asserts descriptor is PropertyDescriptor {
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
