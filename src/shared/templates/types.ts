import type { ModelGraph } from '../graph/model-graph';

export interface InputSize {
  height: number;
  width: number;
  channels: number;
}

export interface TemplateOptions {
  input: InputSize;
  classes: number;
  /** The width multiplier of templates that have one (MobileNetV2): every stage's channels scaled by it. */
  width?: number;
}

/** An architecture the user can start from: parameterised by input size and number of classes. */
export interface TemplateDeclaration {
  /** CLI name: `lenet5`, `resnet18`, ... */
  name: string;
  label: string;
  /** One or two sentences: where it comes from, what is special about it. */
  description: string;
  /** Where the architecture is defined, so the numbers can be checked. */
  reference: string;
  defaults: TemplateOptions;
  /** True for the variants meant to train in minutes on a laptop CPU. */
  small: boolean;
  build(options: TemplateOptions): ModelGraph;
}
