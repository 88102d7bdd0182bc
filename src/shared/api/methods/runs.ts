import { z } from 'zod';
import { doneEventSchema, epochEventSchema, startEventSchema, statusEventSchema } from '../../run/run-events';
import { RUN_STATUSES } from '../../run/run-record';
import { method } from '../rpc';
import { batchPointSchema } from './training';

const pathSchema = z.string().min(1).max(4096);

/** The metrics of one epoch, for the history table. */
const epochMetricsSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
});

/** One run of a project, as the history lists it. */
export const runSummarySchema = z.object({
  runDir: z.string().max(4096),
  /** The folder's name (its start time). */
  id: z.string().max(200),
  projectName: z.string().max(200),
  status: z.enum(RUN_STATUSES),
  message: z.string().max(5000).nullable(),
  createdAt: z.string().max(64),
  finishedAt: z.string().max(64).nullable(),
  epochsPlanned: z.number().int(),
  epochsCompleted: z.number().int(),
  bestEpoch: z.number().int().nullable(),
  /** "WebAssembly (SIMD, 1 thread)". */
  backend: z.string().max(500),
  datasetPath: z.string().max(4096),
  /** The last completed epoch's metrics, and the best epoch's (null before the first epoch ends). */
  last: epochMetricsSchema.nullable(),
  best: epochMetricsSchema.nullable(),
  /** True when weights exist to evaluate, predict and export with. */
  hasWeights: z.boolean(),
  /** True while this studio trains it. */
  live: z.boolean(),
  /** A network trained here, a hand-crafted baseline, or a run brought in from elsewhere (absent: a network). */
  kind: z.enum(['cnn', 'baseline', 'imported']).optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** A run's curves, read back from its metrics.jsonl. */
export const runMetricsSchema = z.object({
  runDir: z.string().max(4096),
  start: startEventSchema.nullable(),
  epochs: z.array(epochEventSchema),
  /** The training curve, thinned to at most a thousand points. */
  batches: z.array(batchPointSchema),
  statuses: z.array(statusEventSchema),
  done: doneEventSchema.nullable(),
  /** Lines of metrics.jsonl that could not be read (a torn last line after a crash). */
  damagedLines: z.number().int().min(0),
});
export type RunMetrics = z.infer<typeof runMetricsSchema>;

/**
 * A project's run history. Runs live in one folder per project: `<project>.runs/` beside a saved
 * project file, `<state folder>/runs/<project name>/` for an unsaved one, or a folder the user chose
 * (kept in the project as `ui.runsFolder`); each run is a sub-folder named after its start time.
 */
export const runsMethods = {
  'runs.list': method(
    z.strictObject({
      projectPath: z.string().max(4096).nullable(),
      projectName: z.string().min(1).max(200),
      runsFolder: z.string().max(4096).nullable().default(null),
    }),
    z.object({ folder: z.string().max(4096), runs: z.array(runSummarySchema) }),
    "The project's runs folder and its runs, newest first.",
  ),
  'runs.metrics': method(z.strictObject({ runDir: pathSchema }), runMetricsSchema, "A run's epochs and training curve, for the dashboard and to compare runs."),
};
