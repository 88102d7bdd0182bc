import { z } from 'zod';
import { trainingSettingsSchema } from '../project/settings';

export const RUN_FORMAT = 'cnn-studio/run';
export const RUN_VERSION = 1;

/**
 * `running`: a process is (or was, if it died) training it. `completed`: all epochs or early stopping.
 * `stopped`: the user stopped it (what was trained is kept). `failed`: an error stopped it (NaN loss,
 * out of memory). `crashed`: the engine process died; set by the parent, or found on reading a run that
 * still says `running` while no process owns it.
 */
export const RUN_STATUSES = ['running', 'completed', 'stopped', 'failed', 'crashed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The engine a run trained on, as shown to people and kept in the run. */
export const backendRecordSchema = z.object({
  /** TF.js backend name (`wasm`, `cpu`, `tensorflow`, `webgpu`) or `pytorch`. */
  name: z.string().max(64),
  /** "WebAssembly (SIMD, 1 thread)". */
  label: z.string().max(500),
  /** Why it was chosen: "TensorFlow native not installed". */
  reason: z.string().max(2000),
  /** GPU or adapter name, if any. */
  gpu: z.string().max(500).nullable(),
  versions: z.record(z.string().max(64), z.string().max(200)),
});
export type BackendRecord = z.infer<typeof backendRecordSchema>;

/** `run.json`: the run's identity and state. Written atomically; `completed` is written last. */
export const runRecordSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_VERSION),
  id: z.string().max(200),
  /** `cnn` for a network trained by the studio; `baseline` for a hand-crafted-feature classifier; `imported` for a cluster's run. */
  kind: z.enum(['cnn', 'baseline', 'imported']).default('cnn'),
  projectName: z.string().max(200),
  /** The project file the run was started from, if it had been saved. */
  projectPath: z.string().max(4096).nullable(),
  status: z.enum(RUN_STATUSES),
  /** Why the run ended, as a sentence, when it did not simply complete. */
  message: z.string().max(5000).nullable(),
  createdAt: z.string().max(64),
  updatedAt: z.string().max(64),
  finishedAt: z.string().max(64).nullable(),
  backend: backendRecordSchema,
  /** The process that owns a `running` run (to tell a live run from a crashed one). */
  pid: z.number().int().nullable(),
  training: trainingSettingsSchema,
  datasetPath: z.string().max(4096),
  epochsPlanned: z.number().int().min(0),
  epochsCompleted: z.number().int().min(0),
  bestEpoch: z.number().int().min(1).nullable(),
  /** Checkpoint folders relative to the run folder, newest last: `checkpoints/epoch-0003`. */
  checkpoints: z.array(z.string().max(200)),
  /** The weights `evaluate`, `predict` and `export` use by default (relative folder). */
  finalWeights: z.string().max(200).nullable(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;
