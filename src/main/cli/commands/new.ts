import { basename, extname, resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { withLayout } from '../../../shared/graph/layout';
import { NORMALIZATION_PRESETS } from '../../../shared/project/preprocessing';
import { createProject } from '../../../shared/project/project';
import { PROJECT_EXTENSION } from '../../../shared/project/schema';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import { buildTemplate, findTemplate } from '../../../shared/templates';
import { createFineTuneProject } from '../../services/finetune/fine-tune-project';
import { writeProjectFile } from '../../services/project/project-files';
import type { CliCommand, CliIo, ParsedArgs } from '../command';
import { EXIT, choiceOption, formatCount, intOption, numberOption, printJson, stringOption } from '../command';
import { templateChoice, templateOptions } from './graph-source';
import { pathExists } from '../../services/files/path-checks';

export const newCommand: CliCommand = {
  name: 'new',
  summary: 'Create a project file from a template, or from a trained network to fine-tune.',
  usage:
    'cnn-studio new --template NAME [--input HxWxC] [--classes N] [--width X] -o FILE [--force] [--json]\n' +
    '       cnn-studio new --from (MODEL.onnx | RUNDIR) [--cut-after NODE] --classes N [--freeze-until NODE] [--normalization PRESET] -o FILE [--force] [--json]',
  description:
    'Writes a new project (.cnnstudio) with the template\'s network at the given input size and number of classes\n' +
    '(--width scales MobileNetV2\'s channels). A template that does not fit the input size (AlexNet on 32x32 images) is\n' +
    'refused with the reason (exit code 2).\n' +
    'With --from, starts from a trained network instead: a run folder of any project, or an ONNX model (through the\n' +
    'importer). The network is cut after NODE (default: the layer before its Output) and given a new head (global\n' +
    'average pooling when it ends in a feature map, then an Output for N classes); the kept layers\' weights, matched by\n' +
    'node id, go to FILE.weights/ beside the project as its starting weights, and the layers that got none are listed.\n' +
    '--freeze-until freezes NODE and every layer before it; --normalization says how the source\'s images were\n' +
    'normalised when it does not (torchvision models: imagenet-torch).\n' +
    'JSON (template): {"file", "template", "input": "HxWxC", "classes", "params": {"trainable", "nonTrainable", "total"}}.\n' +
    'JSON (--from): {"project", "weights", "source": {"kind": "run"|"onnx", "path", "origin"}, "cutAfter", "head": [id],\n' +
    '  "removed": [id], "layers", "params", "loaded": [id], "withoutWeights": [{"node", "reason": "absent"|"shape differs",\n' +
    '  "detail"}], "normalization", "frozen": [id], "warnings": [sentence]}.',
  options: {
    ...templateOptions,
    width: { type: 'string', value: 'X', description: 'Width multiplier of MobileNetV2 templates (default 1; 0.35 for mobilenetv2-small).' },
    from: { type: 'string', value: 'PATH', description: 'A run folder or an .onnx model to fine-tune.' },
    'cut-after': { type: 'string', value: 'NODE', description: 'With --from: the last layer to keep (default: the one before the Output).' },
    'freeze-until': { type: 'string', value: 'NODE', description: 'With --from: freeze this layer and every layer before it.' },
    normalization: { type: 'string', value: 'PRESET', description: `With --from: ${NORMALIZATION_PRESETS.join(', ')} (default: the source's).` },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'The project file to write.' },
    name: { type: 'string', value: 'TEXT', description: 'The project\'s name (default: from the file name).' },
    force: { type: 'boolean', description: 'Overwrite FILE (and its weights folder) if it exists.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 0, max: 0, name: '' },
  async run(args, io) {
    const from = stringOption(args, 'from');
    if (from !== undefined) return newFromTrained(args, io, from);
    for (const option of ['cut-after', 'freeze-until', 'normalization']) {
      if (stringOption(args, option) !== undefined) throw new StudioError('invalid-argument', `--${option} applies to --from, which is not given.`, { hint: 'Add --from RUNDIR or --from MODEL.onnx.', where: `--${option}` });
    }
    const choice = templateChoice(args);
    if (!choice) throw new StudioError('invalid-argument', 'cnn-studio new needs --template NAME or --from PATH.', { hint: 'Run "cnn-studio templates" for the names.' });
    const out = stringOption(args, 'out');
    if (!out) throw new StudioError('invalid-argument', 'cnn-studio new needs -o FILE, the project file to write.', { where: '-o' });
    const file = resolve(io.cwd, extname(out) ? out : `${out}${PROJECT_EXTENSION}`);
    if (!args.values.force && (await pathExists(file))) {
      throw new StudioError('invalid-argument', `${file} already exists.`, { hint: 'Choose another name, or add --force to overwrite it.', where: file });
    }
    const width = numberOption(args, 'width', { min: 0, max: 4, exclusiveMin: true });
    if (width !== undefined && !choice.name.startsWith('mobilenetv2')) {
      throw new StudioError('invalid-argument', `The ${choice.name} template has no width multiplier.`, { hint: 'Leave out --width, or use mobilenetv2.', where: '--width' });
    }
    const graph = buildTemplate(choice.name, { ...choice, ...(width === undefined ? {} : { width }) });
    const analysis = analyzeGraph(graph);
    const errors = analysis.issues.filter((i) => i.severity === 'error');
    const size = `${choice.input.height}x${choice.input.width}x${choice.input.channels}`;
    if (errors.length) {
      io.stderr.write(
        `The ${findTemplate(choice.name)!.label} template does not fit a ${size} input:\n${errors.map((e) => `  ${e.nodeId ?? ''}: ${issueSentence(e)}`).join('\n')}\n` +
          `Use a larger --input${findTemplate(`${choice.name.replace(/\d+$/, '')}-small`) ? ` or the ${choice.name.replace(/\d+$/, '')}-small template` : ''}.\n`,
      );
      return EXIT.graphErrors;
    }
    const name = stringOption(args, 'name') ?? basename(file, extname(file));
    await writeProjectFile(file, createProject(name, withLayout(graph)));
    const result = { file, template: choice.name, input: size, classes: choice.classes, params: analysis.totals };
    if (args.values.json) printJson(io, result);
    else io.stdout.write(`Created ${file}: ${findTemplate(choice.name)!.label}, ${size} input, ${choice.classes} classes, ${formatCount(analysis.totals.total)} parameters.\n`);
    return EXIT.ok;
  },
};

/** `new --from`: a trained network cut after a layer, with a new head for the new classes. */
async function newFromTrained(args: ParsedArgs, io: CliIo, from: string): Promise<number> {
  for (const option of ['template', 'input', 'width']) {
    if (stringOption(args, option) !== undefined) throw new StudioError('invalid-argument', `--${option} applies to a template, not to --from.`, { hint: `Usage: ${newCommand.usage}`, where: `--${option}` });
  }
  const classes = intOption(args, 'classes', { min: 2, max: 100000 });
  if (classes === undefined) throw new StudioError('invalid-argument', 'cnn-studio new --from needs --classes N, the number of classes of the new dataset.', { where: '--classes' });
  const out = stringOption(args, 'out');
  if (!out) throw new StudioError('invalid-argument', 'cnn-studio new needs -o FILE, the project file to write.', { where: '-o' });
  const cutAfter = stringOption(args, 'cut-after');
  const freezeUntil = stringOption(args, 'freeze-until');
  const normalization = choiceOption(args, 'normalization', NORMALIZATION_PRESETS);
  const name = stringOption(args, 'name');
  const result = await createFineTuneProject({
    from: resolve(io.cwd, from),
    classes,
    out: resolve(io.cwd, out),
    force: args.values.force === true,
    ...(cutAfter ? { cutAfter } : {}),
    ...(freezeUntil ? { freezeUntil } : {}),
    ...(normalization ? { normalization } : {}),
    ...(name ? { name } : {}),
  });
  if (args.values.json) {
    printJson(io, result);
    return EXIT.ok;
  }
  for (const warning of result.warnings) io.stderr.write(`Warning: ${warning}\n`);
  const fresh = result.withoutWeights.map((u) => (u.reason === 'absent' ? u.node : `${u.node} (${u.detail})`));
  io.stdout.write(
    `Created ${result.project}: ${result.source.origin} cut after ${result.cutAfter}, new head ${result.head.join(' → ')} for ${classes} classes; ` +
      `${formatCount(result.params.total)} parameters, ${result.loaded.length} layer(s) with the source's weights in ${result.weights}` +
      `${fresh.length ? `; starting fresh: ${fresh.join(', ')}` : ''}${result.frozen.length ? `; frozen: ${result.frozen.length} layer(s) up to ${freezeUntil}` : ''}.\n`,
  );
  return EXIT.ok;
}

