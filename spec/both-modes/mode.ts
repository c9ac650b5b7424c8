/** Which decorator standard this spec file was compiled with, told the way the library tells it. */
function detect(...args: unknown[]): void {
  detected = args.length === 2 && typeof args[1] === 'object' ? 'standard' : 'legacy';
}
let detected = 'legacy' as 'legacy' | 'standard';

class Probe {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a probe decorator that must fit either decorator standard
  @(detect as any)
  method(): void {}
}
void Probe;

export const MODE: 'legacy' | 'standard' = detected as 'legacy' | 'standard';

/**
 * Where misuse messages say a decorator was applied: standard decorators are not told the
 * class of a method when they run, so the class shows as "?" there.
 */
export function placeOf(className: string, methodName: string): string {
  return `${MODE === 'standard' ? '?' : className}.${methodName}`;
}
