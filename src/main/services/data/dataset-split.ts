import { randomFor, shuffleInPlace } from './random';

/**
 * A stratified train/validation split: each class gives the same fraction of its images (rounded,
 * at least one when it has two or more, never all), chosen with a generator seeded by (seed, class
 * name), so the same seed gives the same split and adding a class leaves the others' splits as they were.
 */
export function splitClass<T>(items: readonly T[], fraction: number, seed: number, className: string): { train: T[]; validation: T[] } {
  const count = validationCount(items.length, fraction);
  if (count === 0) return { train: [...items], validation: [] };
  const picked = new Set(shuffleInPlace(items.map((_, i) => i), randomFor(seed, 'validation', className)).slice(0, count));
  // Both parts keep the items' own (sorted) order.
  return { train: items.filter((_, i) => !picked.has(i)), validation: items.filter((_, i) => picked.has(i)) };
}

/** How many of `n` images go to validation for a fraction. */
export function validationCount(n: number, fraction: number): number {
  if (fraction <= 0 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}
