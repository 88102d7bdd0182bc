import { StudioError } from '../errors';
import type { ModelGraph } from '../graph/model-graph';
import { alexnetSmallTemplate, alexnetTemplate } from './alexnet';
import { googlenetSmallTemplate, googlenetTemplate } from './googlenet';
import { lenet5Template } from './lenet5';
import { mobilenetV2SmallTemplate, mobilenetV2Template } from './mobilenet';
import { resnet18Template, resnet34Template, resnet50Template, resnetSmallTemplate } from './resnet';
import type { InputSize, TemplateDeclaration, TemplateOptions } from './types';
import { vgg11Template, vgg13Template, vgg16Template, vgg19Template, vggSmallTemplate } from './vgg';

/** Every template, in the order the studio lists them (history first, then the small variants). */
export const TEMPLATES: readonly TemplateDeclaration[] = [
  lenet5Template,
  alexnetTemplate,
  vgg11Template,
  vgg13Template,
  vgg16Template,
  vgg19Template,
  googlenetTemplate,
  resnet18Template,
  resnet34Template,
  resnet50Template,
  mobilenetV2Template,
  alexnetSmallTemplate,
  vggSmallTemplate,
  googlenetSmallTemplate,
  resnetSmallTemplate,
  mobilenetV2SmallTemplate,
];

export function findTemplate(name: string): TemplateDeclaration | undefined {
  return TEMPLATES.find((t) => t.name === name);
}

/** Builds a template's graph; an unknown name is a StudioError listing the known ones. */
export function buildTemplate(name: string, options: Partial<TemplateOptions> = {}): ModelGraph {
  const template = findTemplate(name);
  if (!template) {
    throw new StudioError('invalid-argument', `There is no template named "${name}".`, {
      hint: `Choose one of: ${TEMPLATES.map((t) => t.name).join(', ')}.`,
      where: 'template',
    });
  }
  const width = options.width ?? template.defaults.width;
  return template.build({ input: options.input ?? template.defaults.input, classes: options.classes ?? template.defaults.classes, ...(width === undefined ? {} : { width }) });
}

/** Parses `HxWxC` (as the CLI takes it): `28x28x1`, `224x224x3`. */
export function parseInputSize(text: string): InputSize {
  const match = /^(\d{1,4})x(\d{1,4})x(\d{1,4})$/i.exec(text.trim());
  if (match && match[3] !== '1' && match[3] !== '3') {
    throw new StudioError('invalid-argument', `The input size "${text}" has ${match[3]} channels; an image has 1 (grey) or 3 (colour).`, {
      hint: 'Write 1 or 3 as the last number, for example 28x28x1.',
      where: '--input',
    });
  }
  if (!match) {
    throw new StudioError('invalid-argument', `The input size "${text}" is not of the form HxWxC.`, {
      hint: 'Write height x width x channels with channels 1 (grey) or 3 (colour), for example 28x28x1 or 224x224x3.',
      where: '--input',
    });
  }
  const [height, width, channels] = match.slice(1).map(Number) as [number, number, number];
  if (height < 1 || width < 1) throw new StudioError('invalid-argument', `The input size "${text}" has a zero side.`, { hint: 'Use at least 1 pixel.', where: '--input' });
  return { height, width, channels };
}

export type { InputSize, TemplateDeclaration, TemplateOptions };
