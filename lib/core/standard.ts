import { DecoratorMisuseError } from '../errors.js';
import { logError } from '../log.js';
import { instrumentedMetric, recordInstrumented } from '../metadata.js';
import { instrumentClass } from './class-members.js';
import { Instrumentation, type PendingProbes } from './instrumentation.js';
import { instrumentationInMetadata, rememberInMetadata, skip } from './members.js';
import type { ProbeBuilder, ProbeRecipe } from './probe.js';
import { memberSite } from './site.js';
import { METADATA_SYMBOL } from './symbol-metadata.js';
import { currentWrapper, instrumentationOf, wrapFunction, type AnyClass, type AnyFunction } from './wrap.js';

/**
 * Standard (TC39) decorators. A method decorator is not told its class: its options are
 * checked at once (so misuse throws while the class is defined), and its probe is built
 * once the class is known and named: for a static method once its class definition has
 * finished (a microtask after its static initializers ran), for an instance method when the
 * first instance is constructed; for both when a class-level decorator of ours runs or at the
 * first call, whichever comes first. A static initializer is too early to read the name:
 * esbuild (tsx) runs it on a class still named `_A`, and names it `A` only afterwards.
 */
export function decorateStandard(recipe: ProbeRecipe, value: AnyFunction, context: DecoratorContext): unknown {
  // The class decorator's context carries the metadata object before the class does.
  if (context.kind === 'class') return instrumentClass(recipe, value as unknown as AnyClass, context.metadata as object | undefined);
  const memberName = String(context.name);
  if (context.kind !== 'method') {
    throw new DecoratorMisuseError(recipe.decorator, `?.${memberName}`, `"${memberName}" is a ${context.kind}, not a method`, 'Decorate a method instead');
  }
  const builder = recipe.validate(memberSite(recipe.decorator, '?', context.name, context.static));
  const metadata = context.metadata as object | undefined;
  let instrumentation = instrumentationOf(value) ?? (metadata === undefined ? undefined : instrumentationInMetadata(metadata, context.static, context.name));
  const isNew = instrumentation === undefined;
  if (instrumentation === undefined) {
    instrumentation = new Instrumentation(`?.${memberName}`);
    if (metadata !== undefined) rememberInMetadata(metadata, context.static, context.name, instrumentation);
  }
  // Stacked before the class is known: one more probe for the pending set (by shape, not class,
  // so a set started by another copy of the library is joined, not replaced).
  (instrumentation.pending ?? new ClassToBeKnown(instrumentation, context, metadata)).queue(recipe.decorator, builder);
  return isNew ? wrapFunction(value, instrumentation) : value;
}

/** `@SkipMetrics()` in standard decorators: kept on the class metadata object. */
export function skipStandardMember(context: ClassMethodDecoratorContext): void {
  if (context.metadata) skip(context.metadata, context.static, context.name);
}

/** The probes of one method waiting for its class; set as the instrumentation's `pending`. */
class ClassToBeKnown implements PendingProbes {
  decorators: readonly string[] = [];
  private readonly builders: ProbeBuilder[] = [];
  /** A static method's class, told by its static initializer before the class has its final name. */
  private staticClass: AnyClass | undefined;

  constructor(
    private readonly instrumentation: Instrumentation,
    private readonly context: ClassMethodDecoratorContext,
    private readonly metadata: object | undefined,
  ) {
    instrumentation.pending = this;
    context.addInitializer(context.static ? resolveOnceDefined(this) : resolveOnInitialize(this));
  }

  get isPending(): boolean {
    return this.instrumentation.pending === this;
  }

  queue(decorator: string, builder: ProbeBuilder): void {
    this.decorators = [...this.decorators, decorator];
    this.builders.push(builder);
  }

  defineStaticClass(staticClass: AnyClass): void {
    this.staticClass = staticClass;
    queueMicrotask(() => {
      // Never throw out of a microtask: that would end the process. resolve() logs a probe it cannot build.
      try {
        if (this.isPending) this.resolve(undefined, staticClass);
      } catch (error) {
        logError((error as Error).message);
      }
    });
  }

  resolve(instance: unknown, knownClass?: unknown): void {
    const { instrumentation, context } = this;
    instrumentation.pending = undefined;
    // A static call's `this` may be a subclass, or nothing at all (`const { build } = Tools`).
    const constructor = (knownClass as AnyClass | undefined) ?? (context.static ? (this.staticClass ?? (instance as AnyClass)) : declaringClass(instance, this.metadata));
    const site = memberSite('', constructor?.name ?? '', context.name, context.static);
    instrumentation.place = site.place;
    this.builders.forEach((builder, index) => {
      const decorator = this.decorators[index];
      try {
        const built = builder.build({ ...site, decorator });
        instrumentation.add(built.probe);
        if (constructor !== undefined) recordInstrumented(constructor, site.methodName, site.isStatic, instrumentedMetric(decorator, built.metric));
      } catch (error) {
        // Too late to throw at class definition: the class already exists. Say it loudly.
        logError((error as Error).message);
      }
    });
    if (constructor !== undefined) installCurrentWrapper(instrumentation, context, constructor);
  }
}

/**
 * The method's probes are known now: its class gets the wrapper made for them in place of the
 * general one it was given while they were pending, unless something else wraps it (a foreign
 * decorator applied after ours), or the member cannot be redefined (private, frozen).
 */
function installCurrentWrapper(instrumentation: Instrumentation, context: ClassMethodDecoratorContext, constructor: AnyClass): void {
  if (context.private) return;
  const holder: unknown = context.static ? constructor : constructor.prototype;
  if (typeof holder !== 'object' && typeof holder !== 'function') return;
  if (holder === null) return;
  const descriptor = Object.getOwnPropertyDescriptor(holder, context.name);
  if (descriptor === undefined || descriptor.configurable !== true || instrumentationOf(descriptor.value) !== instrumentation) return;
  const wrapper = currentWrapper(instrumentation);
  if (wrapper !== descriptor.value) Object.defineProperty(holder, context.name, { ...descriptor, value: wrapper });
}

/** The initializer that resolves `pending` with the first instance (or, static, the class), unless something resolved it first. */
function resolveOnInitialize(pending: ClassToBeKnown): (this: unknown) => void {
  return function (this: unknown) {
    if (pending.isPending) pending.resolve(this);
  };
}

/**
 * A static method's initializer: it runs while the class is being defined, so the class is
 * known but maybe not yet named; the probes are built a microtask later, once the code
 * defining the class has run (or earlier, by a call or a class-level decorator).
 */
function resolveOnceDefined(pending: ClassToBeKnown): (this: unknown) => void {
  return function (this: unknown) {
    pending.defineStaticClass(this as AnyClass);
  };
}

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
