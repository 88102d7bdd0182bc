import { access } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { withLayout } from '../../../shared/graph/layout';
import { createProject } from '../../../shared/project/project';
import { PROJECT_EXTENSION } from '../../../shared/project/schema';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import { buildTemplate, findTemplate } from '../../../shared/templates';
import { writeProjectFile } from '../../services/project/project-files';
import type { CliCommand } from '../command';
import { EXIT, formatCount, printJson, stringOption } from '../command';
import { templateChoice, templateOptions } from './graph-source';

export const newCommand: CliCommand = {
  name: 'new',
  summary: 'Create a project file from a template.',
  usage: 'cnn-studio new --template NAME [--input HxWxC] [--classes N] -o FILE [--force] [--json]',
  description:
    'Writes a new project (.cnnstudio) with the template\'s network at the given input size and number of classes.\n' +
    'A template that does not fit the input size (AlexNet on 32x32 images) is refused with the reason (exit code 2).\n' +
    'JSON: {"file", "template", "input": "HxWxC", "classes", "params": {"trainable", "nonTrainable", "total"}}.',
  options: {
    ...templateOptions,
    out: { type: 'string', short: 'o', value: 'FILE', description: 'The project file to write.' },
    name: { type: 'string', value: 'TEXT', description: 'The project\'s name (default: from the file name).' },
    force: { type: 'boolean', description: 'Overwrite FILE if it exists.' },
    json: { type: 'boolean', description: 'Print JSON.' },
  },
  positionals: { min: 0, max: 0, name: '' },
  async run(args, io) {
    const choice = templateChoice(args);
    if (!choice) throw new StudioError('invalid-argument', 'cnn-studio new needs --template NAME.', { hint: 'Run "cnn-studio templates" for the names.' });
    const out = stringOption(args, 'out');
    if (!out) throw new StudioError('invalid-argument', 'cnn-studio new needs -o FILE, the project file to write.', { where: '-o' });
    const file = resolve(io.cwd, extname(out) ? out : `${out}${PROJECT_EXTENSION}`);
    if (!args.values.force && (await exists(file))) {
      throw new StudioError('invalid-argument', `${file} already exists.`, { hint: 'Choose another name, or add --force to overwrite it.', where: file });
    }
    const graph = buildTemplate(choice.name, choice);
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

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
