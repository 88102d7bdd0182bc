import { z } from 'zod';
import { baselineFeaturesSchema } from '../hog/feature-spec';
import { RESIZE_MODES } from '../project/preprocessing';
import { projectFileSchema } from '../project/schema';
import { INPUT_LAYOUTS } from '../onnx/opsets';
import { BACKEND_CHOICES, trainingSettingsSchema } from '../project/settings';
import {
  activationReportSchema,
  activationsJobParamsSchema,
  filterReportSchema,
  filterResponseReportSchema,
  filterResponsesJobParamsSchema,
  filtersJobParamsSchema,
  saliencyJobParamsSchema,
  saliencyReportSchema,
} from '../insight/insight-jobs';
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
  /**
   * The validation split a run carved from a folder of class folders (its dataset-report.json's
   * fraction and seed): with it, split `val` holds the very images the run validated on.
   */
  validation: z.strictObject({ fraction: z.number().min(0).max(0.9), seed: z.number().int() }).optional(),
});

export const predictJobParamsSchema = z.strictObject({
  runDir: path,
  files: z.array(path).min(1).max(100000),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
});

/** `exportModel`'s request (src/main/services/export/export-model.ts), run in an engine process so TF.js stays out of the services. */
export const exportJobParamsSchema = z.strictObject({
  /** A run folder or a project file. */
  source: path,
  format: z.enum(['onnx', 'tfjs']),
  out: path,
  opset: z.number().int().optional(),
  layout: z.enum(INPUT_LAYOUTS).optional(),
  logits: z.boolean().optional(),
  producerVersion: z.string().max(100),
});

export const exportJobResultSchema = z.object({
  format: z.enum(['onnx', 'tfjs']),
  file: z.string().optional(),
  dir: z.string().optional(),
  opset: z.number().int().nullable(),
  warnings: z.array(z.string()),
});

/** A hand-crafted baseline (issue 14): a softmax classifier on HOG or pixel features, trained into a run folder. */
export const baselineJobParamsSchema = z.strictObject({
  runDir: path,
  /** The image folder (absolute), scanned and split as `train` does. */
  datasetPath: path,
  /** A separate test folder, if the compared project has one. */
  testPath: path.nullable().default(null),
  features: baselineFeaturesSchema,
  /**
   * How every image is fitted, as a network's Input: its size (null: the first training image's own
   * size) and channels (HOG always reads 1: colour becomes grey as the dataset pipeline converts it).
   */
  image: z.strictObject({
    size: z.strictObject({ height: z.number().int().min(1).max(4096), width: z.number().int().min(1).max(4096) }).nullable(),
    channels: z.union([z.literal(1), z.literal(3)]),
    resize: z.enum(RESIZE_MODES),
  }),
  validationSplit: z.number().min(0).max(0.9),
  /** Epochs, batch size, optimizer, seed and so on, as a project's training settings. */
  training: trainingSettingsSchema,
  projectName: z.string().min(1).max(200),
  /** The project the baseline is compared with, if any (kept in the run record). */
  projectPath: z.string().max(4096).nullable().default(null),
  /** Earlier baseline run folders whose cached features may be reused (matched by file, size and time). */
  featureCacheFrom: z.array(path).max(100).default([]),
  backend: z.enum(BACKEND_CHOICES),
  batchEventInterval: z.number().int().min(0).max(60000).default(250),
});
export type BaselineJobParams = z.input<typeof baselineJobParamsSchema>;

/** Every job the engine runs. Insight and export jobs are added here the same way. */
export const ENGINE_JOBS = {
  train: job(trainJobParamsSchema, trainJobResultSchema),
  evaluate: job(evaluateJobParamsSchema, evaluationReportSchema),
  predict: job(predictJobParamsSchema, z.array(predictionSchema)),
  export: job(exportJobParamsSchema, exportJobResultSchema),
  filters: job(filtersJobParamsSchema, filterReportSchema),
  activations: job(activationsJobParamsSchema, activationReportSchema),
  saliency: job(saliencyJobParamsSchema, saliencyReportSchema),
  'filter-responses': job(filterResponsesJobParamsSchema, filterResponseReportSchema),
  baseline: job(baselineJobParamsSchema, trainJobResultSchema),
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
