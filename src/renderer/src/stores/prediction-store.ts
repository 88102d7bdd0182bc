import { defineStore } from 'pinia';
import { ref } from 'vue';
import { MAX_PREDICT_IMAGES, MAX_UPLOAD_IMAGE_BYTES, MAX_UPLOAD_REQUEST_BYTES } from '../../../shared/api/methods/prediction';
import { describeError } from '../../../shared/errors';
import { useClientStore } from './client-store';

/** One image the user dropped or picked, and what the run makes of it. */
export interface PredictedImage {
  id: number;
  name: string;
  /** An object URL of the file, to show it. */
  url: string | null;
  status: 'waiting' | 'done' | 'failed';
  /** Every class with its probability, most likely first. */
  ranking: { label: string; probability: number }[];
  error: string | null;
}

/** A File's bytes as base64 (in slices: a spread of a large array overflows the call stack). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Splits files into requests under the upload limits. */
export function uploadBatches<T extends { size: number }>(files: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length && (current.length >= MAX_PREDICT_IMAGES || bytes + file.size > MAX_UPLOAD_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length) batches.push(current);
  return batches;
}

let nextId = 1;

/**
 * The prediction view: images dropped or picked in the window are uploaded (the services may run on
 * another machine in browser mode) and classified with the chosen run and its own preprocessing.
 */
export const usePredictionStore = defineStore('prediction', () => {
  const clients = useClientStore();
  const images = ref<PredictedImage[]>([]);
  const running = ref(false);

  function update(id: number, patch: Partial<PredictedImage>): void {
    images.value = images.value.map((image) => (image.id === id ? { ...image, ...patch } : image));
  }

  /** Classifies files with a run; each image's answer (or the reason it has none) shows as it comes. */
  async function predict(runDir: string, files: readonly File[]): Promise<void> {
    const entries = files.map((file) => ({
      file,
      image: { id: nextId++, name: file.name, url: typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null, status: 'waiting', ranking: [], error: null } as PredictedImage,
    }));
    images.value = [...entries.map((e) => e.image), ...images.value];
    const tooBig = entries.filter((e) => e.file.size > MAX_UPLOAD_IMAGE_BYTES);
    for (const e of tooBig) update(e.image.id, { status: 'failed', error: `${e.file.name} has ${(e.file.size / 1024 / 1024).toFixed(1)} MB; images up to ${MAX_UPLOAD_IMAGE_BYTES / 1024 / 1024} MB can be uploaded.` });
    const sendable = entries.filter((e) => e.file.size <= MAX_UPLOAD_IMAGE_BYTES);
    running.value = true;
    try {
      for (const batch of uploadBatches(sendable.map((e) => ({ ...e, size: e.file.size })))) {
        try {
          const uploads = await Promise.all(batch.map(async (e) => ({ name: e.file.name, data: await fileToBase64(e.file) })));
          const { labels, predictions } = await clients.use().call('prediction.predictImages', { runDir, images: uploads });
          predictions.forEach((p, i) => {
            const id = batch[i]!.image.id;
            if (p.error || p.label === null) update(id, { status: 'failed', error: p.error ?? 'The image could not be read.' });
            else update(id, { status: 'done', ranking: labels.map((label, c) => ({ label, probability: p.probabilities[c] ?? 0 })).sort((a, b) => b.probability - a.probability) });
          });
        } catch (failure) {
          for (const e of batch) update(e.image.id, { status: 'failed', error: describeError(failure) });
        }
      }
    } finally {
      running.value = false;
    }
  }

  function clear(): void {
    for (const image of images.value) if (image.url && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(image.url);
    images.value = [];
  }

  return { images, running, predict, clear };
});
