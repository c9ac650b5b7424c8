import type { PromDecoratorsError } from './errors.js';

/**
 * Setup-time checks of an options object that every adapter and endpoint shares: unknown
 * options (with the known option a typo was probably meant to be), values of the wrong type,
 * paths that are not absolute. Each check throws the caller's own error class, built by
 * `makeError`, so the message names the adapter and the option in that caller's words.
 */

/** Builds the caller's error for one option: `(option, problem, fix) => new XOptionsError(where, option, problem, fix)`. */
export type OptionErrorFactory = (option: string, problem: string, fix: string) => PromDecoratorsError;

/** The types an option can be checked against, as the messages name them. */
export type OptionType = 'a function' | 'a boolean' | 'a string' | 'an object' | 'a number' | 'an array of numbers' | 'an array of strings';

const IS: Record<OptionType, (value: unknown) => boolean> = {
  'a function': (value) => typeof value === 'function',
  'a boolean': (value) => typeof value === 'boolean',
  'a string': (value) => typeof value === 'string',
  'an object': (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
  'a number': (value) => typeof value === 'number' && !Number.isNaN(value),
  'an array of numbers': (value) => Array.isArray(value) && value.every((item) => typeof item === 'number' && !Number.isNaN(item)),
  'an array of strings': (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
};

/**
 * Throws for the first key of `options` that is not in `known`: a misspelt option would
 * otherwise be ignored without a word, and its default silently used. A near miss names the
 * option it was probably meant to be.
 */
export function rejectUnknownOptions(where: string, options: object, known: readonly string[], makeError: OptionErrorFactory): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const meant = closestName(key, known);
    throw makeError(
      key,
      meant === undefined ? `unknown option "${key}"` : `unknown option "${key}" (did you mean "${meant}"?)`,
      meant === undefined ? `Remove it; ${where} takes ${known.join(', ')}` : `Rename it to "${meant}"`,
    );
  }
}

/** Throws when `options[key]` is set (not undefined) to a value that is not of `type`. */
export function checkOptionType(options: object, key: string, type: OptionType, makeError: OptionErrorFactory, fix: string): void {
  const value = (options as Record<string, unknown>)[key];
  if (value !== undefined && !IS[type](value)) throw makeError(key, `${key} must be ${type}, got ${describeValue(value)}`, fix);
}

/** Throws when `path` is not an absolute URL path (it must start with "/"). */
export function checkAbsolutePath(path: unknown, option: string, makeError: OptionErrorFactory, fix: string): void {
  if (typeof path !== 'string') throw makeError(option, `${option} must be a string, got ${describeValue(path)}`, fix);
  if (!path.startsWith('/')) throw makeError(option, `${option} ${JSON.stringify(path)} is not an absolute path (it must start with "/")`, fix);
}

/** A value as a message shows it: `the string "x"`, `the number 3`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `the ${typeof value} ${String(value)}`;
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/** The known name a misspelling was most likely meant to be: same letters in another case, or at most two edits away. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Two edits turn short names into unrelated ones ("skip" into "ship"): allow a third of the name, at most two.
  return bestDistance <= Math.min(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with one row of memory; names are short. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
