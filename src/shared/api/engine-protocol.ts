import { z } from 'zod';
import { projectFileSchema } from '../project/schema';
import { BACKEND_CHOICES } from '../project/settings';
import { evaluationReportSchema, predictionSchema } from '../run/evaluation';
import { runEventSchema } from '../run/run-events';
import { studioErrorDataSchema } from './rpc';

/**
 * The messages between a parent (the CLI, the server, Electron's main process) and the engine process
 * that owns TensorFlow.js. Each job kind declares its parameters and result; both sides validate every
 * message on arrival, so a damaged or hostile message is an error, never undefined behaviour.
 */
export interface EngineJobSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
}

function job<P extends z.ZodType, R extends z.ZodType>(params: P, result: R): EngineJobSpec<P, R> {
  return { params, result };
}

const path = z.string().min(1).max(4096);

export const trainJobParamsSchema = z.strictObject({
  runDir: path,
  /** The project to train (the training settings already include any CLI overrides). */
  project: projectFileSchema,
  /** Where the project file lives, to resolve relative paths (null for an unsaved project). */
  projectPath: z.string().max(4096).nullable(),
  /** The image folder, already resolved to an absolute path. */
  datasetPath: path,
  /** Continue the run in `runDir` from its last checkpoint. */
  resume: z.boolean(),
  backend: z.enum(BACKEND_CHOICES),
  /** Batch events at most this often (ms); epoch events are always sent. */
  batchEventInterval: z.number().int().min(0).max(60000).default(250),
});
export type TrainJobParams = z.input<typeof trainJobParamsSchema>;

export const trainJobResultSchema = z.object({
  status: z.enum(['completed', 'stopped']),
  runDir: z.string(),
  epochs: z.number().int(),
  bestEpoch: z.number().int().nullable(),
});

export const evaluateJobParamsSchema = z.strictObject({
  runDir: path,
  /** An image folder (class sub-folders, or train/val/test splits: see `split`). */
  dataPath: path,
  /** For a folder with splits: which to evaluate; `auto` = test, else validation, else everything. */
  split: z.enum(['auto', 'train', 'val', 'test', 'all']).default('auto'),
  /** How many of the most confidently wrong images to list. */
  worst: z.number().int().min(0).max(10000).default(20),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
});

export const predictJobParamsSchema = z.strictObject({
  runDir: path,
  files: z.array(path).min(1).max(100000),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
});

/** Every job the engine runs. Insight and export jobs are added here the same way. */
export const ENGINE_JOBS = {
  train: job(trainJobParamsSchema, trainJobResultSchema),
  evaluate: job(evaluateJobParamsSchema, evaluationReportSchema),
  predict: job(predictJobParamsSchema, z.array(predictionSchema)),
} satisfies Record<string, EngineJobSpec>;

export type EngineJobName = keyof typeof ENGINE_JOBS;
export type EngineJobParams<J extends EngineJobName> = z.input<(typeof ENGINE_JOBS)[J]['params']>;
export type EngineJobResult<J extends EngineJobName> = z.output<(typeof ENGINE_JOBS)[J]['result']>;

const jobId = z.string().min(1).max(100);

/** Parent → engine. */
export const engineCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), jobId, job: z.string().max(64), params: z.unknown() }),
  z.strictObject({ type: z.literal('pause'), jobId }),
  z.strictObject({ type: z.literal('resume'), jobId }),
  z.strictObject({ type: z.literal('stop'), jobId }),
  z.strictObject({ type: z.literal('shutdown') }),
]);
export type EngineCommand = z.infer<typeof engineCommandSchema>;

/** Engine → parent. */
export const engineMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  z.strictObject({ type: z.literal('event'), jobId, event: runEventSchema }),
  z.strictObject({ type: z.literal('result'), jobId, result: z.unknown() }),
  z.strictObject({ type: z.literal('failed'), jobId, error: studioErrorDataSchema }),
  z.strictObject({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(100000) }),
]);
export type EngineMessage = z.infer<typeof engineMessageSchema>;
