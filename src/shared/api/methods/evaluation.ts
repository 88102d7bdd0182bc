import { z } from 'zod';
import { evaluationReportSchema } from '../../run/evaluation';
import { method } from '../rpc';

const pathSchema = z.string().min(1).max(4096);

/**
 * What to evaluate a run on: its own validation split (the same images it validated on, carved with
 * the run's fraction and seed), the test split of its dataset (a test/ folder, or the project's test
 * folder), or any folder of class folders.
 */
export const EVALUATION_SOURCES = ['validation', 'test', 'folder'] as const;
export type EvaluationSource = (typeof EVALUATION_SOURCES)[number];

/** Files listed per confusion cell in the answer; the matrix itself keeps the full counts. */
export const MAX_CELL_FILES = 200;

export const evaluationResultSchema = z.object({
  report: evaluationReportSchema,
  source: z.enum(EVALUATION_SOURCES),
  /** The split of `report.dataPath` that was evaluated (auto, val, test…). */
  split: z.string().max(16),
  /** True when some confusion cell lists fewer files than it counts (MAX_CELL_FILES). */
  cellsTruncated: z.boolean(),
  seconds: z.number(),
});
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

/** Evaluation of a trained run, in an engine process (the `evaluate` job). */
export const evaluationMethods = {
  'evaluation.run': method(
    z.strictObject({
      runDir: pathSchema,
      source: z.enum(EVALUATION_SOURCES),
      /** The folder, for source `folder`. */
      dataPath: pathSchema.optional(),
      /** How many of the most confidently wrong images to list. */
      worst: z.number().int().min(0).max(500).default(30),
    }),
    evaluationResultSchema,
    'Accuracy, loss, confusion matrix (with the files of each cell), per-class precision/recall/F1 and the most confidently wrong images.',
  ),
};
