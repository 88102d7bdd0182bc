import { resolve } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import { buildTemplate, findTemplate, parseInputSize } from '../../../shared/templates';
import type { CliIo, OptionSpec, ParsedArgs } from '../command';
import { intOption, stringOption } from '../command';
import { readProjectFile } from '../../services/project/project-files';

/** The options shared by commands that start from a template. */
export const templateOptions: Record<string, OptionSpec> = {
  template: { type: 'string', value: 'NAME', description: 'A template name (see "cnn-studio templates").' },
  input: { type: 'string', value: 'HxWxC', description: 'Input size, e.g. 28x28x1 or 224x224x3 (default: the template\'s).' },
  classes: { type: 'string', value: 'N', description: 'Number of classes (default: the template\'s).' },
};

export interface TemplateChoice {
  name: string;
  input: { height: number; width: number; channels: number };
  classes: number;
}

/** Reads --template/--input/--classes; undefined when --template is absent. */
export function templateChoice(args: ParsedArgs): TemplateChoice | undefined {
  const name = stringOption(args, 'template');
  const inputText = stringOption(args, 'input');
  const classes = intOption(args, 'classes', { min: 2, max: 100000 });
  if (name === undefined) {
    if (inputText !== undefined || classes !== undefined) {
      throw new StudioError('invalid-argument', '--input and --classes apply to a template, but no --template is given.', { hint: 'Add --template NAME.' });
    }
    return undefined;
  }
  const template = findTemplate(name);
  buildTemplate(name); // throws the "no template named" sentence
  return {
    name,
    input: inputText ? parseInputSize(inputText) : template!.defaults.input,
    classes: classes ?? template!.defaults.classes,
  };
}

/** The graph named by a project file or by template options. */
export async function loadGraph(args: ParsedArgs, io: CliIo): Promise<{ graph: ModelGraph; source: string }> {
  const choice = templateChoice(args);
  const [file] = args.positionals;
  if (choice && file) throw new StudioError('invalid-argument', 'Give either a project file or --template, not both.');
  if (choice) return { graph: buildTemplate(choice.name, choice), source: `template ${choice.name}` };
  if (!file) throw new StudioError('invalid-argument', 'Give a project file or --template NAME.', { hint: 'Run with --help for the usage.' });
  const project = await readProjectFile(resolve(io.cwd, file));
  return { graph: project.graph, source: file };
}
