/**
 * Seeded randomness for splits, epoch order and augmentation. Every stream is derived from a key
 * (`seed/purpose/epoch/file`), so a result depends only on its own key: adding a class does not change
 * another class's split, and a sample's augmentation does not depend on which thread or batch drew it.
 */

/** A 32-bit hash of the key's parts (FNV-1a over the joined text, then a final avalanche). */
export function hashKey(...parts: readonly (string | number)[]): number {
  const text = parts.join('/');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return avalanche(hash);
}

/** Mixes all bits of a 32-bit integer (the finaliser of MurmurHash3). */
function avalanche(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform generator on [0, 1) from a 32-bit seed (mulberry32: small, fast, good enough for data order). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator for the key's parts. */
export function randomFor(...parts: readonly (string | number)[]): () => number {
  return createRandom(hashKey(...parts));
}

/** Shuffles in place (Fisher–Yates) with the given generator; returns the same array. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/** A seed for runs without one: different on every call. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
