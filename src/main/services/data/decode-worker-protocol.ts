import { z } from 'zod';
import { SKIP_CODES } from '../../../shared/dataset/dataset-report';
import { preprocessingSchema } from '../../../shared/project/preprocessing';
import { augmentationSchema } from '../../../shared/project/settings';
import type { ProcessorConfig, ProcessorStats, SampleFailure, SampleJob } from './sample-processor';

/**
 * Messages between the batch loader and its decode workers, checked on arrival on both sides: a
 * thread boundary is still a boundary, and a malformed message should fail loudly, not decode garbage.
 */

export const processorConfigSchema: z.ZodType<ProcessorConfig> = z.strictObject({
  preprocessing: preprocessingSchema,
  augmentation: augmentationSchema.nullable(),
  seed: z.number().int(),
  cacheBytes: z.number().int().min(0),
  maxPixels: z.number().int().min(1),
  concurrency: z.number().int().min(1).max(64),
});

const sampleJobSchema: z.ZodType<SampleJob> = z.strictObject({
  path: z.string().min(1),
  key: z.string(),
  augmentEpoch: z.number().int().min(0).nullable(),
});

export interface ProcessRequest {
  type: 'process';
  id: number;
  jobs: SampleJob[];
}

/** Loader → worker. */
export const workerRequestSchema: z.ZodType<ProcessRequest> = z.strictObject({
  type: z.literal('process'),
  id: z.number().int(),
  jobs: z.array(sampleJobSchema),
});

const failureSchema: z.ZodType<SampleFailure> = z.strictObject({ job: z.number().int().min(0), code: z.enum(SKIP_CODES), reason: z.string() });

const statsSchema: z.ZodType<ProcessorStats> = z.strictObject({
  budgetBytes: z.number(),
  bytes: z.number(),
  entries: z.number(),
  hits: z.number(),
  misses: z.number(),
  evictions: z.number(),
  decodeMs: z.number(),
  augmentMs: z.number(),
});

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'processed'; id: number; x: Float32Array; failures: SampleFailure[]; stats: ProcessorStats }
  /** The request failed for a reason that is not a bad file (a defect): the loader stops using workers. */
  | { type: 'failed'; id: number; message: string };

/** Worker → loader. */
export const workerResponseSchema: z.ZodType<WorkerResponse> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('processed'), id: z.number().int(), x: z.instanceof(Float32Array), failures: z.array(failureSchema), stats: statsSchema }),
  z.strictObject({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
