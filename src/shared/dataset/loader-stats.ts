import { z } from 'zod';

/**
 * How the batch loader is doing, for the UI, the run log and the benchmark ("fraction of the step
 * waiting for data" = waitMs / total step time). Times are milliseconds of wall-clock time.
 */
export interface BatchLoaderStats {
  /** `workers`: decoding and augmentation on worker threads; `in-thread`: on the caller's thread. */
  mode: 'workers' | 'in-thread';
  workers: number;
  /** Why the loader runs in-thread although workers were asked for (the worker file was not found, a worker died). */
  fallbackReason: string | null;
  /** Batches handed to the consumer, and the images in them. */
  batches: number;
  samples: number;
  /** Time the consumer spent waiting for batches, in total and for the last batch. */
  waitMs: number;
  lastWaitMs: number;
  /** Time spent decoding (sharp, reading files) and augmenting + normalising, summed over threads. */
  decodeMs: number;
  augmentMs: number;
  cache: {
    budgetBytes: number;
    bytes: number;
    entries: number;
    hits: number;
    misses: number;
    evictions: number;
  };
  /** Files that failed to decode while loading (each counted once). */
  skipped: number;
}

const count = z.number().int().min(0);
const millis = z.number().min(0);

/** Checks loader statistics received over a process boundary. */
export const batchLoaderStatsSchema: z.ZodType<BatchLoaderStats> = z.strictObject({
  mode: z.enum(['workers', 'in-thread']),
  workers: count,
  fallbackReason: z.string().max(2000).nullable(),
  batches: count,
  samples: count,
  waitMs: millis,
  lastWaitMs: millis,
  decodeMs: millis,
  augmentMs: millis,
  cache: z.strictObject({ budgetBytes: count, bytes: count, entries: count, hits: count, misses: count, evictions: count }),
  skipped: count,
});
