import { z } from 'zod';

/** Per-class precision, recall and F1 (support = true images of the class). */
export const classMetricsSchema = z.object({
  class: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
});

/** One image the model got wrong, for the "most confidently wrong" list. */
export const wrongPredictionSchema = z.object({
  file: z.string(),
  label: z.string(),
  predicted: z.string(),
  /** The probability given to the wrong class. */
  confidence: z.number(),
  probabilities: z.array(z.number()),
});

/**
 * `cnn-studio evaluate --json`: the shape is part of the CLI's contract. `confusion[i][j]` counts images
 * of true class i predicted as class j, classes in the run's label order.
 */
export const evaluationReportSchema = z.object({
  accuracy: z.number(),
  loss: z.number(),
  images: z.number().int(),
  classes: z.array(z.string()),
  confusion: z.array(z.array(z.number().int())),
  perClass: z.array(classMetricsSchema),
  worst: z.array(wrongPredictionSchema),
  /** Every image of each confusion cell, `cells[i][j]` = files, for the UI's click-through. */
  cells: z.array(z.array(z.array(z.string()))).optional(),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  dataPath: z.string(),
  weightsFrom: z.string(),
});
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;
export type ClassMetrics = z.infer<typeof classMetricsSchema>;
export type WrongPrediction = z.infer<typeof wrongPredictionSchema>;

/** `cnn-studio predict --json`: one entry per file; `error` instead of a label when it cannot be read. */
export const predictionSchema = z.object({
  file: z.string(),
  label: z.string().nullable(),
  probabilities: z.array(z.number()),
  error: z.string().optional(),
});
export type Prediction = z.infer<typeof predictionSchema>;

/**
 * Accuracy, confusion matrix and per-class precision/recall/F1 from true and predicted labels. Classes
 * with no predictions get precision 0 (and F1 0), as scikit-learn does with zero_division=0.
 */
export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: readonly string[]): Pick<EvaluationReport, 'accuracy' | 'confusion' | 'perClass'> {
  const n = classes.length;
  const confusion = Array.from({ length: n }, () => Array<number>(n).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]! += 1;
    if (truth[i] === predicted[i]) correct += 1;
  }
  const perClass = classes.map((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: name, precision, recall, f1, support };
  });
  return { accuracy: truth.length ? correct / truth.length : 0, confusion, perClass };
}
