import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { BaselineJobParams } from '../../../shared/api/engine-protocol';
import { StudioError } from '../../../shared/errors';
import type { BaselineFeatures } from '../../../shared/hog/feature-spec';
import { BASELINE_FEATURE_KINDS, BASELINE_TRAINING_DEFAULTS, describeFeatures } from '../../../shared/hog/feature-spec';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { preprocessingSchema } from '../../../shared/project/preprocessing';
import type { Project } from '../../../shared/project/project';
import type { TrainingSettings } from '../../../shared/project/settings';
import { BACKEND_CHOICES, OPTIMIZERS, trainingSettingsSchema } from '../../../shared/project/settings';
import type { RunEvent } from '../../../shared/run/run-events';
import { fileReadError } from '../../services/files/atomic-write';
import { readProjectFile } from '../../services/project/project-files';
import { RUN_FILES, readRunRecord } from '../../services/runs/run-folder';
import { forkEngine } from '../../services/training/engine-channel';
import { startEngineJob } from '../../services/training/engine-jobs';
import { inputGeometry } from '../../services/training/training-data';
import { resolveDatasetPath } from '../../services/training/training-service';
import type { CliCommand, CliIo, ParsedArgs } from '../command';
import { EXIT, choiceOption, intOption, numberOption, stringOption } from '../command';
import { formatDuration, formatEpochLine } from '../progress-line';
import { HOG_OPTIONS, hogSettingsOption, sizeOption } from './hog';

/** The baseline's training settings unless the options say otherwise. */
export const BASELINE_TRAINING: TrainingSettings = trainingSettingsSchema.parse(BASELINE_TRAINING_DEFAULTS);

