import { z } from 'zod';

/**
 * One line of `metrics.jsonl` and one event of `cnn-studio train --json`: the same objects, so a
 * cluster's run (issue 9) and a local one read alike. Field names are part of the CLI contract.
 */
export const batchEventSchema = z.object({
  type: z.literal('batch'),
  epoch: z.number().int().min(1),
  batch: z.number().int().min(1),
  batches: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  imagesPerSecond: z.number(),
  learningRate: z.number(),
  /** Seconds left in the whole run at this pace. */
  eta: z.number(),
  /** 1 for a single-phase run; 2 after fine-tuning unfreezes the body. */
  phase: z.number().int().min(1).optional(),
});

export const epochEventSchema = z.object({
  type: z.literal('epoch'),
  epoch: z.number().int().min(1),
  epochs: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
  imagesPerSecond: z.number(),
  seconds: z.number(),
  learningRate: z.number(),
  eta: z.number(),
  /** Fraction of the step time spent waiting for the next batch. */
  dataWait: z.number().optional(),
  best: z.boolean(),
  phase: z.number().int().min(1).optional(),
});

export const startEventSchema = z.object({
  type: z.literal('start'),
  runDir: z.string(),
  backend: z.object({ name: z.string(), label: z.string(), reason: z.string(), gpu: z.string().nullable() }),
  classes: z.array(z.string()),
  trainImages: z.number().int(),
  valImages: z.number().int(),
  epochs: z.number().int(),
  batchSize: z.number().int(),
  params: z.object({ trainable: z.number(), nonTrainable: z.number(), total: z.number() }),
  resumedFrom: z.number().int().nullable(),
  warnings: z.array(z.string()),
});

export const checkpointEventSchema = z.object({ type: z.literal('checkpoint'), epoch: z.number().int(), path: z.string(), best: z.boolean() });

export const statusEventSchema = z.object({
  type: z.literal('status'),
  /**
   * paused / resumed by the user; phase-change when fine-tuning unfreezes; feature-cache when the
   * frozen body's outputs are cached (or stop being) so the head trains alone.
   */
  status: z.enum(['paused', 'resumed', 'phase-change', 'early-stopping', 'learning-rate', 'feature-cache']),
  message: z.string(),
  epoch: z.number().int().optional(),
  /** The phase that starts (phase-change), or the phase the note is about. */
  phase: z.number().int().min(1).optional(),
  /** feature-cache: whether the cache is on, and the frozen layer whose output is cached. */
  featureCache: z.strictObject({ on: z.boolean(), node: z.string().nullable() }).optional(),
});

export const doneEventSchema = z.object({
  type: z.literal('done'),
  status: z.enum(['completed', 'stopped']),
  epochs: z.number().int(),
  bestEpoch: z.number().int().nullable(),
  runDir: z.string(),
  message: z.string().nullable(),
  /** Final (or best) validation metrics when there is a validation split. */
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
  seconds: z.number(),
});

export const errorEventSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  where: z.string().optional(),
});

export const runEventSchema = z.discriminatedUnion('type', [
  startEventSchema,
  batchEventSchema,
  epochEventSchema,
  checkpointEventSchema,
  statusEventSchema,
  doneEventSchema,
  errorEventSchema,
]);
export type RunEvent = z.infer<typeof runEventSchema>;
export type EpochEvent = z.infer<typeof epochEventSchema>;
export type BatchEvent = z.infer<typeof batchEventSchema>;
