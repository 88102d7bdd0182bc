import { defineStore } from 'pinia';
import { shallowReactive } from 'vue';
import { MAX_THUMBNAILS_PER_REQUEST } from '../../../shared/api/methods/dataset';
import { describeError } from '../../../shared/errors';
import { useClientStore } from './client-store';

/** A thumbnail as the window holds it: a data URL, or why there is none. */
export interface ThumbnailEntry {
  url: string | null;
  error: string | null;
  loading: boolean;
}

/** The size thumbnails are made at (CSS shows them smaller or larger; 28x28 images stay 28x28). */
export const THUMBNAIL_SIZE = 96;
/** Thumbnails kept; the oldest go first (a dataset's thousands of images would not fit). */
const MAX_CACHED = 2000;

/**
 * Thumbnails of image files on the services' machine, cached by path. Requests made in the same tick
 * travel together (up to MAX_THUMBNAILS_PER_REQUEST per call), so a grid of a hundred images is two
 * calls, not a hundred.
 */
export const useThumbnailStore = defineStore('thumbnails', () => {
  const clients = useClientStore();
  const entries = shallowReactive(new Map<string, ThumbnailEntry>());
  let queue: string[] = [];
  let scheduled = false;

  function get(file: string): ThumbnailEntry | undefined {
    return entries.get(file);
  }

  /** Asks for a file's thumbnail (once); `get` has it when it arrives. */
  function request(file: string): void {
    if (entries.has(file)) return;
    entries.set(file, { url: null, error: null, loading: true });
    queue.push(file);
    if (entries.size > MAX_CACHED) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined && !queue.includes(oldest)) entries.delete(oldest);
    }
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const files = queue;
    queue = [];
    for (let i = 0; i < files.length; i += MAX_THUMBNAILS_PER_REQUEST) {
      const batch = files.slice(i, i + MAX_THUMBNAILS_PER_REQUEST);
      try {
        const { images } = await clients.use().call('dataset.thumbnails', { files: batch, size: THUMBNAIL_SIZE });
        for (const image of images) {
          entries.set(image.file, { url: image.png ? `data:image/png;base64,${image.png}` : null, error: image.error ?? null, loading: false });
        }
      } catch (error) {
        for (const file of batch) entries.set(file, { url: null, error: describeError(error), loading: false });
      }
    }
  }

  return { get, request };
});