export const baselineCommand: CliCommand = {
  name: 'baseline',
  summary: 'Train a hand-crafted baseline (softmax on HOG or pixel features) into a run folder.',
  usage:
    'cnn-studio baseline --features hog|pixels [--cell P] [--block B] [--bins N] [--norm NAME] (--data DIR | --project FILE|RUNDIR)\n' +
    '       [--size HxW] [--channels 1|3] --out RUNDIR [--epochs N] [--batch N] [--lr X] [--optimizer NAME] [--weight-decay X]\n' +
    '       [--val-split F] [--seed N] [--reuse-features RUNDIR] [--backend NAME] [--json]',
  description:
    'Trains multinomial logistic regression (Input -> Flatten -> Output with softmax) on hand-crafted features, in the\n' +
    'engine process, into a run folder like "cnn-studio train" writes: same scan, split, labels, events and checkpoints,\n' +
    'so "cnn-studio evaluate" and "cnn-studio predict" work on it unchanged. --features hog: HOG of the grey image (as\n' +
    '"cnn-studio hog" computes it); --features pixels: the pixels as a network sees them (pixel/255). Every image is\n' +
    'decoded and its features computed once; they are standardised with the training split\'s mean and standard deviation\n' +
    '(kept in the run\'s baseline.json and folded into the stored weights) and cached in the run\'s features/ folder, which\n' +
    '--reuse-features RUNDIR lets a later baseline with the same features read instead of decoding again.\n' +
    '--project takes the dataset, image size, channels, resize, validation split, test folder and seed of a project file\n' +
    '(or of a run folder\'s project), so the baseline sees exactly the split the network was trained on. Without it the\n' +
    `images keep the first training image's size (or --size), 1 channel, validation split 0.2, seed 42. Training defaults:\n` +
    `${BASELINE_TRAINING.epochs} epochs, batch ${BASELINE_TRAINING.batchSize}, Adam at ${BASELINE_TRAINING.optimizer.learningRate}, weight decay ${BASELINE_TRAINING.weightDecay}.\n` +
    'With --json, one event per line on stdout, as "cnn-studio train --json" prints them.',
  options: {
    features: { type: 'string', value: 'KIND', description: 'hog or pixels.' },
    ...HOG_OPTIONS,
    data: { type: 'string', value: 'DIR', description: 'The image folder (default: the --project\'s dataset).' },
    project: { type: 'string', value: 'FILE', description: 'A project file or run folder to take the data, size and split from.' },
    size: { type: 'string', value: 'HxW', description: 'Fit every image to this size (N for N x N).' },
    channels: { type: 'string', value: 'N', description: 'Pixel features from 1 (grey) or 3 (colour) channels; HOG always reads grey.' },
    out: { type: 'string', short: 'o', value: 'RUNDIR', description: 'The new run folder to write.' },
    epochs: { type: 'string', value: 'N', description: `Number of epochs (default ${BASELINE_TRAINING.epochs}).` },
    batch: { type: 'string', value: 'N', description: `Batch size (default ${BASELINE_TRAINING.batchSize}).` },
    lr: { type: 'string', value: 'X', description: `Learning rate (default ${BASELINE_TRAINING.optimizer.learningRate}).` },
    optimizer: { type: 'string', value: 'NAME', description: 'sgd, adam (default) or rmsprop.' },
    'weight-decay': { type: 'string', value: 'X', description: `L2 penalty on the weights (default ${BASELINE_TRAINING.weightDecay}).` },
    'val-split': { type: 'string', value: 'F', description: 'Fraction of each class held out for validation (0 to 0.9).' },
    seed: { type: 'string', value: 'N', description: 'Random seed of the split, the initial weights and the batch order.' },
    'reuse-features': { type: 'string', multiple: true, value: 'RUNDIR', description: 'An earlier baseline run whose cached features may be reused.' },
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm or cpu.' },
    json: { type: 'boolean', description: 'Print one JSON event per line.' },
  },
  positionals: { min: 0, max: 0, name: '' },
  async run(args, io) {
    const kind = choiceOption(args, 'features', BASELINE_FEATURE_KINDS);
    if (!kind) throw new StudioError('invalid-argument', 'cnn-studio baseline needs --features hog or --features pixels.', { where: '--features', hint: `Usage: ${baselineCommand.usage}` });
    const out = stringOption(args, 'out');
    if (!out) throw new StudioError('invalid-argument', 'cnn-studio baseline needs --out RUNDIR, the folder for the run.', { where: '--out' });
    const features: BaselineFeatures = kind === 'hog' ? { kind, hog: hogSettingsOption(args) } : { kind };
    const like = await readComparedProject(args, io.cwd);
    const data = stringOption(args, 'data');
    if (!data && !like) throw new StudioError('invalid-argument', 'cnn-studio baseline needs --data DIR (the image folder) or --project FILE.', { where: '--data' });
    const size = sizeOption(args) ?? (like ? { height: like.image.height, width: like.image.width } : null);
    const channelsText = intOption(args, 'channels', { min: 1, max: 3 });
    if (channelsText === 2) throw new StudioError('invalid-argument', '--channels is "2", but it must be 1 or 3.', { where: '--channels' });
    const channels: 1 | 3 = (channelsText ?? like?.image.channels) === 3 ? 3 : 1;
    const datasetPath = data ? resolve(io.cwd, data) : like!.datasetPath;
    const testPath = like?.project.dataset.testPath ?? null;
    const params: BaselineJobParams = {
      runDir: resolve(io.cwd, out),
      datasetPath,
      testPath: testPath && like?.projectPath && !isAbsolute(testPath) ? resolve(dirname(like.projectPath), testPath) : testPath,
      features,
      image: { size, channels, resize: like?.image.resize ?? 'stretch' },
      validationSplit: numberOption(args, 'val-split', { min: 0, max: 0.9 }) ?? like?.project.dataset.validationSplit ?? 0.2,
      training: trainingOptions(args, like?.project ?? null),
      projectName: like ? `${describeFeatures(features)} baseline for ${like.project.name}` : `${describeFeatures(features)} baseline on ${basename(datasetPath)}`,
      projectPath: like?.projectPath ?? null,
      featureCacheFrom: ((args.values['reuse-features'] as string[] | undefined) ?? []).map((d) => resolve(io.cwd, d)),
      backend: choiceOption(args, 'backend', BACKEND_CHOICES) ?? 'auto',
    };
    const json = args.values.json === true;
    if (!json) io.stdout.write(`Computing ${describeFeatures(features)} features of ${datasetPath}…\n`);
    const job = startEngineJob(forkEngine, 'baseline', params, listeners(io, json));
    const onAbort = () => {
      if (!json) io.stderr.write('\nStopping after this batch…\n');
      job.stop();
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await job.result;
      return result.status === 'stopped' ? EXIT.interrupted : EXIT.ok;
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
    }
  },
};

interface ComparedProject {
  project: Project;
  /** The project file (for a run folder, the file its run was started from, if known). */
  projectPath: string | null;
  datasetPath: string;
  /** How the network's images are fitted: its Input, or a run's preprocessing.json. */
  image: Pick<Preprocessing, 'height' | 'width' | 'channels' | 'resize'>;
}

