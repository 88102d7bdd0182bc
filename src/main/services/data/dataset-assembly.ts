import type { DatasetLayout, DatasetReport, DatasetWarning, IgnoredFile, SkippedFile, SplitCounts, SplitName } from '../../../shared/dataset/dataset-report';
import {
  checkTrainingClasses,
  fewImagesWarning,
  imbalanceWarning,
  missingClassWarning,
  unknownTestClassesWarning,
  unknownValidationClassesError,
} from './dataset-checks';
import type { DatasetIndex, DatasetSample } from './dataset-index';
import { splitClass } from './dataset-split';
import { compareCodePoints } from './folder-entries';
import { freshSeed } from './random';

/**
 * From what a folder scan found to the dataset: the training split must pass the rules (errors),
 * classes are labelled in sorted order, the validation split comes from its folder or is carved
 * from train (stratified, seeded), test classes are matched to train's, and the report is written.
 */

export interface ClassScan {
  className: string;
  /** Relative to the root it was found in. */
  folder: string;
  samples: { path: string; file: string }[];
  skipped: number;
  firstSkipReason: string | null;
}

export interface SplitScan {
  /** The split's folder relative to the root, or null for the root itself. */
  folder: string | null;
  classes: Map<string, ClassScan>;
}

export interface CollectedScan {
  root: string;
  testRoot: string | null;
  layout: DatasetLayout;
  train: SplitScan;
  validation: SplitScan | null;
  test: SplitScan | null;
  skipped: SkippedFile[];
  ignored: IgnoredFile[];
  filesSeen: number;
}

/** Applies the rules, splits the classes, labels the samples and writes the report. */
export function assembleDataset(scan: CollectedScan, options: { validationSplit?: number; seed?: number | null }): DatasetIndex {
  const { root, testRoot, layout, train, validation: validationScan, test: testScan, skipped, filesSeen } = scan;
  const ignored = [...scan.ignored];
  const warnings: DatasetWarning[] = [];
  const classes = [...train.classes.keys()].sort(compareCodePoints);
  const firstSkip = skipped[0] ? `${skipped[0].file}: ${skipped[0].reason}` : null;
  checkTrainingClasses(
    root,
    classes.map((name) => {
      const c = train.classes.get(name)!;
      return { className: name, folder: c.folder, images: c.samples.length, skipped: c.skipped, firstSkipReason: c.firstSkipReason };
    }),
    skipped.length,
    firstSkip,
  );
  const label = new Map(classes.map((name, i) => [name, i]));
  const sample = (split: SplitName) => (className: string) => (s: { path: string; file: string }) => ({ path: s.path, file: s.file, label: label.get(className)!, split });

  const trainSamples: DatasetSample[] = [];
  const validationSamples: DatasetSample[] = [];
  const fraction = options.validationSplit ?? 0.2;
  const seed = options.seed ?? freshSeed();
  let validation: DatasetReport['validation'];
  if (validationScan) {
    validation = { source: 'folder', fraction: null, seed: null };
    const folder = `${validationScan.folder}/`;
    const unknown = [...validationScan.classes.keys()].filter((name) => !label.has(name)).sort(compareCodePoints);
    if (unknown.length > 0) throw unknownValidationClassesError(folder, unknown);
    for (const name of classes) {
      trainSamples.push(...train.classes.get(name)!.samples.map(sample('train')(name)));
      validationSamples.push(...(validationScan.classes.get(name)?.samples ?? []).map(sample('validation')(name)));
    }
    const missing = classes.filter((name) => !validationScan.classes.get(name)?.samples.length);
    const w = missingClassWarning('validation', folder, missing);
    if (w) warnings.push(w);
  } else {
    validation = fraction > 0 ? { source: 'split', fraction, seed } : { source: 'none', fraction: null, seed: null };
    const single: string[] = [];
    for (const name of classes) {
      const all = train.classes.get(name)!.samples;
      const parts = splitClass(all, fraction, seed, name);
      if (fraction > 0 && all.length < 2) single.push(name);
      trainSamples.push(...parts.train.map(sample('train')(name)));
      validationSamples.push(...parts.validation.map(sample('validation')(name)));
    }
    const w = fewImagesWarning(single);
    if (w) warnings.push(w);
  }

  const testSamples: DatasetSample[] = [];
  if (testScan) {
    const folder = testScan.folder === null ? testRoot! : `${testScan.folder}/`;
    const unknown = [...testScan.classes.keys()].filter((name) => !label.has(name)).sort(compareCodePoints);
    if (unknown.length > 0) {
      warnings.push(unknownTestClassesWarning(folder, unknown));
      for (const name of unknown) ignored.push({ file: testScan.classes.get(name)!.folder, reason: `class '${name}' is not a class of the training split` });
    }
    for (const name of classes) testSamples.push(...(testScan.classes.get(name)?.samples ?? []).map(sample('test')(name)));
    const w = missingClassWarning('test', folder, classes.filter((name) => !testScan.classes.get(name)?.samples.length));
    if (w) warnings.push(w);
  }

  const counts = (samples: DatasetSample[], folder: string | null): SplitCounts => {
    const perClass = classes.map(() => 0);
    for (const s of samples) perClass[s.label] = perClass[s.label]! + 1;
    return { folder, perClass, total: samples.length };
  };
  const trainCounts = counts(trainSamples, train.folder);
  const imbalance = imbalanceWarning(classes, trainCounts.perClass);
  if (imbalance) warnings.unshift(imbalance);
  const byFile = <T extends { file: string }>(a: T, b: T) => compareCodePoints(a.file, b.file);
  const report: DatasetReport = {
    format: 'cnn-studio/dataset-report',
    version: 1,
    root,
    testRoot,
    layout,
    classes,
    validation,
    splits: {
      train: trainCounts,
      validation: counts(validationSamples, validationScan?.folder ?? null),
      test: testScan ? counts(testSamples, testScan.folder) : null,
    },
    filesSeen,
    skipped: [...skipped].sort(byFile),
    ignored: [...ignored].sort(byFile),
    warnings,
  };
  return { root, testRoot, layout, classes, train: trainSamples, validation: validationSamples, test: testSamples, report };
}
