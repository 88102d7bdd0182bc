import { availableParallelism } from 'node:os';
import type { BatchLoaderStats } from '../../../shared/dataset/loader-stats';
import type { SkippedFile } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { AugmentationSettings } from '../../../shared/project/settings';
import { isAugmentationActive } from './augmentation';
import { DecodePool } from './decode-pool';
import type { DecodeWorkerLocation } from './decode-worker-location';
import type { DatasetSample } from './dataset-index';
import type { FileReader } from './image-decoder';
import { DEFAULT_MAX_PIXELS } from './image-decoder';
import { freshSeed, randomFor, shuffleInPlace } from './random';
import type { SampleJob } from './sample-processor';

/**
 * Batches for training and evaluation, streamed from disk: each epoch visits the samples in an order
 * shuffled with (seed, epoch); the next batches are prepared (on decode workers) while the consumer
 * works on the current one; decoded images are kept in a cache bounded by a byte budget. A file that
 * fails to decode is left out of its batch (which is then smaller), reported once, and not read again.
 * Batch composition depends only on the seed and the epoch, never on timing or on which files failed
 * earlier, so a run resumed at an epoch boundary sees the same batches.
 */

export interface BatchLoaderOptions {
  samples: readonly DatasetSample[];
  preprocessing: Preprocessing;
  batchSize: number;
  /** Shuffle each epoch (training); off: the samples' own order (validation, test). Default true. */
  shuffle?: boolean;
  /** Seeds the order and the augmentation; null or absent: a fresh seed (see `seed` on the loader). */
  seed?: number | null;
  /** Augmentation for every batch (give it for the training split only). */
  augmentation?: AugmentationSettings | null;
  /** Memory for decoded images, in bytes (8-bit pixels at the input size). Default 512 MiB. */
  cacheBytes?: number;
  /** Batches prepared ahead of the consumer. Default 2. */
  prefetchBatches?: number;
  /**
   * Also start the next epoch's first batches while this epoch's last ones are consumed, so that an
   * epoch's first step does not wait (training, where epoch follows epoch). Default false: a loader
   * read once (evaluation, validation) would decode batches nobody asks for.
   */
  prefetchNextEpoch?: boolean;
  /** Decode worker threads: `auto` (default) = CPU cores − 1, at least 1 and at most 4; 0 = in-thread. */
  workers?: number | 'auto';
  maxPixels?: number;
  /** Class names, to name the class of a file that fails to decode. */
  classes?: readonly string[];
  /** Calls back once per file that fails to decode. */
  onSkip?: (file: SkippedFile) => void;
  /** Tests: where the decode worker is (null forces in-thread). */
  workerLocation?: DecodeWorkerLocation | null;
  /** Tests: file reads for in-thread decoding. */
  readFile?: FileReader;
}

/** A batch in NHWC order, ready for `tf.tensor4d(x, shape)`. */
export interface Batch {
  /** N·H·W·C normalised values. */
  x: Float32Array;
  /** N labels. */
  y: Int32Array;
  /** The N files, absolute paths, in batch order. */
  files: string[];
  /** N: images in the batch (the last batch of an epoch, or one with files that failed, is smaller). */
  size: number;
  shape: [number, number, number, number];
  epoch: number;
  /** Index of the batch in its epoch (batches whose files all failed are skipped, so indices can jump). */
  index: number;
}

export interface BatchLoader {
  readonly sampleCount: number;
  readonly batchesPerEpoch: number;
  /** The seed in use (drawn when none was given). */
  readonly seed: number;
  /** Decoding on workers, or in-thread and why. */
  readonly mode: 'workers' | 'in-thread';
  /**
   * The batches of one epoch. Breaking out of the loop stops preparing more; an aborted signal ends
   * it with a `cancelled` StudioError. `fromBatch` starts within the epoch (same batches as a full pass).
   */
  batches(epoch: number, options?: { signal?: AbortSignal; fromBatch?: number }): AsyncGenerator<Batch, void, undefined>;
  stats(): BatchLoaderStats;
  /** Files that failed to decode so far, each once, in the order found. */
  skipped(): SkippedFile[];
  /** Stops the workers; the loader cannot be used afterwards. Safe to call twice. */
  dispose(): Promise<void>;
}

