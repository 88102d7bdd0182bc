import { dirname, isAbsolute, resolve } from 'node:path';
import type { DatasetReport, SkippedFile } from '../../../shared/dataset/dataset-report';
import { addSkippedFiles } from '../../../shared/dataset/dataset-report';
import { StudioError } from '../../../shared/errors';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { resolvePreprocessing } from '../../../shared/project/preprocessing';
import type { Project } from '../../../shared/project/project';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import type { BatchLoader, DatasetSample } from '../data';
import { computeChannelStats, createBatchLoader, decodeImageFile, epochOrder, isAugmentationActive, normalizePixelsInto, scanImageFolder } from '../data';
import type { JobControl } from './job-control';
import type { ImageBatch } from './train-step';

/** What the trainer needs from the dataset pipeline. */
export interface TrainingData {
  classes: string[];
  /** The scan's report with every file that failed to decode so far. */
  readonly report: DatasetReport;
  preprocessing: Preprocessing;
  trainCount: number;
  valCount: number;
  warnings: string[];
  /** Shuffled (seeded by the run seed and the epoch), augmented training batches. */
  trainBatches(epoch: number): AsyncIterable<ImageBatch>;
  /**
   * The files and labels of each training batch of an epoch, in the order `trainBatches` yields them
   * (before files that fail to decode are dropped), without reading any image: a feature cache replays
   * epochs from it.
   */
  batchPlan(epoch: number): { files: string[]; labels: number[] }[];
  /** True when the training images are augmented (so no two epochs see the same pixels). */
  augmented: boolean;
  validationBatches(): AsyncIterable<ImageBatch>;
  /** Fraction of the current epoch's time spent waiting for training batches. */
  waitFraction(): number;
  dispose(): Promise<void>;
}

export interface TrainingDataOptions {
  datasetPath: string;
  /** Where the project file lives: a relative test folder in the project resolves beside it. */
  projectPath?: string | null;
  project: Project;
  seed: number | null;
  control: JobControl;
}

/** The Input's size, which every image is fitted to. */
export function inputGeometry(project: Project): { height: number; width: number; channels: 1 | 3 } {
  const flat = analyzeGraph(project.graph).flat;
  const input = flat?.nodes.find((n) => n.id === flat.inputId);
  if (!input) throw new StudioError('invalid-graph', 'The network has no valid Input layer.', { hint: 'Add an Input and fix the problems list first.' });
  const channels = input.params.channels === 3 ? 3 : 1;
  return { height: input.params.height as number, width: input.params.width as number, channels };
}

/** Scans the dataset, settles the preprocessing and starts the batch loaders of a training run. */
export async function openTrainingData(options: TrainingDataOptions): Promise<TrainingData> {
  const { project, control } = options;
  const geometry = { ...inputGeometry(project), resize: project.dataset.resize };
  const testPath = project.dataset.testPath;
  const index = await scanImageFolder(options.datasetPath, {
    validationSplit: project.dataset.validationSplit,
    seed: options.seed,
    testRoot: testPath ? (isAbsolute(testPath) || !options.projectPath ? testPath : resolve(dirname(options.projectPath), testPath)) : null,
    signal: control.signal,
  });
  const stats = project.dataset.normalization === 'dataset-mean-std' ? await computeChannelStats(index.train, geometry, { signal: control.signal }) : undefined;
  const preprocessing = resolvePreprocessing(project.dataset.normalization, geometry, project.dataset.resize, stats);
  const failures: SkippedFile[] = [];
  const common = {
    preprocessing,
    batchSize: project.training.batchSize,
    seed: options.seed,
    classes: index.classes,
    onSkip: (file: SkippedFile) => failures.push(file),
  };
  const cacheBytes = project.dataset.cacheMegabytes * 1024 * 1024;
  const train = await createBatchLoader({ ...common, samples: index.train, shuffle: true, augmentation: project.dataset.augmentation, cacheBytes: Math.round(cacheBytes * 0.8), prefetchNextEpoch: true });
  let validation: BatchLoader | null = null;
  try {
    // Validation decodes on the engine's thread: sharp works on libuv's pool anyway, and the decode workers stay with training.
    validation = index.validation.length
      ? await createBatchLoader({ ...common, samples: index.validation, shuffle: false, cacheBytes: Math.round(cacheBytes * 0.2), workers: 0 })
      : null;
  } catch (error) {
    await train.dispose();
    throw error;
  }
  let epochStarted = Date.now();
  let waitAtStart = 0;
  return {
    classes: index.classes,
    get report() {
      return addSkippedFiles(index.report, failures);
    },
    preprocessing,
    trainCount: index.train.length,
    valCount: index.validation.length,
    warnings: index.report.warnings.map((w) => w.message),
    batchPlan(epoch) {
      const order = epochOrder(index.train.length, train.seed, epoch, true);
      const batchSize = project.training.batchSize;
      return Array.from({ length: Math.ceil(order.length / batchSize) }, (_, b) => {
        const picked = Array.from(order.subarray(b * batchSize, (b + 1) * batchSize), (i) => index.train[i]!);
        return { files: picked.map((sample) => sample.path), labels: picked.map((sample) => sample.label) };
      });
    },
    augmented: isAugmentationActive(project.dataset.augmentation),
    async *trainBatches(epoch) {
      epochStarted = Date.now();
      waitAtStart = train.stats().waitMs;
      for await (const batch of train.batches(epoch)) yield batch;
    },
    async *validationBatches() {
      if (validation) for await (const batch of validation.batches(1)) yield batch;
    },
    waitFraction() {
      const elapsed = Date.now() - epochStarted;
      return elapsed > 0 ? Math.min(1, (train.stats().waitMs - waitAtStart) / elapsed) : 0;
    },
    async dispose() {
      await Promise.all([train.dispose(), validation?.dispose()]);
    },
  };
}

