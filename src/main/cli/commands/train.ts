import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
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
    '[--backend auto|tensorflow|webgpu|wasm|cpu|pytorch] [--seed N] --out RUNDIR [--json]\n       cnn-studio train --resume RUNDIR [--backend ...] [--json]',
  description:
    'Trains in a separate engine process. DIR holds one sub-folder per class, or train/ plus val/ (or validation/) and test/;\n' +
    'without --data the project\'s own dataset folder is used. The options override the project\'s training settings.\n' +
    'On a terminal a progress bar shows loss, accuracy, images/s and ETA; Ctrl-C stops cleanly (exit 130) and keeps what\n' +
    'was trained and the last checkpoint; --resume continues a stopped or killed run from its last checkpoint.\n' +
    'With --json, one event per line on stdout: {"type": "start"|"batch"|"epoch"|"checkpoint"|"status"|"done"|"error", ...};\n' +
    'epoch events carry epoch, epochs, loss, accuracy, valLoss, valAccuracy, imagesPerSecond, seconds, learningRate, eta, best.',
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
  const training = { ...project.training, optimizer: { ...project.training.optimizer } };
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
  return { ...project, training, dataset: valSplit === undefined ? project.dataset : { ...project.dataset, validationSplit: valSplit } };
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
              ` — ${event.backend.reason}${event.resumedFrom ? `; resuming after epoch ${event.resumedFrom}` : ''}.\n`,
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
