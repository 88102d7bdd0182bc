import { z } from 'zod';
import { NODE_ID_PATTERN } from '../graph/model-graph';
import { NORMALIZATION_PRESETS, RESIZE_MODES } from './preprocessing';

/**
 * Engines the studio can train on; `auto` picks the fastest TF.js backend that loads. `pytorch` trains
 * with the exported PyTorch package in a local Python (src/main/services/pytorch-engine).
 */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu', 'pytorch'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const LR_SCHEDULES = ['constant', 'step', 'cosine', 'plateau'] as const;
export type LearningRateSchedule = (typeof LR_SCHEDULES)[number];

const fraction = z.number().min(0).max(1);

export const augmentationSchema = z.strictObject({
  /** Mirror left-right with probability 1/2. */
  horizontalFlip: z.boolean().default(false),
  /** Largest random shift, as a fraction of the width/height (0 = off). */
  shift: z.number().min(0).max(0.5).default(0),
  /** Largest random rotation in degrees (0 = off). */
  rotation: z.number().min(0).max(45).default(0),
  /** Largest random brightness change, as a fraction of full scale (0 = off). */
  brightness: fraction.default(0),
  /** Largest random contrast change, as a fraction (0 = off). */
  contrast: fraction.default(0),
});
export type AugmentationSettings = z.infer<typeof augmentationSchema>;

export const datasetSettingsSchema = z.strictObject({
  /** The image folder, relative to the project file's folder or absolute; null until chosen. */
  path: z.string().max(4096).nullable().default(null),
  /** A separate test folder for evaluation, if any. */
  testPath: z.string().max(4096).nullable().default(null),
  /** Fraction of each class held out for validation when the folder has no val/ split. */
  validationSplit: z.number().min(0).max(0.9).default(0.2),
  resize: z.enum(RESIZE_MODES).default('stretch'),
  normalization: z.enum(NORMALIZATION_PRESETS).default('pixel/255'),
  augmentation: augmentationSchema.default(augmentationSchema.parse({})),
  /** Memory for decoded images; beyond it, batches stream from disk. */
  cacheMegabytes: z.number().int().min(16).max(65536).default(512),
});
export type DatasetSettings = z.infer<typeof datasetSettingsSchema>;

export const optimizerSettingsSchema = z.strictObject({
  type: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().positive().max(10).default(0.001),
  /** SGD and RMSprop. */
  momentum: z.number().min(0).max(0.999).default(0.9),
  nesterov: z.boolean().default(false),
  /** Adam. */
  beta1: z.number().min(0).max(0.9999).default(0.9),
  beta2: z.number().min(0).max(0.99999).default(0.999),
  /** RMSprop's decay. */
  rho: z.number().min(0).max(0.9999).default(0.9),
  epsilon: z.number().positive().max(1).default(1e-7),
});
export type OptimizerSettings = z.infer<typeof optimizerSettingsSchema>;

export const scheduleSettingsSchema = z.strictObject({
  type: z.enum(LR_SCHEDULES).default('constant'),
  /** step: multiply by `gamma` every `stepEpochs` epochs. */
  stepEpochs: z.number().int().min(1).max(10000).default(10),
  gamma: z.number().positive().max(1).default(0.1),
  /** plateau: multiply by `factor` when validation loss has not improved for `patience` epochs. */
  patience: z.number().int().min(1).max(1000).default(3),
  factor: z.number().positive().max(1).default(0.5),
  /** cosine and plateau never go below this. */
  minLearningRate: z.number().min(0).max(1).default(0),
});
export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;

/**
 * Fine-tuning in two phases: phase 1 trains what the graph's trainable switches allow (the new head
 * when the body is frozen) for `headEpochs` epochs; phase 2 also trains `unfreezeFrom` and every layer
 * after it, at the schedule's learning rate times `learningRateFactor`. Without `unfreezeFrom` a run
 * has one phase. The defaults leave older project files as they were.
 */
export const fineTuningSettingsSchema = z.strictObject({
  unfreezeFrom: z.string().regex(NODE_ID_PATTERN, 'must be a layer id').nullable().default(null),
  headEpochs: z.number().int().min(1).max(100000).default(5),
  learningRateFactor: z.number().positive().max(1).default(0.1),
  /**
   * When nothing before the trainable layers trains and augmentation is off, compute the frozen
   * body's output once per image and train the head on it (the same losses, far faster).
   */
  featureCache: z.boolean().default(true),
});
export type FineTuningSettings = z.infer<typeof fineTuningSettingsSchema>;

export const trainingSettingsSchema = z.strictObject({
  epochs: z.number().int().min(1).max(100000).default(10),
  batchSize: z.number().int().min(1).max(8192).default(32),
  optimizer: optimizerSettingsSchema.default(optimizerSettingsSchema.parse({})),
  schedule: scheduleSettingsSchema.default(scheduleSettingsSchema.parse({})),
  /** L2 penalty on kernels (not on biases or BatchNorm). */
  weightDecay: z.number().min(0).max(1).default(0),
  earlyStopping: z
    .strictObject({ enabled: z.boolean().default(false), patience: z.number().int().min(1).max(1000).default(5) })
    .default({ enabled: false, patience: 5 }),
  /** With a seed, runs on the WebAssembly and JS engines repeat exactly. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).nullable().default(42),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
  fineTuning: fineTuningSettingsSchema.default(fineTuningSettingsSchema.parse({})),
});
export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;

/** UI state kept with the project (viewport, open panels); free-form but bounded. */
export const uiStateSchema = z.record(z.string().max(64), z.unknown()).default({});
