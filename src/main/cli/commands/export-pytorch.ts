import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { exportPytorchPackage } from '../../services/export/pytorch';
import type { CliIo, ParsedArgs } from '../command';
import { EXIT, printJson, stringOption } from '../command';

/**
 * `cnn-studio export (RUNDIR | PROJECT) --format pytorch --out DIR`: a PyTorch training package for
 * torchrun / DistributedDataParallel. Called by the export command for that format.
 * JSON: {"dir", "format": "pytorch", "files": [path], "howToRun", "warnings": [sentence]}.
 */
export async function runPytorchExport(args: ParsedArgs, io: CliIo, producerVersion: string): Promise<number> {
  const out = stringOption(args, 'out');
  if (!out) throw new StudioError('invalid-argument', 'cnn-studio export --format pytorch needs --out DIR, the folder of the package.', { where: '--out' });
  const onnxOnly = ['opset', 'layout', 'logits'].filter((name) => args.values[name] !== undefined);
  if (onnxOnly.length) {
    throw new StudioError('invalid-argument', `--${onnxOnly.join(', --')} apply to ONNX exports only.`, {
      hint: 'Leave them out with --format pytorch; the package\'s export_onnx.py takes --opset and --logits.',
    });
  }
  const result = await exportPytorchPackage({ source: resolve(io.cwd, args.positionals[0]!), out: resolve(io.cwd, out), producerVersion });
  if (args.values.json) {
    printJson(io, { dir: result.dir, format: 'pytorch', files: result.files, howToRun: result.howToRun, warnings: result.warnings });
    return EXIT.ok;
  }
  for (const warning of result.warnings) io.stderr.write(`Warning: ${warning}\n`);
  io.stdout.write(`Exported ${result.dir} (PyTorch training package: model.py, train.py, data.py, export_onnx.py, README.md).\n\n${result.howToRun}\n`);
  return EXIT.ok;
}
