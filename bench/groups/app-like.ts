import { Registry } from '../../spec/support/prometheus-client.js';
import { buildApp, exercise } from '../subjects/app.js';
import { bareSync } from '../subjects/bare.js';
import { decoratedSync } from '../subjects/decorated.js';
import { handWrittenSync } from '../subjects/hand-written.js';
import { runAsGroup, groupOptions } from '../support/group-main.js';
import { measureSubjects, syncSubject, type MethodCallsResult, type TimingOptions } from './method-calls.js';

/**
 * `@Counted` alone, sync, in an app-like process: before anything is measured, 80 decorated
 * methods of 40 classes (mixed decorator sets, sync and async) run, so any wrapper code they
 * share with the measured method has seen many shapes (megamorphic), as in a real app.
 * Measured against the bare method and a pre-bound child's `inc()`, as in the call group.
 */

export interface AppLikeOptions extends Omit<TimingOptions, 'mode'> {
  classes: number;
  methodsPerClass: number;
  /** Calls of each app method before measuring. */
  appCalls: number;
}

export interface AppLikeResult extends MethodCallsResult {
  appMethods: number;
}

async function measure(options: AppLikeOptions): Promise<AppLikeResult> {
  const app = buildApp(new Registry(), options.classes, options.methodsPerClass);
  const subjects = [
    syncSubject('bare', 'bare', bareSync()),
    syncSubject('hand:count', 'hand', handWrittenSync('count', new Registry()), 'count'),
    syncSubject('ours:default:count', 'ours', decoratedSync('count', 'default', new Registry()), 'count', 'default'),
    syncSubject('ours:named:count', 'ours', decoratedSync('count', 'named', new Registry()), 'count', 'named'),
  ];
  const result = await measureSubjects(subjects, { ...options, mode: 'sync' }, () => exercise(app, options.appCalls));
  return { ...result, appMethods: app.length };
}

if (require.main === module) runAsGroup(() => measure(groupOptions<AppLikeOptions>()));
