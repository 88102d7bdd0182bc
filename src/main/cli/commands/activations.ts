import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { COLOUR_SCALES } from '../../../shared/insight/colour-scale';
import { RUN_WEIGHT_CHOICES } from '../../../shared/insight/insight-jobs';
import { BACKEND_CHOICES } from '../../../shared/project/settings';
import { insightTargetFromPath } from '../../services/insight/insight-target';
import { forkEngine } from '../../services/training/engine-channel';
import { startEngineJob } from '../../services/training/engine-jobs';
import type { CliCommand } from '../command';
import { EXIT, choiceOption, printJson, stringOption } from '../command';
import { requireLayerOption, requireOutput } from './filters';

export const activationsCommand: CliCommand = {
  name: 'activations',
  summary: "Show a layer's feature maps for one image, as numbers (JSON) or as a picture (PNG).",
  usage:
    'cnn-studio activations (RUNDIR | PROJECT) --image IMG --layer ID (--png OUT | --json) [--weights NAME] ' +
    '[--colours viridis|grey|jet|diverging] [--scale layer|map] [--backend NAME]',
  description:
    "The output of one layer (any node of the expanded graph: \"c1\", \"res.relu\", \"input\", \"output\") for an image, decoded\n" +
    "and normalised with the run's preprocessing (for a project: pixel/255, or its ImageNet normalisation). The picture\n" +
    'shows one tile per channel on one colour scale for the whole layer (or one per map: --scale map), with a colour bar.\n' +
    'JSON: {"layer", "kind", "shape": [C, H, W], "maps": [[[...]]] indexed [channel][row][col], "stats": {"mean", "min",\n' +
    '"max", "zeroFraction"}}; a vector output of N values has "shape": [N, 1, 1]. zeroFraction is the fraction of values\n' +
    'that are exactly 0 (after ReLU: the part of the layer switched off for this image).',
  options: {
    image: { type: 'string', value: 'IMG', description: 'The image file.' },
    layer: { type: 'string', value: 'ID', description: 'The layer (its id in the expanded graph).' },
    png: { type: 'string', value: 'OUT', description: 'Write the maps as a PNG grid.' },
    json: { type: 'boolean', description: 'Print the maps as JSON.' },
    weights: { type: 'string', value: 'NAME', description: "A run's final (default), best, last-checkpoint or initial weights." },
    colours: { type: 'string', value: 'NAME', description: 'Colour scale of the picture: viridis (default), grey, jet or diverging.' },
    scale: { type: 'string', value: 'NAME', description: 'layer (default: one range for all maps) or map (each map its own).' },
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm or cpu.' },
  },
  positionals: { min: 1, max: 1, name: 'a run folder or a project file' },
  async run(args, io) {
    const layer = requireLayerOption(args.values.layer, 'activations');
    const image = stringOption(args, 'image');
    if (!image) throw new StudioError('invalid-argument', 'cnn-studio activations needs --image IMG, the image to follow through the network.', { where: '--image' });
    const png = stringOption(args, 'png');
    requireOutput(png, args.values.json === true, 'activations');
    const target = await insightTargetFromPath(resolve(io.cwd, args.positionals[0]!), choiceOption(args, 'weights', RUN_WEIGHT_CHOICES));
    const report = await startEngineJob(forkEngine, 'activations', {
      target,
      image: resolve(io.cwd, image),
      layers: [layer],
      png: png ? { path: resolve(io.cwd, png), colourScale: choiceOption(args, 'colours', COLOUR_SCALES) ?? 'viridis', scale: choiceOption(args, 'scale', ['layer', 'map'] as const) ?? 'layer' } : null,
      backend: choiceOption(args, 'backend', BACKEND_CHOICES) ?? 'auto',
    }).result;
    const [maps] = report.layers;
    if (args.values.json) printJson(io, maps);
    else {
      const s = maps!.stats;
      io.stdout.write(
        `Wrote ${report.png}: layer ${maps!.layer} (${maps!.kind}), ${maps!.shape.join(' x ')} (C x H x W); ` +
          `mean ${s.mean.toPrecision(4)}, min ${s.min.toPrecision(4)}, max ${s.max.toPrecision(4)}, ${(s.zeroFraction * 100).toFixed(1)}% zeros.\n`,
      );
    }
    return EXIT.ok;
  },
};
