import { stat } from 'node:fs/promises';
import type { SkippedFile } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import type { BaselineFeatures } from '../../../shared/hog/feature-spec';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { DatasetSample } from '../data';
import { decodeImageFile, isImageProblem } from '../data';
import { problemFromFileError } from '../data/image-problem';
import type { CacheEntry, FeatureCache } from './feature-cache';
import { imageFeaturesInto } from './image-features';

/** The features of a split: one float32 row of `length` values per usable image, with its label. */
export interface FeatureTable {
  count: number;
  length: number;
  values: Float32Array;
  labels: Int32Array;
  /** Absolute paths, row by row. */
  files: string[];
  /** What identifies each row in a feature cache. */
  entries: CacheEntry[];
  /** Rows taken from a cache instead of decoded. */
  reused: number;
}

export interface FeatureExtractionOptions {
  features: BaselineFeatures;
  preprocessing: Preprocessing;
  length: number;
  cache?: FeatureCache | null;
  classes: readonly string[];
  signal?: AbortSignal;
  /** Images decoded at the same time (sharp decodes on libuv's threads). Default 8. */
  concurrency?: number;
  /** Called as images are done (at most every 100 ms, and at the end). */
  onProgress?: (done: number, total: number) => void;
  /** Called once per file that cannot be decoded; the file is left out. */
  onSkip?: (file: SkippedFile) => void;
}

/** Decodes each sample once (or takes it from the cache) and computes its features. */
export async function extractDatasetFeatures(samples: readonly DatasetSample[], options: FeatureExtractionOptions): Promise<FeatureTable> {
  const { length } = options;
  // One block for every row; the rows of skipped files are squeezed out at the end.
  const values = new Float32Array(samples.length * length);
  const entries: (CacheEntry | null)[] = new Array(samples.length).fill(null);
  let reused = 0;
  let done = 0;
  let lastProgress = 0;
  let next = 0;
  const work = async () => {
    while (next < samples.length) {
      if (options.signal?.aborted) throw new StudioError('cancelled', 'Computing the features was cancelled.');
      const index = next++;
      const sample = samples[index]!;
      try {
        const info = await stat(sample.path).catch((error: unknown) => {
          throw problemFromFileError(sample.path, error);
        });
        const entry: CacheEntry = { path: sample.path, size: info.size, mtimeMs: info.mtimeMs };
        const cached = options.cache?.lookup(entry) ?? null;
        if (cached) {
          values.set(cached, index * length);
          reused += 1;
        } else {
          imageFeaturesInto(await decodeImageFile(sample.path, options.preprocessing), options.features, options.preprocessing, values, index * length);
        }
        entries[index] = entry;
      } catch (error) {
        if (!isImageProblem(error)) throw error;
        options.onSkip?.({
          file: sample.file,
          path: sample.path,
          code: error.problem,
          reason: error.reason,
          stage: 'decode',
          split: sample.split,
          className: options.classes[sample.label] ?? null,
        });
      }
      done += 1;
      const now = Date.now();
      if (options.onProgress && (now - lastProgress >= 100 || done === samples.length)) {
        lastProgress = now;
        options.onProgress(done, samples.length);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, samples.length)) }, work));
  const kept = samples.map((_, i) => i).filter((i) => entries[i]);
  kept.forEach((i, k) => {
    if (i !== k) values.copyWithin(k * length, i * length, (i + 1) * length);
  });
  return {
    count: kept.length,
    length,
    values: kept.length === samples.length ? values : values.subarray(0, kept.length * length),
    labels: Int32Array.from(kept.map((i) => samples[i]!.label)),
    files: kept.map((i) => samples[i]!.path),
    entries: kept.map((i) => entries[i]!),
    reused,
  };
}
