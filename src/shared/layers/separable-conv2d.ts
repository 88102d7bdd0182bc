import { ACTIVATIONS } from './activations';
import { bool, int, oneOf, padding } from './params';
import { ShapeError, defineLayer } from './types';
import { applyWindow, requireMap } from './window';

export const separableConv2dLayer = defineLayer({
  kind: 'SeparableConv2D',
  version: 1,
  group: 'Convolution',
  label: 'SeparableConv2D',
  doc:
    'A depthwise convolution (n x n filters per input channel, M per channel) followed at once by a 1x1 convolution to N filters ' +
    'that mixes the channels (Keras\'s SeparableConv2D, Xception\'s building block): nearly a Conv2D\'s reach for far fewer weights.',
  formula: 'out = floor((H − n + P) / s) + 1 and N channels;  parameters = n·n·C·M + C·M·N (+ N biases)',
  params: {
    filters: int({ label: 'Filters (N)', doc: 'Filters of the 1x1 (pointwise) convolution: the number of output channels.', default: 32, min: 1, max: 8192 }),
    kernelSize: int({ label: 'Kernel size (n)', doc: 'Height and width of each depthwise filter, in pixels.', default: 3, min: 1, max: 64 }),
    depthMultiplier: int({ label: 'Depth multiplier (M)', doc: 'Depthwise filters per input channel (C·M channels between the two steps).', default: 1, min: 1, max: 64 }),
    strides: int({ label: 'Stride (s)', doc: 'Step of the depthwise window, in pixels.', default: 1, min: 1, max: 64 }),
    padding: padding({
      label: 'Padding',
      doc: '"valid" adds nothing; "same" adds enough zeros to keep H / s (an odd extra zero goes bottom/right); a number adds that many zeros on every side.',
      default: 'valid',
    }),
    dilation: int({ label: 'Dilation (d)', doc: 'Spacing between the depthwise kernel\'s taps; 1 is an ordinary convolution.', default: 1, min: 1, max: 64, advanced: true }),
    useBias: bool({ label: 'Bias', doc: 'Add one learned constant per output channel (after the pointwise step).', default: true, advanced: true }),
    activation: oneOf({ label: 'Activation', doc: 'Function applied to every output value.', options: ACTIVATIONS, default: 'relu' }),
    trainable: bool({ label: 'Trainable', doc: 'Off: the weights stay as they are during training (frozen).', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  inferShape([input], p) {
    const map = requireMap(input, 'SeparableConv2D');
    if (p.strides > 1 && p.dilation > 1) {
      throw new ShapeError(`A stride of ${p.strides} cannot be combined with a dilation of ${p.dilation}.`, 'Set the stride or the dilation to 1.');
    }
    const { rows, cols, warnings } = applyWindow(map, { kernel: p.kernelSize, stride: p.strides, dilation: p.dilation, padding: p.padding }, 'kernel');
    return { shape: [rows.out, cols.out, p.filters], warnings };
  },
  countParams([input], p) {
    const middle = (input?.[2] ?? 0) * p.depthMultiplier;
    return { trainable: p.kernelSize * p.kernelSize * middle + middle * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 };
  },
  summarize(p) {
    const parts = [`${p.filters}@${p.kernelSize}x${p.kernelSize}`];
    if (p.depthMultiplier !== 1) parts.push(`x${p.depthMultiplier}`);
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.padding !== 'valid') parts.push(typeof p.padding === 'number' ? `p${p.padding}` : 'same');
    if (p.dilation !== 1) parts.push(`d${p.dilation}`);
    if (p.activation !== 'linear') parts.push(p.activation);
    return parts.join(' ');
  },
});
