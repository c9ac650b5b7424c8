import { DecoratorMisuseError } from '../errors.js';
import { instrumentedMetric, recordInstrumentedFunction } from '../metadata.js';
import { Instrumentation } from './instrumentation.js';
import type { CallSite, ProbeRecipe } from './probe.js';
import { instrumentationOf, wrapFunction, type AnyFunction } from './wrap.js';

/** A plain function: `Timed({ name: 'fetch_seconds' })(fetchRepo)` returns the instrumented function. */
export function instrumentFunction<F extends AnyFunction>(recipe: ProbeRecipe, fn: F): F {
  const methodName = recipe.functionName ?? fn.name;
  if (methodName === '') {
    throw new DecoratorMisuseError(recipe.decorator, 'an anonymous function', 'the function has no name to use as the method label', `Pass { method: 'fetchRepo' } to name it`);
  }
  const site: CallSite = { decorator: recipe.decorator, className: '', methodName, isStatic: false, place: methodName };
  const built = recipe.validate(site).build(site);
  const existing = instrumentationOf(fn);
  const instrumentation = existing ?? new Instrumentation(site.place);
  instrumentation.add(built.probe);
  // Stacked: the function given is returned (it is the one the caller holds), and it defers to
  // the wrapper made for the new set of probes.
  const wrapper = existing === undefined ? wrapFunction(fn, instrumentation) : fn;
  // Listed while the wrapper lives: a function wrapped per request is forgotten with it.
  recordInstrumentedFunction(wrapper, methodName, instrumentedMetric(recipe.decorator, built.metric));
  return wrapper;
}
