import { resolve } from 'node:path';
import { BACKEND_CHOICES } from '../../../shared/project/settings';
import { forkEngine } from '../../services/training/engine-channel';
import { startEngineJob } from '../../services/training/engine-jobs';
import type { CliCommand } from '../command';
import { EXIT, choiceOption, printJson } from '../command';

export const predictCommand: CliCommand = {
  name: 'predict',
  summary: 'Classify image files with a trained run.',
  usage: 'cnn-studio predict RUNDIR IMAGE... [--backend NAME] [--json]',
  description:
    'Prints the most likely class of each image, using the run\'s preprocessing. An image that cannot be read is\n' +
    'reported with the reason and the exit code is 1.\n' +
    'JSON: [{"file", "label", "probabilities": [...]}] with probabilities in the order of the run\'s labels\n' +
    '(labels.json in the run folder); a file that cannot be read has "label": null and an "error" sentence.',
  options: {
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm or cpu.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 2, max: 100000, name: 'a run folder and at least one image' },
  async run(args, io) {
    const [runDir, ...images] = args.positionals;
    const predictions = await startEngineJob(forkEngine, 'predict', {
      runDir: resolve(io.cwd, runDir!),
      files: images.map((f) => resolve(io.cwd, f)),
      backend: choiceOption(args, 'backend', BACKEND_CHOICES) ?? 'auto',
    }).result;
    if (args.values.json) printJson(io, predictions);
    else {
      for (const p of predictions) {
        if (p.error) io.stderr.write(`${p.file}: ${p.error}\n`);
        else io.stdout.write(`${p.file}: ${p.label} (${(Math.max(...p.probabilities) * 100).toFixed(1)}%)\n`);
      }
    }
    return predictions.some((p) => p.error) ? EXIT.unusable : EXIT.ok;
  },
};