/** Images to evaluate a run on, labelled with the run's label indices. */
export interface EvaluationData {
  count: number;
  batches(): AsyncIterable<ImageBatch>;
  skipped(): { file: string; reason: string }[];
  dispose(): Promise<void>;
}

/**
 * Scans a folder for evaluation. Its class folders are matched to the run's labels by name; a class the
 * run does not know is an error (the network cannot predict it).
 */
export async function openEvaluationData(options: {
  dataPath: string;
  labels: string[];
  preprocessing: Preprocessing;
  split: 'auto' | 'train' | 'val' | 'test' | 'all';
  control: JobControl;
  /** The fraction and seed a run carved its validation split with; without it nothing is carved. */
  validation?: { fraction: number; seed: number };
}): Promise<EvaluationData> {
  const index = await scanImageFolder(options.dataPath, { validationSplit: options.validation?.fraction ?? 0, seed: options.validation?.seed ?? 0, signal: options.control.signal });
  const unknown = index.classes.filter((c) => !options.labels.includes(c));
  if (unknown.length) {
    throw new StudioError('dataset-invalid', `${options.dataPath} has class folder(s) the run was not trained on: ${unknown.join(', ')}.`, {
      hint: `The run knows ${options.labels.join(', ')}; remove or rename the other folders.`,
      where: options.dataPath,
    });
  }
  const pick = (): DatasetSample[] => {
    switch (options.split) {
      case 'train':
        return index.train;
      case 'val':
        return index.validation;
      case 'test':
        return index.test;
      case 'all':
        return [...index.train, ...index.validation, ...index.test];
      case 'auto':
        return index.test.length ? index.test : index.validation.length ? index.validation : index.train;
    }
  };
  const chosen = pick();
  if (!chosen.length) {
    throw new StudioError('dataset-invalid', `${options.dataPath} has no images in the ${options.split} split.`, { hint: 'Choose another --split, or another folder.', where: options.dataPath });
  }
  const samples = chosen.map((s) => ({ ...s, label: options.labels.indexOf(index.classes[s.label]!) }));
  const failures: SkippedFile[] = [];
  const loader = await createBatchLoader({ samples, preprocessing: options.preprocessing, batchSize: 64, shuffle: false, seed: 0, classes: options.labels, onSkip: (f) => failures.push(f) });
  return {
    count: samples.length,
    async *batches() {
      for await (const batch of loader.batches(1)) yield batch;
    },
    skipped: () => [...index.report.skipped, ...failures].map((s) => ({ file: s.path, reason: s.reason })),
    dispose: () => loader.dispose(),
  };
}

/** One image file decoded and normalised exactly as the run's preprocessing says. */
export async function decodeForModel(file: string, preprocessing: Preprocessing): Promise<Float32Array> {
  const image = await decodeImageFile(file, preprocessing);
  const out = new Float32Array(preprocessing.height * preprocessing.width * preprocessing.channels);
  normalizePixelsInto(image, preprocessing, out);
  return out;
}