const DEFAULT_CACHE_BYTES = 512 * 1024 * 1024;

/** The visiting order of an epoch: a permutation of 0..count−1 from (seed, epoch), or 0..count−1 unshuffled. */
export function epochOrder(count: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  const order = Array.from({ length: count }, (_, i) => i);
  if (shuffle) shuffleInPlace(order, randomFor(seed, 'order', epoch));
  return Int32Array.from(order);
}

/** Default decode workers: leave one core to training. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Starts a loader (and its decode workers). Dispose it when done. */
export async function createBatchLoader(options: BatchLoaderOptions): Promise<BatchLoader> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new StudioError('invalid-argument', `The batch size must be a whole number of at least 1, not ${options.batchSize}.`, { where: 'training.batchSize' });
  }
  const classCount = options.classes?.length;
  for (const s of options.samples) {
    if (!Number.isInteger(s.label) || s.label < 0 || (classCount !== undefined && s.label >= classCount)) {
      throw new StudioError('invalid-argument', `${s.path} has label ${s.label}, which is not a class index.`, { where: s.path });
    }
  }
  const seed = options.seed ?? freshSeed();
  const augmentation = isAugmentationActive(options.augmentation) ? options.augmentation : null;
  const workers = options.workers === undefined || options.workers === 'auto' ? defaultWorkerCount() : options.workers;
  const pool = await DecodePool.start({
    config: {
      preprocessing: options.preprocessing,
      augmentation,
      seed,
      cacheBytes: options.cacheBytes ?? DEFAULT_CACHE_BYTES,
      maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
      concurrency: 4,
    },
    workers,
    location: options.workerLocation,
    readFile: options.readFile,
  });
  return new StreamingBatchLoader(options, pool, seed, augmentation !== null);
}

class StreamingBatchLoader implements BatchLoader {
  readonly sampleCount: number;
  readonly batchesPerEpoch: number;
  private readonly samples: readonly DatasetSample[];
  private readonly sampleSize: number;
  /** Samples known not to decode: left out of every later batch. */
  private readonly bad = new Set<number>();
  private readonly skippedFiles: SkippedFile[] = [];
  private counters = { batches: 0, samples: 0, waitMs: 0, lastWaitMs: 0 };
  private disposed = false;
  /** The next epoch's first batches, started while this epoch's last ones were consumed (`prefetchNextEpoch`). */
  private ahead: { epoch: number; order: Int32Array; batches: Promise<Batch | null>[] } | null = null;

  constructor(
    private readonly options: BatchLoaderOptions,
    private readonly pool: DecodePool,
    readonly seed: number,
    private readonly augment: boolean,
  ) {
    this.samples = [...options.samples];
    this.sampleCount = this.samples.length;
    this.batchesPerEpoch = Math.ceil(this.sampleCount / options.batchSize);
    const p = options.preprocessing;
    this.sampleSize = p.height * p.width * p.channels;
  }

  get mode(): 'workers' | 'in-thread' {
    return this.pool.mode;
  }

