import { DecoratorMisuseError } from '../errors.js';
import { instrumentFunction } from './function.js';
import { instrumentClass } from './class-members.js';
import { decorateLegacyMember, skipLegacyMember } from './legacy.js';
import type { ProbeRecipe } from './probe.js';
import { isClass } from './site.js';
import { decorateStandard, skipStandardMember } from './standard.js';
import type { AnyClass, AnyFunction } from './wrap.js';

/**
 * The type of every prom-decorators decorator: one export for every calling convention,
 * told apart at run time from how it is called. Only methods can be decorated: on a getter,
 * setter or field no signature matches, so TypeScript rejects them at compile time.
 */
export interface InstrumentDecorator {
  // `context?: undefined` keeps these one-argument forms from matching a standard getter,
  // setter or field decorator, which TypeScript checks by assignability.
  /** A plain function: returns the instrumented function. */
  <F extends AnyFunction>(fn: F, context?: undefined): F;
  /** A class (`experimentalDecorators`): instruments every method it declares. */
  <C extends AnyClass>(target: C, context?: undefined): void;
  /** A method (`experimentalDecorators`). */
  <T extends AnyFunction>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T>;
  /** A method (standard TC39 decorators). */
  <T extends AnyFunction>(value: T, context: ClassMethodDecoratorContext<unknown, T>): T;
  /** A class (standard TC39 decorators). */
  <C extends AnyClass>(value: C, context: ClassDecoratorContext<C>): void;
}

/**
 * Turns a decorator's recipe into the decorator itself: the one place that tells the calling
 * conventions apart and hands each to its own module (standard.ts, legacy.ts, function.ts,
 * class-members.ts), where the single wrapper per method and the recipe's phases are run.
 */
export function createDecorator(recipe: ProbeRecipe): InstrumentDecorator {
  return function instrument(target: unknown, key?: unknown, descriptor?: unknown): unknown {
    if (isStandardContext(key)) return decorateStandard(recipe, target as AnyFunction, key);
    if (typeof key === 'string' || typeof key === 'symbol') {
      return decorateLegacyMember(recipe, target as object, key, descriptor as PropertyDescriptor | undefined);
    }
    if (typeof target === 'function' && arguments.length === 1) {
      if (isClass(target)) {
        instrumentClass(recipe, target as AnyClass);
        // The class itself, so `const Service = Counted()(CompiledService)` keeps it (a legacy class decorator may return its class).
        return target;
      }
      return instrumentFunction(recipe, target as AnyFunction);
    }
    throw new DecoratorMisuseError(recipe.decorator, 'an unknown target', `it was applied to ${describe(target)}`, 'Apply it to a method, a class or a function');
  } as InstrumentDecorator;
}

/** `@SkipMetrics()` on a method keeps class-level decorators off it. */
export function createSkipDecorator(): (target: unknown, key: unknown, descriptor?: unknown) => void {
  return (target, key) => {
    if (isStandardContext(key)) skipStandardMember(key as ClassMethodDecoratorContext);
    else skipLegacyMember(target as object, key as string | symbol);
  };
}

function isStandardContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && 'name' in value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  return `a ${typeof value}`;
}
