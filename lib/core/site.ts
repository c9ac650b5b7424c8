import { DecoratorMisuseError } from '../errors.js';
import type { CallSite } from './probe.js';

export function memberSite(decorator: string, className: string, key: string | symbol, isStatic: boolean): CallSite {
  const methodName = typeof key === 'symbol' ? (key.description ?? '') : key;
  return { decorator, className, methodName, isStatic, place: placeOf(className, methodName) };
}

/** The last place made, for the decorators stacked on one method: they are applied one after another. */
let lastPlace = { className: '', methodName: '', place: '.' };

/**
 * "Class.method", one string for every decorator of a method (each site and series chooser keeps
 * it for messages). Joined, not concatenated: a concatenation is a rope that keeps both parts.
 */
function placeOf(className: string, methodName: string): string {
  if (lastPlace.className !== className || lastPlace.methodName !== methodName) lastPlace = { className, methodName, place: [className, methodName].join('.') };
  return lastPlace.place;
}

/** Legacy decorators tell a member's holder: the prototype, or the constructor for a static member. */
export function classOfHolder(holder: object): { constructor: object; className: string; isStatic: boolean } {
  const isStatic = typeof holder === 'function';
  const constructor = isStatic ? holder : (holder as { constructor: object }).constructor;
  return { constructor, className: (constructor as { name?: string }).name ?? '', isStatic };
}

/**
 * True for a class, as opposed to a plain function (the two share `typeof 'function'`), told
 * by what it is: an ES class by its syntax, a compiled one (Babel, TypeScript's ES5 target) by
 * methods on its prototype besides `constructor`, or by static methods defined non-enumerable
 * as Babel's `_createClass` does. A plain `function fetchRepo() {}`, an arrow function, an
 * async or generator function (whose prototype has no own members) are functions.
 */
export function isClass(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  if (isEsClass(value)) return true;
  const prototype: unknown = Object.getOwnPropertyDescriptor(value, 'prototype')?.value;
  if (typeof prototype === 'object' && prototype !== null && Reflect.ownKeys(prototype).some((key) => key !== 'constructor')) return true;
  return Reflect.ownKeys(value).some((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    return key !== 'prototype' && !descriptor.enumerable && typeof descriptor.value === 'function';
  });
}

/** True for a class written with the `class` keyword (and still so at run time, not compiled to a function). */
export function isEsClass(value: unknown): boolean {
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
