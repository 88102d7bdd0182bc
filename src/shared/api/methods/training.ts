import { z } from 'zod';
import { projectFileSchema } from '../../project/schema';
import { batchEventSchema, doneEventSchema, epochEventSchema, runEventSchema, startEventSchema, statusEventSchema } from '../../run/run-events';
import { event, method, studioErrorDataSchema } from '../rpc';

const pathSchema = z.string().min(1).max(4096);
const runIdSchema = z.string().min(1).max(100);

/**
 * Where a training run is in its life, as the services see it: `starting` (the engine loads and the
 * dataset is scanned), `running`, `pausing` (asked; the engine pauses after its current batch),
 * `paused`, `stopping` (asked; it stops after its current batch and saves), `ended`.
 */
export const TRAINING_STATES = ['starting', 'running', 'pausing', 'paused', 'stopping', 'ended'] as const;
export type TrainingState = (typeof TRAINING_STATES)[number];

/** How an ended run ended: the run record's statuses, as the window shows them. */
export const TRAINING_OUTCOMES = ['completed', 'stopped', 'failed', 'crashed'] as const;
export type TrainingOutcome = (typeof TRAINING_OUTCOMES)[number];

/** One point of the live training curve (a batch event without the pace fields). */
export const batchPointSchema = z.object({
  epoch: z.number().int().min(1),
  batch: z.number().int().min(1),
  batches: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
});
export type BatchPoint = z.infer<typeof batchPointSchema>;

/** A run the services follow, without its curves: what `training.state` announces. */
export const trainingRunHeaderSchema = z.object({
  runId: runIdSchema,
  runDir: z.string().max(4096),
  projectName: z.string().max(200),
  projectPath: z.string().max(4096).nullable(),
  state: z.enum(TRAINING_STATES),
  /** Set once the run has ended. */
  outcome: z.enum(TRAINING_OUTCOMES).nullable(),
  /** Why it failed or crashed (a StudioError's data), or null. */
  error: studioErrorDataSchema.nullable(),
  /** ISO times. */
  startedAt: z.string().max(64),
  endedAt: z.string().max(64).nullable(),
  /** True when the run continues a stopped one from its last checkpoint. */
  resumed: z.boolean(),
});
export type TrainingRunHeader = z.infer<typeof trainingRunHeaderSchema>;

/** A followed run with everything needed to redraw its dashboard (after a reload of the window). */
export const trainingRunSnapshotSchema = trainingRunHeaderSchema.extend({
  start: startEventSchema.nullable(),
  epochs: z.array(epochEventSchema),
  /** The training curve, thinned to at most a thousand points on long runs. */
  batches: z.array(batchPointSchema),
  lastBatch: batchEventSchema.nullable(),
  statuses: z.array(statusEventSchema),
  done: doneEventSchema.nullable(),
});
export type TrainingRunSnapshot = z.infer<typeof trainingRunSnapshotSchema>;

const startedSchema = z.object({ runId: runIdSchema, runDir: z.string().max(4096) });

/**
 * Training from the window. Runs are kept by the services (Electron's main process, or the
 * `cnn-studio serve` process), not by the window: a reload re-attaches with `training.active`.
 * Every window receives `training.state` and `training.event`.
 */
export const trainingMethods = {
  'training.start': method(
    z.strictObject({
      project: projectFileSchema,
      /** The project's file (relative dataset paths resolve beside it); null for an unsaved project. */
      projectPath: z.string().max(4096).nullable(),
      /** Where the project's runs go; null for the default (see `runs.list`). */
      runsFolder: z.string().max(4096).nullable().default(null),
    }),
    startedSchema,
    'Starts training the project in a new run folder, in its own engine process.',
  ),
  'training.resumeRun': method(z.strictObject({ runDir: pathSchema }), startedSchema, 'Continues a stopped, failed or crashed run from its last checkpoint.'),
  'training.pause': method(z.strictObject({ runId: runIdSchema }), z.object({}), 'Pauses a run after its current batch.'),
  'training.resume': method(z.strictObject({ runId: runIdSchema }), z.object({}), 'Resumes a paused run.'),
  'training.stop': method(z.strictObject({ runId: runIdSchema }), z.object({}), 'Stops a run after its current batch; what was trained is kept and the run can be resumed later.'),
  'training.active': method(z.strictObject({}), z.object({ runs: z.array(trainingRunSnapshotSchema) }), 'The runs in progress, and those that ended lately, with their curves.'),
};

/** Events of training, to every window. */
export const trainingEvents = {
  'training.state': event(trainingRunHeaderSchema, 'A run started, changed state (paused, stopping…) or ended.'),
  'training.event': event(z.object({ runId: runIdSchema, runDir: z.string().max(4096), event: runEventSchema }), 'One event of a run (start, batch, epoch, checkpoint, status, done), as in metrics.jsonl.'),
};
