import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { freezeUntil, requireNode } from '../../../shared/finetune/graph-surgery';
import type { Project } from '../../../shared/project/project';
import { BACKEND_CHOICES, OPTIMIZERS } from '../../../shared/project/settings';
import type { RunEvent } from '../../../shared/run/run-events';
import { readProjectFile } from '../../services/project/project-files';
import { forkEngine } from '../../services/training/engine-channel';
import type { EngineJob } from '../../services/training/engine-jobs';
import { resumeTraining, startTraining } from '../../services/training/training-service';
import type { CliCommand, CliIo } from '../command';
import { EXIT, choiceOption, intOption, numberOption, stringOption } from '../command';
import { formatBatchLine, formatDuration, formatEpochLine } from '../progress-line';

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a project on an image folder into a run folder.',
  usage:
    'cnn-studio train PROJECT [--data DIR] [--epochs N] [--batch N] [--lr X] [--optimizer sgd|adam|rmsprop] [--val-split F] ' +
    '[--backend auto|tensorflow|webgpu|wasm|cpu|pytorch] [--seed N] [--freeze-until NODE] [--unfreeze-from NODE [--head-epochs N]\n' +
    '       [--unfreeze-lr-factor X]] [--no-feature-cache] --out RUNDIR [--json]\n       cnn-studio train --resume RUNDIR [--backend ...] [--json]',
  description:
    'Trains in a separate engine process. DIR holds one sub-folder per class, or train/ plus val/ (or validation/) and test/;\n' +
    'without --data the project\'s own dataset folder is used. The options override the project\'s training settings.\n' +
    'On a terminal a progress bar shows loss, accuracy, images/s and ETA; Ctrl-C stops cleanly (exit 130) and keeps what\n' +
    'was trained and the last checkpoint; --resume continues a stopped or killed run from its last checkpoint.\n' +
    'With --json, one event per line on stdout: {"type": "start"|"batch"|"epoch"|"checkpoint"|"status"|"done"|"error", ...};\n' +
    'epoch events carry epoch, epochs, loss, accuracy, valLoss, valAccuracy, imagesPerSecond, seconds, learningRate, eta, best.\n' +
    'Fine-tuning: --freeze-until NODE keeps NODE and every layer before it as they are (a frozen BatchNorm normalises with\n' +
    'its running statistics). --unfreeze-from NODE adds a second phase: after --head-epochs N epochs (default 5), NODE and\n' +
    'every layer after it train too, at the learning rate times --unfreeze-lr-factor (default 0.1), with a fresh optimizer;\n' +
    'batch and epoch events then carry "phase" (1 or 2) and a {"type": "status", "status": "phase-change", "phase": 2} event\n' +
    'marks the change. When nothing before the trainable layers trains and augmentation is off, the frozen part runs once per\n' +
    'image and its outputs are reused (a {"status": "feature-cache", "featureCache": {"on": true, "node"}} event says so);\n' +
    '--no-feature-cache turns that off. These options are stored in the run\'s copy of the project.',
  options: {
    data: { type: 'string', value: 'DIR', description: 'The image folder (default: the project\'s dataset folder).' },
    out: { type: 'string', short: 'o', value: 'RUNDIR', description: 'The new run folder to write.' },
    resume: { type: 'string', value: 'RUNDIR', description: 'Continue this run from its last checkpoint.' },
    epochs: { type: 'string', value: 'N', description: 'Number of epochs.' },
    batch: { type: 'string', value: 'N', description: 'Batch size.' },
    lr: { type: 'string', value: 'X', description: 'Learning rate.' },
    optimizer: { type: 'string', value: 'NAME', description: 'sgd, adam or rmsprop.' },
    'val-split': { type: 'string', value: 'F', description: 'Fraction of each class held out for validation (0 to 0.9).' },
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm, cpu, or pytorch (the PyTorch package, run by python3 with torch).' },
    seed: { type: 'string', value: 'N', description: 'Random seed (same seed, same result on wasm and cpu).' },
    'freeze-until': { type: 'string', value: 'NODE', description: 'Freeze NODE and every layer before it.' },
    'unfreeze-from': { type: 'string', value: 'NODE', description: 'Phase 2: train NODE and the layers after it too.' },
    'head-epochs': { type: 'string', value: 'N', description: 'Epochs of phase 1 before --unfreeze-from applies (default 5).' },
    'unfreeze-lr-factor': { type: 'string', value: 'X', description: 'Phase 2\'s learning rate factor (default 0.1).' },
    'no-feature-cache': { type: 'boolean', description: 'Run the frozen layers on every image at every epoch.' },
    json: { type: 'boolean', description: 'Print one JSON event per line.' },
  },
  positionals: { min: 0, max: 1, name: 'a project file' },
  async run(args, io) {
    const backend = choiceOption(args, 'backend', BACKEND_CHOICES);
    const resumeDir = stringOption(args, 'resume');
    let job: EngineJob<'train'>;
    if (resumeDir) {
      if (args.positionals.length || stringOption(args, 'out')) {
        throw new StudioError('invalid-argument', '--resume continues a run with its own project and folder; do not give a project or --out with it.');
      }
      job = await resumeTraining(forkEngine, resolve(io.cwd, resumeDir), { ...listeners(io, args.values.json === true), ...(backend ? { backend } : {}) });
    } else {
      const [file] = args.positionals;
      if (!file) throw new StudioError('invalid-argument', 'cnn-studio train needs a project file (or --resume RUNDIR).', { hint: `Usage: ${trainCommand.usage}` });
      const out = stringOption(args, 'out');
      if (!out) throw new StudioError('invalid-argument', 'cnn-studio train needs --out RUNDIR, the folder for the run.', { where: '--out' });
      const projectPath = resolve(io.cwd, file);
      const project = applyOverrides(await readProjectFile(projectPath), args);
      if ((backend ?? project.training.backend) === 'pytorch' && project.training.fineTuning.unfreezeFrom !== null) {
        throw new StudioError('invalid-argument', 'The PyTorch engine trains in one phase; unfreezing a second phase needs one of the TF.js engines.', {
          hint: 'Leave out --unfreeze-from (frozen layers stay frozen on PyTorch too), or choose --backend auto.',
          where: '--unfreeze-from',
        });
      }
      job = startTraining(forkEngine, { project, projectPath, dataPath: stringOption(args, 'data'), runDir: out, cwd: io.cwd, ...(backend ? { backend } : {}) }, listeners(io, args.values.json === true));
    }
    const onAbort = () => {
      if (!args.values.json) io.stderr.write('\nStopping after this batch (press Ctrl-C again to quit at once)…\n');
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

type Args = Parameters<CliCommand['run']>[0];

function applyOverrides(project: Project, args: Args): Project {
  const training = { ...project.training, optimizer: { ...project.training.optimizer }, fineTuning: { ...project.training.fineTuning } };
  const epochs = intOption(args, 'epochs', { min: 1, max: 100000 });
  const batch = intOption(args, 'batch', { min: 1, max: 8192 });
  const lr = numberOption(args, 'lr', { min: 0, max: 10, exclusiveMin: true });
  const optimizer = choiceOption(args, 'optimizer', OPTIMIZERS);
  const seed = intOption(args, 'seed', { min: 0, max: 2 ** 31 - 1 });
  const valSplit = numberOption(args, 'val-split', { min: 0, max: 0.9 });
  if (epochs !== undefined) training.epochs = epochs;
  if (batch !== undefined) training.batchSize = batch;
  if (lr !== undefined) training.optimizer.learningRate = lr;
  if (optimizer !== undefined) training.optimizer.type = optimizer;
  if (seed !== undefined) training.seed = seed;
  const unfreezeFrom = stringOption(args, 'unfreeze-from');
  const headEpochs = intOption(args, 'head-epochs', { min: 1, max: 100000 });
  const factor = numberOption(args, 'unfreeze-lr-factor', { min: 0, max: 1, exclusiveMin: true });
  if ((headEpochs !== undefined || factor !== undefined) && unfreezeFrom === undefined && training.fineTuning.unfreezeFrom === null) {
    throw new StudioError('invalid-argument', '--head-epochs and --unfreeze-lr-factor describe the second phase, which needs --unfreeze-from NODE.', { where: '--unfreeze-from' });
  }
  if (unfreezeFrom !== undefined) {
    requireNode(project.graph, unfreezeFrom, '--unfreeze-from');
    training.fineTuning.unfreezeFrom = unfreezeFrom;
  }
  if (headEpochs !== undefined) training.fineTuning.headEpochs = headEpochs;
  if (factor !== undefined) training.fineTuning.learningRateFactor = factor;
  if (args.values['no-feature-cache'] === true) training.fineTuning.featureCache = false;
  const freeze = stringOption(args, 'freeze-until');
  const graph = freeze === undefined ? project.graph : freezeUntil(project.graph, freeze).graph;
  return { ...project, graph, training, dataset: valSplit === undefined ? project.dataset : { ...project.dataset, validationSplit: valSplit } };
}

/** Progress on a terminal, epoch lines elsewhere, or JSON events. */
function listeners(io: CliIo, json: boolean) {
  const tty = io.stderr.isTTY === true;
  let epochs = 0;
  return {
    onEvent(event: RunEvent) {
      if (json) {
        io.stdout.write(`${JSON.stringify(event)}\n`);
        return;
      }
      switch (event.type) {
        case 'start':
          epochs = event.epochs;
          io.stdout.write(
            `Training ${event.trainImages.toLocaleString('en-US')} images (${event.valImages.toLocaleString('en-US')} for validation) in ${event.classes.length} classes on ${event.backend.label}` +
              ` — ${event.backend.reason.replace(/\.$/, '')}${event.resumedFrom ? `; resuming after epoch ${event.resumedFrom}` : ''}.\n`,
          );
          for (const w of event.warnings) io.stdout.write(`Warning: ${w}\n`);
          break;
        case 'batch':
          if (tty) io.stderr.write(`\r${formatBatchLine(event, epochs)}\x1b[K`);
          break;
        case 'epoch':
          if (tty) io.stderr.write('\r\x1b[K');
          io.stdout.write(`${formatEpochLine(event)}\n`);
          break;
        case 'status':
          if (tty) io.stderr.write('\r\x1b[K');
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
      if (level !== 'info' && process.env.CNN_STUDIO_DEBUG === '1') io.stderr.write(`[engine ${level}] ${message}\n`);
    },
  };
}
