import { z } from 'zod';
import { OUTPUT_LOSSES } from '../../../../shared/layers/output';
import { edgeFileSchema, nodeFileSchema } from '../../../../shared/project/schema';
import { BACKEND_CHOICES } from '../backends';

/**
 * What crosses the thread boundary between the data-parallel trainer and its replica workers, checked
 * on arrival on both sides. Tensors never travel in messages: weights, gradients and batch shards live
 * in SharedArrayBuffers whose layout both sides derive from the same variable list.
 */

/** One weight of the model, in the order both sides list them (trainable first, then the others). */
export const variableSpecSchema = z.strictObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  trainable: z.boolean(),
});
export type VariableSpec = z.infer<typeof variableSpecSchema>;

const sharedBuffer = z.custom<SharedArrayBuffer>((value) => value instanceof SharedArrayBuffer, 'must be a SharedArrayBuffer');

/** The worker's start: the graph it compiles, how it trains, and its shared buffers. */
export const replicaSetupSchema = z.strictObject({
  /** The replica's index (1.. ; 0 is the main thread). */
  index: z.number().int().min(1),
  graph: z.strictObject({ nodes: z.array(nodeFileSchema), edges: z.array(edgeFileSchema) }),
  backend: z.enum(BACKEND_CHOICES),
  seed: z.number().int().nullable(),
  inputShape: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]),
  classes: z.number().int().min(1),
  loss: z.enum(OUTPUT_LOSSES),
  weightDecay: z.number().min(0),
  variables: z.array(variableSpecSchema),
  /** Images a shard can hold. */
  maxShard: z.number().int().min(1),
  /** Every variable's values, written by the main thread before each step (read-only here). */
  weights: sharedBuffer,
  /** This replica's gradients (trainable variables) then its updated non-trainable values. */
  gradients: sharedBuffer,
  /** This replica's shard: images (float32) and labels (int32). */
  images: sharedBuffer,
  labels: sharedBuffer,
});
export type ReplicaSetup = z.infer<typeof replicaSetupSchema>;

export interface ReplicaStep {
  type: 'step';
  id: number;
  /** Images in this replica's shard. */
  size: number;
}

/** Main thread → replica. */
export const replicaRequestSchema: z.ZodType<ReplicaStep> = z.strictObject({
  type: z.literal('step'),
  id: z.number().int().min(0),
  size: z.number().int().min(1),
});

export type ReplicaResponse =
  | { type: 'ready' }
  /** Gradients and non-trainable values are in the shared buffer; loss is the shard's mean data loss. */
  | { type: 'done'; id: number; loss: number; correct: number }
  | { type: 'failed'; id: number; message: string };

/** Replica → main thread. */
export const replicaResponseSchema: z.ZodType<ReplicaResponse> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  // The loss may be NaN or infinite (a diverging run): the trainer reports it, so it is not refused here.
  z.strictObject({ type: z.literal('done'), id: z.number().int(), loss: z.custom<number>((v) => typeof v === 'number', 'must be a number'), correct: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
