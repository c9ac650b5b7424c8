import { DecoratorMisuseError } from '../errors.js';
import { recordInstrumented } from '../metadata.js';
import { Instrumentation } from './instrumentation.js';
import { VALIDATED, type CallSite, type ProbeRecipe } from './probe.js';
import { checkIsMethod, classOfHolder, isClass, memberSite } from './site.js';
import { store } from '../store.js';
import { METADATA_SYMBOL } from './symbol-metadata.js';
import { instrumentationOf, wrapFunction, type AnyFunction } from './wrap.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClass = abstract new (...args: any[]) => unknown;

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

/** Instrumentations by the object holding the method (prototype or constructor) and name. */
const byHolder = store.byHolder as WeakMap<object, Map<string | symbol, Instrumentation>>;
/** Standard decorators: instrumentations by class metadata object and "static:name". */
const byMetadata = store.byMetadata as WeakMap<object, Map<string, Instrumentation>>;
/** Methods opted out by @SkipMetrics, by holder (legacy) or metadata object (standard). */
const skipped = store.skipped;

/**
 * Turns a decorator's recipe into the decorator itself. Decorators only name things and
 * build a probe; where they may be applied, the single wrapper per method, class-level
 * expansion and the spec recording all happen here, once, when the class is defined.
 */
export function createDecorator(recipe: ProbeRecipe): InstrumentDecorator {
  return function instrument(target: unknown, key?: unknown, descriptor?: unknown): unknown {
    if (isStandardContext(key)) return decorateStandard(recipe, target as AnyFunction, key);
    if (typeof key === 'string' || typeof key === 'symbol') {
      return decorateLegacyMember(recipe, target as object, key, descriptor as PropertyDescriptor | undefined);
    }
    if (typeof target === 'function' && arguments.length === 1) {
      if (isClass(target)) return instrumentClass(recipe, target as AnyClass);
      return instrumentFunction(recipe, target as AnyFunction);
    }
    throw new DecoratorMisuseError(recipe.decorator, 'an unknown target', `it was applied to ${describe(target)}`, 'Apply it to a method, a class or a function');
  } as InstrumentDecorator;
}

/** `@SkipMetrics()` on a method keeps class-level decorators off it. */
export function createSkipDecorator(): (target: unknown, key: unknown, descriptor?: unknown) => void {
  return (target, key) => {
    if (isStandardContext(key)) {
      const context = key as ClassMethodDecoratorContext;
      if (context.metadata) addSkipped(context.metadata, `${context.static}:${String(context.name)}`);
      return;
    }
    addSkipped(target as object, `${typeof target === 'function'}:${String(key)}`);
  };
}

function decorateLegacyMember(recipe: ProbeRecipe, holder: object, key: string | symbol, descriptor: PropertyDescriptor | undefined): PropertyDescriptor {
  const { constructor, className, isStatic } = classOfHolder(holder);
  const site = memberSite(recipe.decorator, className, key, isStatic);
  checkIsMethod(site, descriptor);
  const built = recipe.build(site);
  let instrumentation = instrumentationAt(holder, key);
  if (instrumentation === undefined) {
    instrumentation = new Instrumentation(site.place);
    remember(holder, key, instrumentation);
    descriptor.value = wrapFunction(descriptor.value as AnyFunction, instrumentation);
  }
  // Stacked (even with a foreign decorator in between): one wrapper, one more probe.
  instrumentation.add(built.probe);
  recordInstrumented(constructor, site.methodName, site.isStatic, { decorator: recipe.decorator, ...built.metric });
  return descriptor;
}

/**
 * Class-level use: every method the class itself declares (prototype and static), never
 * the constructor, accessors or fields, and without calling a getter. A method that already
 * carries our decorator of the same kind keeps it (method level overrides class level).
 */
function instrumentClass(recipe: ProbeRecipe, constructor: AnyClass, metadata?: object): void {
  for (const [holder, isStatic] of [
    [constructor.prototype as object, false],
    [constructor as object, true],
  ] as const) {
    for (const key of Reflect.ownKeys(holder)) {
      if (key === 'constructor' && !isStatic) continue;
      const descriptor = Object.getOwnPropertyDescriptor(holder, key);
      // Methods are non-enumerable data properties holding functions; static fields are enumerable.
      if (descriptor === undefined || descriptor.get || descriptor.set || descriptor.enumerable || typeof descriptor.value !== 'function') continue;
      if (isStatic && (key === 'prototype' || isClass(descriptor.value))) continue;
      const skipKey = `${isStatic}:${String(key)}`;
      if (skipped.get(holder)?.has(skipKey) || (metadata !== undefined && skipped.get(metadata)?.has(skipKey))) continue;
      const site = memberSite(recipe.decorator, constructor.name, key, isStatic);
      let instrumentation = instrumentationAt(holder, key) ?? instrumentationOf(descriptor.value);
      instrumentation?.pending?.(undefined, constructor);
      if (instrumentation?.has(recipe.decorator)) continue;
      const built = recipe.build(site);
      if (instrumentation === undefined) {
        instrumentation = new Instrumentation(site.place);
        remember(holder, key, instrumentation);
        Object.defineProperty(holder, key, { ...descriptor, value: wrapFunction(descriptor.value as AnyFunction, instrumentation) });
      }
      instrumentation.add(built.probe);
      recordInstrumented(constructor, site.methodName, isStatic, { decorator: recipe.decorator, ...built.metric });
    }
  }
}

