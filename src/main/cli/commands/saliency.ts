import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { RUN_WEIGHT_CHOICES, SALIENCY_METHODS } from '../../../shared/insight/insight-jobs';
import { BACKEND_CHOICES } from '../../../shared/project/settings';
import { insightTargetFromPath } from '../../services/insight/insight-target';
import { forkEngine } from '../../services/training/engine-channel';
import { startEngineJob } from '../../services/training/engine-jobs';
import type { CliCommand } from '../command';
import { EXIT, choiceOption, printJson, stringOption } from '../command';
import { requireOutput } from './filters';

export const saliencyCommand: CliCommand = {
  name: 'saliency',
  summary: 'Show where a trained network looks for a class in an image (Grad-CAM or gradient saliency).',
  usage: 'cnn-studio saliency RUNDIR --image IMG [--class NAME] [--method gradcam|gradient] [--layer ID] (--png OUT | --json) [--weights NAME] [--backend NAME]',
  description:
    'Grad-CAM (default): the feature maps of a layer (the last convolution before the classifier, or --layer) weighted by\n' +
    'the average gradient of the class score, summed, ReLU, upsampled bilinearly to the image. gradient: the largest\n' +
    '|d score / d pixel| over the channels. The score is the class\'s value before softmax, for the predicted class or\n' +
    '--class (a name from the run\'s labels.json). The picture is the heatmap (jet, scaled to its maximum) blended over\n' +
    'the image as the network sees it.\n' +
    'JSON: {"image", "method", "layer" (null for gradient), "className", "classIndex", "predicted", "labels": [...],\n' +
    '"probabilities": [...], "map": [[...]] (input height x width, not normalised), "layerMap": [[...]] (Grad-CAM at the\n' +
    'layer\'s size) | null, "channelWeights": [...] (Grad-CAM\'s per-channel weights) | null, "weightsFrom", "png": path | null}.',
  options: {
    image: { type: 'string', value: 'IMG', description: 'The image file.' },
    class: { type: 'string', value: 'NAME', description: 'The class to explain (default: the predicted one).' },
    method: { type: 'string', value: 'NAME', description: 'gradcam (default) or gradient.' },
    layer: { type: 'string', value: 'ID', description: 'Grad-CAM\'s layer (default: the last convolution before the classifier).' },
    png: { type: 'string', value: 'OUT', description: 'Write the heatmap over the image as PNG.' },
    json: { type: 'boolean', description: 'Print the maps as JSON.' },
    weights: { type: 'string', value: 'NAME', description: 'final (default), best, last-checkpoint or initial weights.' },
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm or cpu.' },
  },
  positionals: { min: 1, max: 1, name: 'a run folder' },
  async run(args, io) {
    const image = stringOption(args, 'image');
    if (!image) throw new StudioError('invalid-argument', 'cnn-studio saliency needs --image IMG, the image to explain.', { where: '--image' });
    const png = stringOption(args, 'png');
    requireOutput(png, args.values.json === true, 'saliency');
    const target = await insightTargetFromPath(resolve(io.cwd, args.positionals[0]!), choiceOption(args, 'weights', RUN_WEIGHT_CHOICES));
    if (target.kind !== 'run') {
      throw new StudioError('invalid-argument', `cnn-studio saliency explains a trained network, but ${args.positionals[0]} is a project file.`, { hint: 'Give a run folder (train the project first).' });
    }
    const report = await startEngineJob(forkEngine, 'saliency', {
      target,
      image: resolve(io.cwd, image),
      className: stringOption(args, 'class') ?? null,
      method: choiceOption(args, 'method', SALIENCY_METHODS) ?? 'gradcam',
      layer: stringOption(args, 'layer') ?? null,
      png: png ? { path: resolve(io.cwd, png) } : null,
      backend: choiceOption(args, 'backend', BACKEND_CHOICES) ?? 'auto',
    }).result;
    if (args.values.json) printJson(io, report);
    else {
      const p = report.probabilities[report.classIndex]!;
      const where = report.layer ? `Grad-CAM on ${report.layer}` : 'gradient saliency';
      io.stdout.write(`Wrote ${report.png}: ${where} for "${report.className}" (probability ${(p * 100).toFixed(1)}%; predicted: ${report.predicted}).\n`);
    }
    return EXIT.ok;
  },
};
