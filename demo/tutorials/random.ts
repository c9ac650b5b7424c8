/** Where the demo draws its chances from: Math.random unless a test passes its own. */
export type Random = () => number;

/** Whole number in [min, max], both included. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