/** A plain function: `Timed({ name: 'fetch_seconds' })(fetchRepo)`. */
function instrumentFunction<F extends AnyFunction>(recipe: ProbeRecipe, fn: F): F {
  const methodName = recipe.functionName ?? fn.name;
  if (methodName === '') {
    throw new DecoratorMisuseError(recipe.decorator, 'an anonymous function', 'the function has no name to use as the method label', `Pass { method: 'fetchRepo' } to name it`);
  }
  const site: CallSite = { decorator: recipe.decorator, className: '', methodName, isStatic: false, place: methodName };
  const built = recipe.build(site);
  const existing = instrumentationOf(fn);
  const instrumentation = existing ?? new Instrumentation(site.place);
  instrumentation.add(built.probe);
  recordInstrumented(undefined, methodName, false, { decorator: recipe.decorator, ...built.metric });
  return existing === undefined ? wrapFunction(fn, instrumentation) : fn;
}

/**
 * Standard (TC39) decorators. A method decorator is not told its class, so the probe is
 * built once the class is known: at class definition for a static method (an initializer
 * runs then), and for an instance method when a class-level decorator of ours runs, when
 * the first instance is constructed, or at the first call, whichever comes first.
 */
function decorateStandard(recipe: ProbeRecipe, value: AnyFunction, context: DecoratorContext): unknown {
  // The class decorator's context carries the metadata object before the class does.
  if (context.kind === 'class') return instrumentClass(recipe, value as unknown as AnyClass, context.metadata as object | undefined);
  const memberName = String(context.name);
  if (context.kind !== 'method') {
    throw new DecoratorMisuseError(recipe.decorator, `?.${memberName}`, `"${memberName}" is a ${context.kind}, not a method`, 'Decorate a method instead');
  }
  checkOptionsNow(recipe, memberSite(recipe.decorator, '?', context.name, context.static));
  const metadata = context.metadata as object | undefined;
  const key = `${context.static}:${memberName}`;
  let instrumentation = instrumentationOf(value) ?? (metadata === undefined ? undefined : byMetadata.get(metadata)?.get(key));
  const isNew = instrumentation === undefined;
  if (instrumentation === undefined) {
    instrumentation = new Instrumentation(`?.${memberName}`);
    if (metadata !== undefined) {
      let byKey = byMetadata.get(metadata);
      if (byKey === undefined) byMetadata.set(metadata, (byKey = new Map()));
      byKey.set(key, instrumentation);
    }
  }
  queueUntilClassKnown(instrumentation, recipe, context, metadata);
  return isNew ? wrapFunction(value, instrumentation) : value;
}

function queueUntilClassKnown(instrumentation: Instrumentation, recipe: ProbeRecipe, context: ClassMethodDecoratorContext, metadata: object | undefined): void {
  const recipes: ProbeRecipe[] = [];
  const previous = instrumentation.pending;
  if (previous !== undefined) (previous as PendingResolver).recipes.push(recipe);
  else recipes.push(recipe);
  instrumentation.pendingDecorators = [...instrumentation.pendingDecorators, recipe.decorator];
  if (previous !== undefined) return;
  const resolve = ((instance: unknown, knownClass?: unknown) => {
    instrumentation.pending = undefined;
    const constructor = (knownClass as AnyClass | undefined) ?? (context.static ? (instance as AnyClass) : declaringClass(instance, metadata));
    const className = constructor?.name ?? '';
    const site = memberSite('', className, context.name, context.static);
    instrumentation.place = site.place;
    for (const queued of recipes) {
      try {
        const built = queued.build({ ...site, decorator: queued.decorator });
        instrumentation.add(built.probe);
        if (constructor !== undefined) recordInstrumented(constructor, site.methodName, site.isStatic, { decorator: queued.decorator, ...built.metric });
      } catch (error) {
        // Too late to throw at class definition: the class already exists. Say it loudly.
        console.error(`prom-decorators: ${(error as Error).message}`);
      }
    }
  }) as PendingResolver;
  resolve.recipes = recipes;
  instrumentation.pending = resolve;
  context.addInitializer(function (this: unknown) {
    if (instrumentation.pending === resolve) resolve(this);
  });
}

/** Runs a recipe's checks at decoration time, so misuse throws while the class is defined. */
function checkOptionsNow(recipe: ProbeRecipe, site: CallSite): void {
  try {
    recipe.build({ ...site, validateOnly: true });
  } catch (error) {
    if (error !== VALIDATED) throw error;
  }
}

type PendingResolver = ((instance: unknown, knownClass?: unknown) => void) & { recipes: ProbeRecipe[] };

/** The class whose own metadata object is `metadata`, found on the instance's prototype chain. */
function declaringClass(instance: unknown, metadata: object | undefined): AnyClass | undefined {
  if (metadata === undefined || instance === null || typeof instance !== 'object') return undefined;
  for (let proto = Object.getPrototypeOf(instance); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const constructor = Object.hasOwn(proto, 'constructor') ? (proto.constructor as AnyClass) : undefined;
    if (constructor !== undefined && Object.hasOwn(constructor, METADATA_SYMBOL) && (constructor as unknown as Record<symbol, unknown>)[METADATA_SYMBOL] === metadata) {
      return constructor;
    }
  }
  return undefined;
}

function isStandardContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && 'name' in value;
}

function instrumentationAt(holder: object, key: string | symbol): Instrumentation | undefined {
  return byHolder.get(holder)?.get(key);
}

function remember(holder: object, key: string | symbol, instrumentation: Instrumentation): void {
  let byKey = byHolder.get(holder);
  if (byKey === undefined) byHolder.set(holder, (byKey = new Map()));
  byKey.set(key, instrumentation);
}

function addSkipped(holder: object, key: string): void {
  let keys = skipped.get(holder);
  if (keys === undefined) skipped.set(holder, (keys = new Set()));
  keys.add(key);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  return `a ${typeof value}`;
}
