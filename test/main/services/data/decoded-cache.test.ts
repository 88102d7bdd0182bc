import { describe, expect, it } from 'vitest';
import { DecodedImageCache } from '../../../../src/main/services/data/decoded-cache';
import type { DecodedImage } from '../../../../src/main/services/data/image-decoder';

const img = (bytes: number): DecodedImage => ({ data: new Uint8Array(bytes), height: 1, width: bytes, channels: 1 });
/** Each entry counts its pixels plus a fixed overhead (160 bytes). */
const entry = (bytes: number) => bytes + 160;

describe('DecodedImageCache', () => {
  it('keeps_within_its_budget_evicting_the_least_recently_used', () => {
    const cache = new DecodedImageCache(3 * entry(100));
    cache.set('a', img(100));
    cache.set('b', img(100));
    cache.set('c', img(100));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent: b is the oldest
    cache.set('d', img(100));
    expect(cache.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((k) => cache.has(k))).toBe(true);
    expect(cache.stats()).toMatchObject({ bytes: 3 * entry(100), entries: 3, hits: 1, evictions: 1 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.stats().misses).toBe(1);
  });

  it('does_not_keep_an_image_larger_than_the_budget_and_replaces_keys', () => {
    const cache = new DecodedImageCache(entry(100));
    cache.set('big', img(101));
    expect(cache.stats().entries).toBe(0);
    cache.set('a', img(50));
    cache.set('a', img(100));
    expect(cache.stats()).toMatchObject({ bytes: entry(100), entries: 1, evictions: 0 });
    const zero = new DecodedImageCache(0);
    zero.set('a', img(1));
    expect(zero.has('a')).toBe(false);
  });
});
