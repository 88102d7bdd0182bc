import { analyzeGraph } from '../../../shared/shapes/analyze';
import { TEMPLATES } from '../../../shared/templates';
import type { CliCommand } from '../command';
import { EXIT, formatCount, formatTable, printJson } from '../command';

export const templatesCommand: CliCommand = {
  name: 'templates',
  summary: 'List the architecture templates.',
  usage: 'cnn-studio templates [--json]',
  description:
    'Lists every template with its default input size, classes and parameter count.\n' +
    'JSON: [{"name", "label", "description", "reference", "input": "HxWxC", "classes", "small", "params": {"trainable", "nonTrainable", "total"}}].',
  options: { json: { type: 'boolean', description: 'Print JSON.' } },
  positionals: { min: 0, max: 0, name: '' },
  async run(args, io) {
    const rows = TEMPLATES.map((t) => {
      const { totals } = analyzeGraph(t.build(t.defaults));
      const { height, width, channels } = t.defaults.input;
      return {
        name: t.name,
        label: t.label,
        description: t.description,
        reference: t.reference,
        input: `${height}x${width}x${channels}`,
        classes: t.defaults.classes,
        small: t.small,
        params: totals,
      };
    });
    if (args.values.json) {
      printJson(io, rows);
      return EXIT.ok;
    }
    io.stdout.write(
      `${formatTable(
        ['Name', 'Architecture', 'Input', 'Classes', 'Trainable', 'Total'],
        rows.map((r) => [r.name, r.label, r.input, String(r.classes), formatCount(r.params.trainable), formatCount(r.params.total)]),
        [3, 4, 5],
      )}\n\nAny template takes --input HxWxC and --classes N (see "cnn-studio new --help").\n`,
    );
    return EXIT.ok;
  },
};
