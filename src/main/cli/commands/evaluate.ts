import { resolve } from 'node:path';
import { BACKEND_CHOICES } from '../../../shared/project/settings';
import { forkEngine } from '../../services/training/engine-channel';
import { startEngineJob } from '../../services/training/engine-jobs';
import type { CliCommand } from '../command';
import { EXIT, choiceOption, formatTable, intOption, printJson, stringOption } from '../command';
import { StudioError } from '../../../shared/errors';

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Measure a trained run on an image folder: accuracy, loss, confusion matrix, per-class F1.',
  usage: 'cnn-studio evaluate RUNDIR --data DIR [--split auto|train|val|test|all] [--worst N] [--backend NAME] [--json]',
  description:
    'Predicts every image of DIR with the run\'s weights and preprocessing. For a folder with train/val/test splits,\n' +
    '--split chooses one (auto: test, else the validation folder, else everything). Class folders are matched to the\n' +
    'run\'s labels by name.\n' +
    'JSON: {"accuracy", "loss", "images", "classes": [...], "confusion": [[...]] (row = true class, column = predicted),\n' +
    '"perClass": [{"class", "precision", "recall", "f1", "support"}], "worst": [{"file", "label", "predicted", "confidence",\n' +
    '"probabilities"}], "skipped": [{"file", "reason"}], "dataPath", "weightsFrom"}.',
  options: {
    data: { type: 'string', value: 'DIR', description: 'The image folder to evaluate on.' },
    split: { type: 'string', value: 'NAME', description: 'auto (default), train, val, test or all.' },
    worst: { type: 'string', value: 'N', description: 'How many most confidently wrong images to list (default 20).' },
    backend: { type: 'string', value: 'NAME', description: 'auto (default), tensorflow, webgpu, wasm or cpu.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 1, max: 1, name: 'a run folder' },
  async run(args, io) {
    const data = stringOption(args, 'data');
    if (!data) throw new StudioError('invalid-argument', 'cnn-studio evaluate needs --data DIR, the images to evaluate on.', { where: '--data' });
    const job = startEngineJob(forkEngine, 'evaluate', {
      runDir: resolve(io.cwd, args.positionals[0]!),
      dataPath: resolve(io.cwd, data),
      split: choiceOption(args, 'split', ['auto', 'train', 'val', 'test', 'all'] as const) ?? 'auto',
      worst: intOption(args, 'worst', { min: 0, max: 10000 }) ?? 20,
      backend: choiceOption(args, 'backend', BACKEND_CHOICES) ?? 'auto',
    });
    io.signal?.addEventListener('abort', () => job.stop(), { once: true });
    const report = await job.result;
    if (args.values.json) {
      const { cells: _cells, ...rest } = report;
      printJson(io, rest);
      return EXIT.ok;
    }
    const lines = [
      `Accuracy ${(report.accuracy * 100).toFixed(2)}% on ${report.images.toLocaleString('en-US')} images (loss ${report.loss.toFixed(4)}); weights: ${report.weightsFrom}`,
      '',
      formatTable(
        ['Class', 'Precision', 'Recall', 'F1', 'Images'],
        report.perClass.map((c) => [c.class, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), String(c.support)]),
        [1, 2, 3, 4],
      ),
      '',
      'Confusion matrix (rows: true class, columns: predicted):',
      formatTable(['', ...report.classes.map((_, i) => String(i))], report.confusion.map((row, i) => [`${i} ${report.classes[i]}`, ...row.map(String)]), report.classes.map((_, i) => i + 1)),
    ];
    if (report.worst.length) {
      lines.push('', 'Most confidently wrong:');
      for (const w of report.worst.slice(0, 10)) lines.push(`  ${w.file}: ${w.label}, predicted ${w.predicted} (${(w.confidence * 100).toFixed(1)}%)`);
    }
    if (report.skipped.length) lines.push('', `Skipped ${report.skipped.length} file(s): ${report.skipped.slice(0, 5).map((s) => `${s.file} (${s.reason})`).join('; ')}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};