  async *batches(epoch: number, options: { signal?: AbortSignal; fromBatch?: number } = {}): AsyncGenerator<Batch, void, undefined> {
    if (this.disposed) throw new Error('the batch loader was disposed');
    const order = epochOrder(this.sampleCount, this.seed, epoch, this.options.shuffle ?? true);
    const depth = Math.max(1, Math.floor(this.options.prefetchBatches ?? 2));
    const inFlight: Promise<Batch | null>[] = [];
    let next = Math.max(0, Math.floor(options.fromBatch ?? 0));
    if (next === 0 && this.ahead?.epoch === epoch) {
      inFlight.push(...this.ahead.batches);
      next = this.ahead.batches.length;
    }
    this.ahead = null;
    const start = (from: Int32Array, index: number, of: number) => {
      const prepared = this.prepare(from, index, of);
      // Marked as handled now; the error still reaches the consumer when this batch is awaited.
      prepared.catch(() => undefined);
      return prepared;
    };
    const launch = () => {
      while (inFlight.length < depth && next < this.batchesPerEpoch) inFlight.push(start(order, next++, epoch));
      if (next < this.batchesPerEpoch || this.disposed || !this.options.prefetchNextEpoch) return;
      // This epoch's batches are all started: fill the rest of the depth with the next epoch's first ones.
      this.ahead ??= { epoch: epoch + 1, order: epochOrder(this.sampleCount, this.seed, epoch + 1, this.options.shuffle ?? true), batches: [] };
      const ahead = this.ahead;
      while (inFlight.length + ahead.batches.length < depth && ahead.batches.length < this.batchesPerEpoch) ahead.batches.push(start(ahead.order, ahead.batches.length, epoch + 1));
    };
    launch();
    while (inFlight.length > 0) {
      this.throwIfAborted(options.signal);
      const started = performance.now();
      const batch = await inFlight.shift()!;
      const waited = performance.now() - started;
      this.throwIfAborted(options.signal);
      launch();
      this.counters.waitMs += waited;
      if (!batch) continue;
      this.counters.lastWaitMs = waited;
      this.counters.batches++;
      this.counters.samples += batch.y.length;
      yield batch;
    }
  }

  stats(): BatchLoaderStats {
    const s = this.pool.stats();
    return {
      mode: this.pool.mode,
      workers: this.pool.workerCount,
      fallbackReason: this.pool.fallbackReason,
      ...this.counters,
      decodeMs: s.decodeMs,
      augmentMs: s.augmentMs,
      cache: { budgetBytes: s.budgetBytes, bytes: s.bytes, entries: s.entries, hits: s.hits, misses: s.misses, evictions: s.evictions },
      skipped: this.skippedFiles.length,
    };
  }

  skipped(): SkippedFile[] {
    return [...this.skippedFiles];
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.pool.dispose();
  }

  private async prepare(order: Int32Array, index: number, epoch: number): Promise<Batch | null> {
    const { batchSize, preprocessing: p } = this.options;
    const chosen = Array.from(order.subarray(index * batchSize, (index + 1) * batchSize)).filter((i) => !this.bad.has(i));
    if (chosen.length === 0) return null;
    const jobs: SampleJob[] = chosen.map((i) => {
      const sample = this.samples[i]!;
      return { path: sample.path, key: sample.file, augmentEpoch: this.augment ? epoch : null };
    });
    const { x, failures } = await this.pool.process(jobs);
    const failed = new Set<number>();
    for (const failure of failures) {
      const sampleIndex = chosen[failure.job]!;
      failed.add(failure.job);
      this.recordFailure(sampleIndex, failure.code, failure.reason);
    }
    const kept = chosen.map((sampleIndex, job) => ({ sampleIndex, job })).filter(({ job }) => !failed.has(job));
    if (kept.length === 0) return null;
    let data = x;
    if (failed.size > 0) {
      data = new Float32Array(kept.length * this.sampleSize);
      kept.forEach(({ job }, k) => data.set(x.subarray(job * this.sampleSize, (job + 1) * this.sampleSize), k * this.sampleSize));
    }
    return {
      x: data,
      y: Int32Array.from(kept.map(({ sampleIndex }) => this.samples[sampleIndex]!.label)),
      files: kept.map(({ sampleIndex }) => this.samples[sampleIndex]!.path),
      size: kept.length,
      shape: [kept.length, p.height, p.width, p.channels],
      epoch,
      index,
    };
  }

  private recordFailure(sampleIndex: number, code: SkippedFile['code'], reason: string): void {
    if (this.bad.has(sampleIndex)) return;
    this.bad.add(sampleIndex);
    const sample = this.samples[sampleIndex]!;
    const skipped: SkippedFile = {
      file: sample.file,
      path: sample.path,
      code,
      reason,
      stage: 'decode',
      split: sample.split,
      className: this.options.classes?.[sample.label] ?? null,
    };
    this.skippedFiles.push(skipped);
    this.options.onSkip?.(skipped);
  }

  private throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw new StudioError('cancelled', 'Loading batches was cancelled.');
  }
}
