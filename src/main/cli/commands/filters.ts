import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { FILTER_MODES, FILTER_SCALES } from '../../../shared/insight/filter-display';
import { RUN_WEIGHT_CHOICES } from '../../../shared/insight/insight-jobs';
import { BACKEND_CHOICES } from '../../../shared/project/settings';
import { insightTargetFromPath } from '../../services/insight/insight-target';
import { forkEngine } from '../../services/training/engine-channel';
import { startEngineJob } from '../../services/training/engine-jobs';
import type { CliCommand } from '../command';
import { EXIT, choiceOption, printJson, stringOption } from '../command';

export const filtersCommand: CliCommand = {
  name: 'filters',
  summary: "Show a convolution layer's filters as numbers (JSON) or as a picture (PNG).",
  usage:
    'cnn-studio filters (RUNDIR | PROJECT) --layer ID (--png OUT | --json) [--weights final|best|last-checkpoint|initial] ' +
    '[--mode rgb|channels|average] [--scale shared|per-filter] [--compare] [--backend NAME]',
  description:
    'The kernels of one Conv2D (a flat id: "c1", or "res.conv1" inside a block). For a run folder: its final weights (or\n' +
    '--weights); for a project file: the weights training would start from (fixed filters, the project\'s initial\n' +
    'weights, or the initialisation seeded with the project\'s seed). The picture shows one tile per filter: in colour for a\n' +
    'three-channel input, else one tile per input channel (one row per filter) or the channels\' average (--mode), on one\n' +
    'grey scale for all filters (0 = mid grey) or one per filter (--scale); --compare puts the weights the run started from\n' +
    '(left) beside the trained ones (right) on one scale.\n' +
    'JSON: {"layer", "kind": "Conv2D", "filters", "channels", "kernelSize", "source": "run"|"project", "channelOrder",\n' +
    '"origin", "weightsFrom", "values": [[[[...]]]] indexed [filter][channel][row][col], "bias": [...] | null,\n' +
    '"initial": {"weightsFrom", "values", "bias"} | null (a run\'s weights before training), "png": path | null}.',
  options: {
    layer: { type: 'string', value: 'ID', description: 'The Conv2D layer (its id in the expanded graph).' },
    png: { type: 'string', value: 'OUT', description: 'Write the filters as a PNG grid.' },
    json: { type: 'boolean', description: 'Print the values as JSON.' },
    weights: { type: 'string', value: 'NAME', description: "A run's final (default), best, last-checkpoint or initial weights." },
    mode: { type: 'string', value: 'NAME', description: 'rgb, channels or average (default: rgb for RGB input, channels for grey, else average).' },
    scale: { type: 'string', value: 'NAME', description: 'shared (default) or per-filter colour scale.' },
    compare: { type: 'boolean', description: 'Before vs after training, side by side (runs).' },
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm or cpu.' },
  },
  positionals: { min: 1, max: 1, name: 'a run folder or a project file' },
  async run(args, io) {
    const layer = requireLayerOption(args.values.layer, 'filters');
    const png = stringOption(args, 'png');
    requireOutput(png, args.values.json === true, 'filters');
    const target = await insightTargetFromPath(resolve(io.cwd, args.positionals[0]!), choiceOption(args, 'weights', RUN_WEIGHT_CHOICES));
    const report = await startEngineJob(forkEngine, 'filters', {
      target,
      layer,
      png: png ? { path: resolve(io.cwd, png), mode: choiceOption(args, 'mode', FILTER_MODES) ?? null, scale: choiceOption(args, 'scale', FILTER_SCALES) ?? 'shared', compare: args.values.compare === true } : null,
      backend: choiceOption(args, 'backend', BACKEND_CHOICES) ?? 'auto',
    }).result;
    if (args.values.json) printJson(io, report);
    else io.stdout.write(`Wrote ${report.png}: ${report.filters} filter(s) of ${report.kernelSize}x${report.kernelSize}x${report.channels} of layer ${report.layer} (${report.origin}).\n`);
    return EXIT.ok;
  },
};

/** The --layer value, or the sentence that asks for it. */
export function requireLayerOption(value: unknown, command: string): string {
  if (typeof value !== 'string' || !value) {
    throw new StudioError('invalid-argument', `cnn-studio ${command} needs --layer ID, the layer to show.`, { hint: 'Run "cnn-studio inspect" on the project to see the layer ids.', where: '--layer' });
  }
  return value;
}

/** A view command writes a picture, prints JSON, or both; neither is a mistake. */
export function requireOutput(png: string | undefined, json: boolean, command: string): void {
  if (!png && !json) {
    throw new StudioError('invalid-argument', `cnn-studio ${command} needs --png OUT (a picture) or --json (the numbers).`, { hint: `Run "cnn-studio ${command} --help" for the options.` });
  }
}
