import { formatShape } from '../../../shared/tensor-shape';
import { inspectGraph } from '../../../shared/shapes/report';
import type { CliCommand } from '../command';
import { EXIT, formatCount, formatTable, printJson } from '../command';
import { loadGraph, templateOptions } from './graph-source';

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Print every layer\'s output shape and parameters, the totals, warnings and errors.',
  usage: 'cnn-studio inspect (FILE | --template NAME [--input HxWxC] [--classes N]) [--json]',
  description:
    'Analyses a project file or a template like Keras\' model.summary(): per layer its id, kind, output shape\n' +
    'and parameters, then the totals, warnings and errors (each a sentence naming the layer).\n' +
    'Exit code: 0 when the graph is valid, 2 when it has errors (the report is still printed), 1 for unusable input.\n' +
    'JSON: {"layers": [{"id", "kind", "outputShape", "params", "trainable"}], "params": {"trainable", "nonTrainable", "total"},\n' +
    '       "warnings": [{"node", "code", "message"}], "errors": [{"node", "code", "message"}]}.',
  options: { ...templateOptions, json: { type: 'boolean', description: 'Print JSON.' } },
  positionals: { min: 0, max: 1, name: 'a project file' },
  async run(args, io) {
    const { graph, source } = await loadGraph(args, io);
    const report = inspectGraph(graph);
    if (args.values.json) {
      printJson(io, report);
    } else {
      const table = formatTable(
        ['Layer', 'Kind', 'Output shape', 'Parameters'],
        report.layers.map((l) => [l.id, l.kind, l.outputShape ? formatShape(l.outputShape) : '?', formatCount(l.params)]),
        [3],
      );
      const lines = [`Model: ${source}`, '', table, ''];
      lines.push(`Total parameters: ${formatCount(report.params.total)}`);
      lines.push(`  trainable:     ${formatCount(report.params.trainable)}`);
      lines.push(`  non-trainable: ${formatCount(report.params.nonTrainable)}`);
      for (const [title, list] of [
        ['Warnings', report.warnings],
        ['Errors', report.errors],
      ] as const) {
        if (!list.length) continue;
        lines.push('', `${title} (${list.length}):`);
        for (const issue of list) lines.push(`  ${issue.node ? `${issue.node}: ` : ''}${issue.message}`);
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.errors.length ? EXIT.graphErrors : EXIT.ok;
  },
};
