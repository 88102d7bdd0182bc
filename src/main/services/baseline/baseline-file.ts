import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import { baselineFeaturesSchema } from '../../../shared/hog/feature-spec';
import { writeRunJson } from '../runs/run-folder';

/**
 * `baseline.json` in a baseline run folder (run.json says `kind: "baseline"`): which features the
 * classifier reads and how they were standardised. The classifier itself is an ordinary network in
 * the run (project.cnnstudio: Input → Flatten → Output, weights/ as usual); its stored weights have the
 * standardisation folded in, so they apply to the raw features.
 */
export const BASELINE_FILE = 'baseline.json';

export const baselineRecordSchema = z.strictObject({
  format: z.literal('cnn-studio/baseline'),
  version: z.literal(1),
  features: baselineFeaturesSchema,
  /** "HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys)". */
  description: z.string().max(500),
  /** The classifier's Input, [rows, columns, channels]; its row-major flattening is the feature vector. */
  featureShape: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]),
  featureLength: z.number().int().min(1),
  /** Each feature's mean and standard deviation over the training split (a constant feature has std 1). */
  standardization: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number().positive()) }),
  /** Trainable parameters of the classifier: (features + 1) · classes. */
  parameters: z.number().int().min(0),
  /** The project the baseline was made to compare with, if any. */
  comparedWith: z.string().max(4096).nullable(),
});
export type BaselineRecord = z.infer<typeof baselineRecordSchema>;

/** Writes `baseline.json` atomically. */
export async function writeBaselineRecord(runDir: string, record: BaselineRecord): Promise<void> {
  await writeRunJson(runDir, BASELINE_FILE, record);
}

/** Reads and checks `baseline.json`; a missing or damaged file is a `run-invalid` StudioError. */
export async function readBaselineRecord(runDir: string): Promise<BaselineRecord> {
  const path = join(runDir, BASELINE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new StudioError('run-invalid', missing ? `The baseline run in ${runDir} has no ${BASELINE_FILE}.` : `${path} is not readable JSON; the run folder is damaged.`, {
      hint: 'Train the baseline again with "cnn-studio baseline".',
      where: path,
    });
  }
  const parsed = baselineRecordSchema.safeParse(raw);
  if (!parsed.success || parsed.data.standardization.mean.length !== parsed.data.featureLength || parsed.data.standardization.std.length !== parsed.data.featureLength) {
    throw new StudioError('run-invalid', `${path} does not describe a baseline this version reads; the run folder is damaged.`, {
      hint: 'Train the baseline again with "cnn-studio baseline".',
      where: path,
    });
  }
  return parsed.data;
}
