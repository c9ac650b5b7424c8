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
