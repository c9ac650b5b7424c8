// The published declarations use Node's types (node:http, Buffer). TypeScript 6 loads no
// @types package by itself (types defaults to []), so without this line an app that turns on
// only experimentalDecorators fails to compile our .d.ts. errors.d.ts is always loaded through
// index.d.ts; preserve="true" keeps the directive in the emitted declaration.
/// <reference types="node" preserve="true" />
/**
 * Misuse found when a class is defined throws at once, with a message that names the
 * decorator, where it was applied and how to fix it:
 *   @Timed on UserService.find: metric name "user-find" is invalid (...). Pass { name: "user_find" }.
 */
export class DecoratorMisuseError extends Error {
  constructor(
    readonly decorator: string,
    readonly place: string,
    problem: string,
    fix: string,
  ) {
    super(`@${decorator} on ${place}: ${problem}. ${fix}`);
    this.name = 'DecoratorMisuseError';
  }
}
