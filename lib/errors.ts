// The published declarations use Node's types (node:http, Buffer). TypeScript 6 loads no
// @types package by itself (types defaults to []), so without this line an app that turns on
// only experimentalDecorators fails to compile our .d.ts. errors.d.ts is always loaded through
// index.d.ts; preserve="true" keeps the directive in the emitted declaration.
/// <reference types="node" preserve="true" />
/**
 * Every error the library throws at setup time says where it happened, what is wrong and how
 * to fix it, in one shape: `${where}: ${problem}. ${fix}`. Catch this class to handle all of
 * them; the subclasses say which kind of setup went wrong and carry its details.
 */
export class PromDecoratorsError extends Error {
  constructor(
    /** What was being set up: `@Timed on UserService.find`, `exposeMetrics()`, `Info "application"`. */
    readonly where: string,
    /** What is wrong, without the trailing period. */
    readonly problem: string,
    /** What to do instead. */
    readonly fix: string,
  ) {
    super(`${where}: ${problem}. ${fix}`);
    this.name = new.target.name;
  }
}

/**
 * Misuse found when a class is defined throws at once, with a message that names the
 * decorator, where it was applied and how to fix it:
 *   @Timed on UserService.find: metric name "user-find" is invalid (...). Pass { name: "user_find" }.
 */
export class DecoratorMisuseError extends PromDecoratorsError {
  constructor(
    /** The decorator's name without the @: "Timed", "Counted", ... */
    readonly decorator: string,
    /** Where it was applied: "UserService.find". */
    readonly place: string,
    problem: string,
    fix: string,
  ) {
    super(`@${decorator} on ${place}`, problem, fix);
  }
}

/**
 * Bad options of an endpoint throw when it is created: exposeMetrics(), metricsHandler(),
 * koaMetrics(), fastifyMetrics(), pushMetrics(), clusterWorkerMetrics() and their cluster option:
 *   pushMetrics(): url "localhost:9091" must be an http(s) URL. Pass { url: 'http://localhost:9091', job: 'my_job' }.
 */
export class EndpointOptionsError extends PromDecoratorsError {
  constructor(
    /** The function the options were given to: "exposeMetrics()", "pushMetrics()", ... */
    readonly entryPoint: string,
    /** The option at fault, when one is: "path", "basicAuth", "cluster.workerTimeoutSeconds". */
    readonly option: string | undefined,
    problem: string,
    fix: string,
  ) {
    super(entryPoint, problem, fix);
  }
}

/**
 * Bad options or values of an Info or Enum metric throw where they are given:
 *   Enum "application_state": "paused" is not one of its states. Pass one of: starting, running, stopped.
 */
export class MetricOptionsError extends PromDecoratorsError {
  constructor(
    /** "Info" or "Enum". */
    readonly kind: string,
    /** The metric's name; undefined when the name itself is the problem. */
    readonly metric: string | undefined,
    problem: string,
    fix: string,
  ) {
    super(metric === undefined ? kind : `${kind} "${metric}"`, problem, fix);
  }
}
