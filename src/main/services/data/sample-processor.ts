import type { SkipCode } from '../../../shared/dataset/dataset-report';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { AugmentationSettings } from '../../../shared/project/settings';
import { augmentImage, isAugmentationActive } from './augmentation';
import type { CacheStats } from './decoded-cache';
import { DecodedImageCache } from './decoded-cache';
import type { DecodedImage, FileReader } from './image-decoder';
import { decodeImageFile } from './image-decoder';
import { isImageProblem } from './image-problem';
import { normalizePixelsInto, normalizeUnitInto, pixelsToUnit } from './normalization';

/**
 * Turns samples into normalised input arrays: decoded images come from a bounded cache or from disk,
 * then are augmented (training only) and normalised. The same code runs on a worker thread and, as a
 * fallback, on the loader's own thread, so both give identical arrays.
 */

export interface ProcessorConfig {
  preprocessing: Preprocessing;
  /** Null or all-off: no augmentation. */
  augmentation: AugmentationSettings | null;
  seed: number;
  cacheBytes: number;
  maxPixels: number;
  /** Images decoded at the same time (sharp decodes on libuv's thread pool). */
  concurrency: number;
}

/** One image to prepare. */
export interface SampleJob {
  path: string;
  /** The key augmentation draws are derived from (the file relative to the dataset root). */
  key: string;
  /** The epoch to augment for, or null for no augmentation (validation, test, prediction). */
  augmentEpoch: number | null;
}

export interface SampleFailure {
  /** Index of the job in the request. */
  job: number;
  code: SkipCode;
  reason: string;
}

export interface ProcessorStats extends CacheStats {
  decodeMs: number;
  augmentMs: number;
}

export interface ProcessedSamples {
  /** Job i's image at i · H·W·C; a failed job's slot is zeros. */
  x: Float32Array;
  failures: SampleFailure[];
}

/** Decodes (through its cache), augments and normalises samples on the thread it lives on. */
export class SampleProcessor {
  private readonly cache: DecodedImageCache;
  private readonly sampleSize: number;
  private decodeMs = 0;
  private augmentMs = 0;

  constructor(
    private readonly config: ProcessorConfig,
    private readonly readFile?: FileReader,
  ) {
    this.cache = new DecodedImageCache(config.cacheBytes);
    const p = config.preprocessing;
    this.sampleSize = p.height * p.width * p.channels;
  }

  /** Prepares the jobs into one array (job order); bad files become failures, never exceptions. */
  async process(jobs: readonly SampleJob[]): Promise<ProcessedSamples> {
    const x = new Float32Array(jobs.length * this.sampleSize);
    const failures: SampleFailure[] = [];
    const images = await this.decodeAll(jobs, failures);
    const started = performance.now();
    jobs.forEach((job, i) => {
      const image = images[i];
      if (image) this.write(image, job, x, i * this.sampleSize);
    });
    this.augmentMs += performance.now() - started;
    return { x, failures };
  }

  stats(): ProcessorStats {
    return { ...this.cache.stats(), decodeMs: this.decodeMs, augmentMs: this.augmentMs };
  }

  private async decodeAll(jobs: readonly SampleJob[], failures: SampleFailure[]): Promise<(DecodedImage | undefined)[]> {
    const images: (DecodedImage | undefined)[] = jobs.map((job) => this.cache.get(job.path));
    const missing = jobs.map((_, i) => i).filter((i) => !images[i]);
    const started = performance.now();
    let nextIndex = 0;
    const worker = async () => {
      while (nextIndex < missing.length) {
        const i = missing[nextIndex++]!;
        const job = jobs[i]!;
        try {
          const image = await decodeImageFile(job.path, this.config.preprocessing, { maxPixels: this.config.maxPixels, readFile: this.readFile });
          images[i] = image;
          this.cache.set(job.path, image);
        } catch (error) {
          if (!isImageProblem(error)) throw error;
          failures.push({ job: i, code: error.problem, reason: error.reason });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, this.config.concurrency), missing.length) }, worker));
    this.decodeMs += performance.now() - started;
    failures.sort((a, b) => a.job - b.job);
    return images;
  }

  private write(image: DecodedImage, job: SampleJob, out: Float32Array, offset: number): void {
    const p = this.config.preprocessing;
    const augmentation = this.config.augmentation;
    if (job.augmentEpoch === null || !isAugmentationActive(augmentation)) {
      normalizePixelsInto(image, p, out, offset);
      return;
    }
    const unit = augmentImage(pixelsToUnit(image), image, augmentation, this.config.seed, job.augmentEpoch, job.key);
    normalizeUnitInto(unit, p, out, offset);
  }
}
