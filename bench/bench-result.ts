import { z } from 'zod';
import { BENCH_BACKENDS } from './bench-backends';

/**
 * What one benchmark child process (one net on one backend) reports, and the PyTorch script's report:
 * both cross a process boundary, so both are checked with zod on arrival.
 */

const ms = z.number().min(0);

export const kernelShareSchema = z.strictObject({ name: z.string(), ms, share: z.number().min(0) });
export type KernelShare = z.infer<typeof kernelShareSchema>;

export const childSpecSchema = z.strictObject({
  net: z.string(),
  backend: z.enum(BENCH_BACKENDS),
  threads: z.number().int().min(1),
  steps: z.number().int().min(1),
  warmup: z.number().int().min(0),
  data: z.enum(['loader', 'synthetic']),
  adam: z.enum(['fused', 'tfjs']),
});
export type ChildSpec = z.infer<typeof childSpecSchema>;

export const childResultSchema = z.strictObject({
  net: z.string(),
  backend: z.enum(BENCH_BACKENDS),
  threads: z.number().int().min(1),
  /** The engine's own description of the backend ("WebAssembly (SIMD, 2 threads)"). */
  label: z.string(),
  steps: z.number().int().min(1),
  batch: z.number().int().min(1),
  train: z.strictObject({
    imagesPerSecond: z.number().min(0),
    medianStepMs: ms,
    /** Fraction of the timed steps' wall time spent waiting for the next batch. */
    waitFraction: z.number().min(0).max(1),
    /** The same during the warm-up steps (the first epoch, when images are decoded for the first time). */
    warmupWaitFraction: z.number().min(0).max(1),
    stepMs: z.array(ms),
  }),
  infer: z.strictObject({ imagesPerSecond: z.number().min(0), medianBatchMs: ms }),
  /** One profiled step by kernel (this thread's kernels only for replicas); `unattributed` is JS time outside kernels. */
  kernels: z.strictObject({ stepMs: ms, top: z.array(kernelShareSchema), otherMs: ms, unattributedMs: ms }),
  /** Data-parallel only: where one step's time went on the main thread. */
  replicaTimings: z.strictObject({ shardMs: ms, waitMs: ms, exchangeMs: ms, updateMs: ms }).nullable(),
  data: z.strictObject({ kind: z.enum(['loader', 'synthetic']), description: z.string() }),
});
export type ChildResult = z.infer<typeof childResultSchema>;

export const childFailureSchema = z.strictObject({ net: z.string(), backend: z.enum(BENCH_BACKENDS), threads: z.number().int(), error: z.string() });
export type ChildFailure = z.infer<typeof childFailureSchema>;

export const torchResultSchema = z.strictObject({
  net: z.string(),
  threads: z.number().int().min(1),
  batch: z.number().int().min(1),
  steps: z.number().int().min(1),
  stepMs: z.array(ms),
  medianStepMs: ms,
  trainImagesPerSecond: z.number().min(0),
  medianInferMs: ms,
  inferImagesPerSecond: z.number().min(0),
});
export type TorchResult = z.infer<typeof torchResultSchema>;

export const torchReportSchema = z.strictObject({ torch: z.string(), python: z.string(), results: z.array(torchResultSchema) });
export type TorchReport = z.infer<typeof torchReportSchema>;

/** The line prefix a child prints its JSON result after, so stray output cannot be mistaken for it. */
export const CHILD_RESULT_PREFIX = 'CNN_STUDIO_BENCH_RESULT ';
