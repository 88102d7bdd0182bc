import { formatShape, shapesEqual } from '../tensor-shape';
import { ShapeError, defineLayer } from './types';

export const addLayer = defineLayer({
  kind: 'Add',
  version: 1,
  group: 'Merge',
  label: 'Add',
  doc: 'Adds its inputs element by element (the skip connection of a residual network). All inputs must have the same shape.',
  formula: 'output shape = each input shape;  parameters = 0',
  params: {},
  inputs: { min: 2, max: Infinity },
  hasWeights: false,
  inferShape(inputs) {
    const [first] = inputs;
    if (!first) return { shape: [] };
    const other = inputs.find((s) => !shapesEqual(s, first));
    if (other) {
      throw new ShapeError(
        `Add needs inputs of one shape but receives ${inputs.map(formatShape).join(' and ')}.`,
        'Make the branches end with the same size and number of channels (a 1x1 convolution can change the channels, a stride the size).',
      );
    }
    return { shape: first };
  },
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: () => '',
});

export const concatenateLayer = defineLayer({
  kind: 'Concatenate',
  version: 1,
  group: 'Merge',
  label: 'Concatenate',
  doc: 'Stacks its inputs along the channels (the merge of an Inception module). Feature maps must share their height and width.',
  formula: 'output = H x W x (C₁ + C₂ + …);  parameters = 0',
  params: {},
  inputs: { min: 2, max: Infinity },
  hasWeights: false,
  inferShape(inputs) {
    const [first] = inputs;
    if (!first) return { shape: [] };
    if (inputs.some((s) => s.length !== first.length)) {
      throw new ShapeError(
        `Concatenate cannot join feature maps with vectors (${inputs.map(formatShape).join(', ')}).`,
        'Flatten or globally pool every branch, or none of them.',
      );
    }
    if (first.length === 3 && inputs.some((s) => s[0] !== first[0] || s[1] !== first[1])) {
      throw new ShapeError(
        `Concatenate needs feature maps of one height and width but receives ${inputs.map(formatShape).join(', ')}.`,
        'Use "same" padding or matching strides in every branch.',
      );
    }
    const channels = inputs.reduce((sum, s) => sum + (s[s.length - 1] ?? 0), 0);
    return { shape: [...first.slice(0, -1), channels] };
  },
  countParams: () => ({ trainable: 0, nonTrainable: 0 }),
  summarize: () => '',
});
