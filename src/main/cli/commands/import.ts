import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { importModelToProject } from '../../services/export/import-model';
import type { CliCommand } from '../command';
import { EXIT, formatCount, printJson, stringOption } from '../command';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Turn an ONNX model into an editable project with its weights.',
  usage: 'cnn-studio import MODEL.onnx -o PROJECT [--force] [--json]',
  description:
    'Reads an ONNX model made of supported operators (Conv, pooling, Gemm/MatMul, activations, BatchNormalization,\n' +
    'Add, Concat, Flatten/Reshape, Dropout, ...; PyTorch\'s exports of LeNet-, VGG- and ResNet-style nets included) and writes\n' +
    'PROJECT (.cnnstudio) with its weights in PROJECT.weights/ beside it. Labels and preprocessing come from the file\'s\n' +
    'metadata when present. Unsupported operators are listed by name and node (exit code 1).\n' +
    'JSON: {"project", "weights", "layers", "params": {"trainable", "nonTrainable", "total"}, "labels" (or null),\n' +
    '       "normalization" (preset or null), "warnings": [sentence]}.',
  options: {
    out: { type: 'string', short: 'o', value: 'PROJECT', description: 'The project file to write.' },
    force: { type: 'boolean', description: 'Replace PROJECT and its weights folder if they exist.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 1, max: 1, name: 'an ONNX model file' },
  async run(args, io) {
    const out = stringOption(args, 'out');
    if (!out) throw new StudioError('invalid-argument', 'cnn-studio import needs -o PROJECT, the project file to write.', { where: '-o' });
    const result = await importModelToProject({ model: resolve(io.cwd, args.positionals[0]!), out: resolve(io.cwd, out), force: args.values.force === true });
    if (args.values.json) {
      printJson(io, result);
      return EXIT.ok;
    }
    for (const warning of result.warnings) io.stderr.write(`Warning: ${warning}\n`);
    io.stdout.write(
      `Created ${result.project}: ${result.layers} layers, ${formatCount(result.params.total)} parameters; weights in ${result.weights}` +
        `${result.labels ? `; ${result.labels.length} labels` : ''}.\n`,
    );
    return EXIT.ok;
  },
};
