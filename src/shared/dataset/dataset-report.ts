import { z } from 'zod';

/**
 * What a scan of an image folder found: the classes, how many usable images each split holds per
 * class, every file that was skipped (with the reason) or ignored, and the warnings. It is stored in
 * run folders (`dataset-report.json`) and shown in the UI, so it is plain data with a zod schema.
 */

/** `class-folders`: one sub-folder per class. `split-folders`: `train/` plus `val/`, `validation/` or `test/`. */
export const DATASET_LAYOUTS = ['class-folders', 'split-folders'] as const;
export type DatasetLayout = (typeof DATASET_LAYOUTS)[number];

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/**
 * Why a file that could have been a sample was not used. Stable names the UI can group by:
 * `not-an-image` (its bytes are no image, e.g. text named .jpg), `unsupported-format` (an image kind
 * the studio does not read, e.g. HEIC or SVG), `empty` (0 bytes), `truncated` (the data ends early),
 * `corrupt` (the decoder rejected the data), `too-many-pixels` (over the decoder's pixel limit),
 * `too-large-file`, `unreadable` (permission or I/O error), `not-a-file` (a FIFO, socket or device),
 * `symlink-loop`, `broken-link`, `bad-name` (a name that is not valid UTF-8 text).
 */
export const SKIP_CODES = [
  'not-an-image',
  'unsupported-format',
  'empty',
  'truncated',
  'corrupt',
  'too-many-pixels',
  'too-large-file',
  'unreadable',
  'not-a-file',
  'symlink-loop',
  'broken-link',
  'bad-name',
] as const;
export type SkipCode = (typeof SKIP_CODES)[number];

/** A file that was not used, and why. Listed once, whether found while scanning or while decoding. */
export interface SkippedFile {
  /** Relative to the folder it was found in (`root`, or `testRoot` for a separate test folder), `/`-separated. */
  file: string;
  /** Absolute path, to open or reveal the file. */
  path: string;
  code: SkipCode;
  /** A clause for people: "the PNG data ends early (the file is truncated)". */
  reason: string;
  /** `scan`: found while scanning the folder; `decode`: the decoder failed later, during training. */
  stage: 'scan' | 'decode';
  split: SplitName | null;
  className: string | null;
}

/** A file or folder that is not part of the dataset by its place or kind (a README beside the class folders). */
export interface IgnoredFile {
  file: string;
  reason: string;
}

export const DATASET_WARNING_CODES = ['class-imbalance', 'class-missing-in-split', 'unknown-class-in-split', 'few-images'] as const;
export type DatasetWarningCode = (typeof DATASET_WARNING_CODES)[number];

export interface DatasetWarning {
  code: DatasetWarningCode;
  /** A sentence that names the class, split or folder concerned and what to do. */
  message: string;
}

/** Usable images of one split, per class (same order as `classes`). */
export interface SplitCounts {
  /** The split's folder relative to the root (`train`, `val`), or null when it was carved from train or is the root itself. */
  folder: string | null;
  perClass: number[];
  total: number;
}

export interface DatasetReport {
  format: 'cnn-studio/dataset-report';
  version: 1;
  root: string;
  /** A separate test folder (the project's `dataset.testPath`), if one was given. */
  testRoot: string | null;
  layout: DatasetLayout;
  /** Class names, sorted by code point; a class's label is its index here. */
  classes: string[];
  /**
   * Where the validation split comes from: a `val/` or `validation/` folder, a stratified split of
   * train (`fraction` of each class, chosen with `seed`), or nothing.
   */
  validation: { source: 'folder' | 'split' | 'none'; fraction: number | null; seed: number | null };
  splits: { train: SplitCounts; validation: SplitCounts; test: SplitCounts | null };
  /** Files looked at (hidden files not counted). */
  filesSeen: number;
  skipped: SkippedFile[];
  ignored: IgnoredFile[];
  warnings: DatasetWarning[];
}

const text = (max: number) => z.string().max(max);
const fileName = text(8192);

const splitCountsSchema = z.strictObject({
  folder: fileName.nullable(),
  perClass: z.array(z.number().int().min(0)).max(100_000),
  total: z.number().int().min(0),
});

/** Checks one skipped-file entry. */
export const skippedFileSchema: z.ZodType<SkippedFile> = z.strictObject({
  file: fileName,
  path: fileName,
  code: z.enum(SKIP_CODES),
  reason: text(2000),
  stage: z.enum(['scan', 'decode']),
  split: z.enum(SPLIT_NAMES).nullable(),
  className: text(1000).nullable(),
});

/** Checks a dataset report read back from a run folder or received over a process boundary. */
export const datasetReportSchema: z.ZodType<DatasetReport> = z
  .strictObject({
    format: z.literal('cnn-studio/dataset-report'),
    version: z.literal(1),
    root: fileName,
    testRoot: fileName.nullable(),
    layout: z.enum(DATASET_LAYOUTS),
    classes: z.array(text(1000)).max(100_000),
    validation: z.strictObject({
      source: z.enum(['folder', 'split', 'none']),
      fraction: z.number().min(0).max(1).nullable(),
      seed: z.number().int().nullable(),
    }),
    splits: z.strictObject({ train: splitCountsSchema, validation: splitCountsSchema, test: splitCountsSchema.nullable() }),
    filesSeen: z.number().int().min(0),
    skipped: z.array(skippedFileSchema).max(10_000_000),
    ignored: z.array(z.strictObject({ file: fileName, reason: text(2000) })).max(10_000_000),
    warnings: z.array(z.strictObject({ code: z.enum(DATASET_WARNING_CODES), message: text(5000) })).max(100_000),
  })
  .refine(
    (r) => [r.splits.train, r.splits.validation, r.splits.test].every((s) => s === null || s.perClass.length === r.classes.length),
    'every split needs one count per class',
  );

/**
 * The report with files that failed later (at decode time) added: each is listed once (a file already
 * listed is not added again) and no longer counted in its split.
 */
export function addSkippedFiles(report: DatasetReport, failures: readonly SkippedFile[]): DatasetReport {
  const listed = new Set(report.skipped.map((s) => s.path));
  const splits = {
    train: { ...report.splits.train, perClass: [...report.splits.train.perClass] },
    validation: { ...report.splits.validation, perClass: [...report.splits.validation.perClass] },
    test: report.splits.test && { ...report.splits.test, perClass: [...report.splits.test.perClass] },
  };
  const skipped = [...report.skipped];
  for (const failure of failures) {
    if (listed.has(failure.path)) continue;
    listed.add(failure.path);
    skipped.push(failure);
    const counts = failure.split ? splits[failure.split] : null;
    const label = failure.className === null ? -1 : report.classes.indexOf(failure.className);
    if (counts && label >= 0 && counts.perClass[label]! > 0) {
      counts.perClass[label] = counts.perClass[label]! - 1;
      counts.total -= 1;
    }
  }
  return { ...report, splits, skipped };
}
