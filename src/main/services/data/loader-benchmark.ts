import type { BatchLoaderStats } from '../../../shared/dataset/loader-stats';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { AugmentationSettings } from '../../../shared/project/settings';
import { createBatchLoader } from './batch-loader';
import type { DatasetSample } from './dataset-index';

/**
 * Measures how fast the batch loader delivers batches, for `npm run bench` (never for tests): each
 * epoch is consumed by a stand-in training step that keeps the calling thread busy for `stepMs`
 * per batch (as a WebAssembly step does), so the figures show whether preparation keeps up.
 */

export interface LoaderBenchmarkOptions {
  samples: readonly DatasetSample[];
  preprocessing: Preprocessing;
  batchSize?: number;
  epochs?: number;
  workers?: number | 'auto';
  augmentation?: AugmentationSettings | null;
  cacheBytes?: number;
  /** Busy time of the stand-in training step per batch, in ms (0: measure delivery alone). */
  stepMs?: number;
  seed?: number;
}

export interface LoaderEpochFigures {
  epoch: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** Share of the epoch's wall time spent waiting for batches. */
  waitFraction: number;
}

export interface LoaderBenchmarkResult {
  startSeconds: number;
  epochs: LoaderEpochFigures[];
  stats: BatchLoaderStats;
}

/** Runs the loader for a few epochs under a stand-in step and reports the figures. */
export async function benchmarkBatchLoader(options: LoaderBenchmarkOptions): Promise<LoaderBenchmarkResult> {
  const started = performance.now();
  const loader = await createBatchLoader({
    samples: options.samples,
    preprocessing: options.preprocessing,
    batchSize: options.batchSize ?? 64,
    seed: options.seed ?? 1,
    workers: options.workers ?? 'auto',
    augmentation: options.augmentation ?? null,
    cacheBytes: options.cacheBytes,
  });
  const startSeconds = (performance.now() - started) / 1000;
  const epochs: LoaderEpochFigures[] = [];
  try {
    for (let epoch = 0; epoch < (options.epochs ?? 3); epoch++) {
      const before = loader.stats().waitMs;
      const t0 = performance.now();
      let images = 0;
      for await (const batch of loader.batches(epoch)) {
        images += batch.size;
        busy(options.stepMs ?? 0);
      }
      const ms = performance.now() - t0;
      epochs.push({ epoch, images, seconds: ms / 1000, imagesPerSecond: (images / ms) * 1000, waitFraction: (loader.stats().waitMs - before) / ms });
    }
    return { startSeconds, epochs, stats: loader.stats() };
  } finally {
    await loader.dispose();
  }
}

/** Keeps the thread busy, as a synchronous training step does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}
