import type { DecodedImage } from './image-decoder';

/** What the cache did so far. */
export interface CacheStats {
  budgetBytes: number;
  bytes: number;
  entries: number;
  hits: number;
  misses: number;
  evictions: number;
}

/** Bookkeeping per entry (the Map's node, the key and the image object), counted against the budget. */
const ENTRY_OVERHEAD_BYTES = 160;

/**
 * Decoded images by key, least recently used first out, within a budget in bytes (pixels plus a
 * fixed overhead per entry). An image larger than the whole budget is not kept. Beyond the budget
 * images are decoded again from disk, which is what lets a dataset larger than memory train.
 */
export class DecodedImageCache {
  readonly budgetBytes: number;
  private readonly entries = new Map<string, DecodedImage>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(budgetBytes: number) {
    this.budgetBytes = Math.max(0, Math.floor(budgetBytes));
  }

  /** The image, marked as most recently used; undefined (a miss) when absent. */
  get(key: string): DecodedImage | undefined {
    const image = this.entries.get(key);
    if (!image) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting moves the entry to the most-recent end.
    this.entries.delete(key);
    this.entries.set(key, image);
    return image;
  }

  /** Keeps the image, evicting the least recently used ones until it fits. */
  set(key: string, image: DecodedImage): void {
    const size = sizeOf(image);
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= sizeOf(previous);
    }
    if (size > this.budgetBytes) return;
    while (this.bytes + size > this.budgetBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.bytes -= sizeOf(this.entries.get(oldest.value)!);
      this.entries.delete(oldest.value);
      this.evictions++;
    }
    this.entries.set(key, image);
    this.bytes += size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return { budgetBytes: this.budgetBytes, bytes: this.bytes, entries: this.entries.size, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }
}

function sizeOf(image: DecodedImage): number {
  return image.data.byteLength + ENTRY_OVERHEAD_BYTES;
}
