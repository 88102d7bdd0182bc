import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { studioVersion } from '../../services/resources/studio-version';
import { EXPORT_OPSETS, INPUT_LAYOUTS } from '../../../shared/onnx/opsets';
import { EXPORT_FORMATS, exportModel } from '../../services/export/export-model';
import type { CliCommand } from '../command';
import { EXIT, choiceOption, intOption, printJson, stringOption } from '../command';
import { runPytorchExport } from './export-pytorch';


export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a trained run (or a project) to ONNX, TensorFlow.js, or a PyTorch training package.',
  usage: 'cnn-studio export (RUNDIR | PROJECT) --format onnx|tfjs|pytorch --out PATH [--opset N] [--layout nchw|nhwc] [--logits] [--json]',
  description:
    'Writes the network with its weights: from a run folder its trained weights, from a project its initial weights\n' +
    '(imported, or random as training would start; a warning says so). ONNX: one .onnx file, opset 13 unless --opset\n' +
    `(${EXPORT_OPSETS[0]}-${EXPORT_OPSETS[EXPORT_OPSETS.length - 1]}), NCHW input unless --layout nhwc, probabilities unless --logits; labels, input size and\n` +
    'normalisation in its metadata. TF.js: a folder with model.json, weight shards, labels.json and preprocessing.json,\n' +
    'loadable by tf.loadLayersModel. PyTorch: a folder with model.py, data.py, train.py (torchrun + DistributedDataParallel),\n' +
    'export_onnx.py, the weights, a README with the commands, a Slurm script and a Kubeflow PyTorchJob manifest.\n' +
    'The output appears whole or not at all.\n' +
    'JSON: {"file" (ONNX) or "dir" (TF.js), "format", "opset" (null for TF.js), "warnings": [sentence]};\n' +
    'PyTorch: {"dir", "format": "pytorch", "files": [path], "howToRun", "warnings"}.',
  options: {
    format: { type: 'string', value: 'onnx|tfjs|pytorch', description: 'The format to write.' },
    out: { type: 'string', short: 'o', value: 'PATH', description: 'The .onnx file, or the folder of a TF.js export.' },
    opset: { type: 'string', value: 'N', description: `ONNX opset, ${EXPORT_OPSETS[0]} to ${EXPORT_OPSETS[EXPORT_OPSETS.length - 1]} (default 13).` },
    layout: { type: 'string', value: 'nchw|nhwc', description: 'ONNX input layout (default nchw).' },
    logits: { type: 'boolean', description: 'Leave out the final softmax: the ONNX model returns logits.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 1, max: 1, name: 'a run folder or a project file' },
  async run(args, io) {
    if (args.values.format === 'pytorch') return runPytorchExport(args, io, studioVersion());
    const format = choiceOption(args, 'format', EXPORT_FORMATS);
    if (!format) throw new StudioError('invalid-argument', 'cnn-studio export needs --format onnx, tfjs or pytorch.', { where: '--format' });
    const out = stringOption(args, 'out');
    if (!out) throw new StudioError('invalid-argument', 'cnn-studio export needs --out PATH, the file or folder to write.', { where: '--out' });
    const opset = intOption(args, 'opset', { min: EXPORT_OPSETS[0], max: EXPORT_OPSETS[EXPORT_OPSETS.length - 1]! });
    const layout = choiceOption(args, 'layout', INPUT_LAYOUTS);
    const result = await exportModel({
      source: resolve(io.cwd, args.positionals[0]!),
      format,
      out: resolve(io.cwd, out),
      ...(opset !== undefined ? { opset } : {}),
      ...(layout !== undefined ? { layout } : {}),
      ...(args.values.logits ? { logits: true } : {}),
      producerVersion: studioVersion(),
    });
    if (args.values.json) {
      printJson(io, { ...(result.file !== undefined ? { file: result.file } : { dir: result.dir }), format: result.format, opset: result.opset, warnings: result.warnings });
      return EXIT.ok;
    }
    for (const warning of result.warnings) io.stderr.write(`Warning: ${warning}\n`);
    const what =
      result.format === 'onnx'
        ? `ONNX opset ${result.opset}, ${(layout ?? 'nchw').toUpperCase()} input, ${args.values.logits ? 'logits' : 'probabilities'}`
        : 'TensorFlow.js layers model';
    io.stdout.write(`Exported ${result.file ?? result.dir} (${what}).\n`);
    return EXIT.ok;
  },
};