/** `--project FILE|RUNDIR`: a project file, or the project a run folder kept (with the dataset it trained on). */
async function readComparedProject(args: ParsedArgs, cwd: string): Promise<ComparedProject | null> {
  const given = stringOption(args, 'project');
  if (!given) return null;
  const path = resolve(cwd, given);
  let isRun: boolean;
  try {
    isRun = (await stat(path)).isDirectory();
  } catch (error) {
    throw fileReadError(path, error, 'a project file or a run folder');
  }
  if (isRun) {
    const record = await readRunRecord(path);
    const project = await readProjectFile(join(path, RUN_FILES.project));
    // A run's preprocessing says how its images were fitted (a baseline's Input holds features, not the image).
    return { project, projectPath: record.projectPath, datasetPath: record.datasetPath, image: await readRunPreprocessing(path) };
  }
  const project = await readProjectFile(path);
  const input = inputGeometry(project);
  return { project, projectPath: path, datasetPath: resolveDatasetPath(project, path, stringOption(args, 'data'), cwd), image: { ...input, resize: project.dataset.resize } };
}

async function readRunPreprocessing(runDir: string): Promise<Preprocessing> {
  const path = join(runDir, RUN_FILES.preprocessing);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw error instanceof SyntaxError ? new StudioError('run-invalid', `${path} is not valid JSON; the run folder is damaged.`, { where: path }) : fileReadError(path, error, 'the run\'s preprocessing');
  }
  const parsed = preprocessingSchema.safeParse(raw);
  if (!parsed.success) throw new StudioError('run-invalid', `${path} does not describe a preprocessing; the run folder is damaged.`, { hint: 'Train the run again.', where: path });
  return parsed.data;
}

/** The baseline's own training defaults, the compared project's seed and backend, then the options. */
function trainingOptions(args: ParsedArgs, project: Project | null): TrainingSettings {
  const training: TrainingSettings = { ...BASELINE_TRAINING, optimizer: { ...BASELINE_TRAINING.optimizer } };
  if (project) {
    training.seed = project.training.seed;
    training.backend = project.training.backend;
  }
  const epochs = intOption(args, 'epochs', { min: 1, max: 100000 });
  const batch = intOption(args, 'batch', { min: 1, max: 8192 });
  const lr = numberOption(args, 'lr', { min: 0, max: 10, exclusiveMin: true });
  const optimizer = choiceOption(args, 'optimizer', OPTIMIZERS);
  const decay = numberOption(args, 'weight-decay', { min: 0, max: 1 });
  const seed = intOption(args, 'seed', { min: 0, max: 2 ** 31 - 1 });
  if (epochs !== undefined) training.epochs = epochs;
  if (batch !== undefined) training.batchSize = batch;
  if (lr !== undefined) training.optimizer.learningRate = lr;
  if (optimizer !== undefined) training.optimizer.type = optimizer;
  if (decay !== undefined) training.weightDecay = decay;
  if (seed !== undefined) training.seed = seed;
  return training;
}

/** Epoch lines on a terminal, or the JSON events as `train --json` prints them. */
function listeners(io: CliIo, json: boolean) {
  return {
    onEvent(event: RunEvent) {
      if (json) {
        io.stdout.write(`${JSON.stringify(event)}\n`);
        return;
      }
      switch (event.type) {
        case 'start':
          io.stdout.write(
            `Training a softmax classifier (${event.params.trainable.toLocaleString('en-US')} parameters) on ${event.trainImages.toLocaleString('en-US')} images ` +
              `(${event.valImages.toLocaleString('en-US')} for validation) in ${event.classes.length} classes on ${event.backend.label}.\n`,
          );
          for (const w of event.warnings) io.stdout.write(`Warning: ${w}\n`);
          break;
        case 'epoch':
          io.stdout.write(`${formatEpochLine(event)}\n`);
          break;
        case 'status':
          io.stdout.write(`${event.message}\n`);
          break;
        case 'done':
          io.stdout.write(
            `${event.status === 'completed' ? 'Finished' : 'Stopped'} after ${event.epochs} epoch(s) in ${formatDuration(event.seconds)}` +
              `${event.bestEpoch ? `; best epoch ${event.bestEpoch}` : ''}. Run folder: ${event.runDir}\n`,
          );
          break;
        default:
          break;
      }
    },
    onLog(level: 'info' | 'warn' | 'error', message: string) {
      if (process.env.CNN_STUDIO_DEBUG === '1') io.stderr.write(`[engine ${level}] ${message}\n`);
    },
  };
}
