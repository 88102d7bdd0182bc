import { ACTIVATIONS } from './activations';
import { bool, int, oneOf, padding } from './params';
import { ShapeError, defineLayer } from './types';
import { applyWindow, requireMap } from './window';

export const depthwiseConv2dLayer = defineLayer({
  kind: 'DepthwiseConv2D',
  version: 1,
  group: 'Convolution',
  label: 'DepthwiseConv2D',
  doc:
    'Convolves each input channel with its own n x n filters (M of them per channel, the depth multiplier) instead of mixing ' +
    'the channels: C·M output channels for n·n·C·M weights, a fraction of a Conv2D\'s. MobileNet follows it with a 1x1 Conv2D ' +
    'that mixes the channels (ONNX: a Conv with group = C; PyTorch: nn.Conv2d(..., groups=C)).',
  formula: 'out = floor((H − n + P) / s) + 1 and C·M channels;  parameters = n·n·C·M (+ C·M biases)',
  params: {
    kernelSize: int({ label: 'Kernel size (n)', doc: 'Height and width of each filter, in pixels.', default: 3, min: 1, max: 64 }),
    depthMultiplier: int({ label: 'Depth multiplier (M)', doc: 'Filters per input channel: the output has C·M channels.', default: 1, min: 1, max: 64 }),
    strides: int({ label: 'Stride (s)', doc: 'Step of the sliding window, in pixels.', default: 1, min: 1, max: 64 }),
    padding: padding({
      label: 'Padding',
      doc: '"valid" adds nothing; "same" adds enough zeros to keep H / s (an odd extra zero goes bottom/right); a number adds that many zeros on every side.',
      default: 'valid',
    }),
    dilation: int({ label: 'Dilation (d)', doc: 'Spacing between kernel taps; 1 is an ordinary convolution.', default: 1, min: 1, max: 64, advanced: true }),
    useBias: bool({ label: 'Bias', doc: 'Add one learned constant per output channel.', default: true, advanced: true }),
    activation: oneOf({ label: 'Activation', doc: 'Function applied to every output value.', options: ACTIVATIONS, default: 'linear' }),
    trainable: bool({ label: 'Trainable', doc: 'Off: the weights stay as they are during training (frozen).', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  inferShape([input], p) {
    const map = requireMap(input, 'DepthwiseConv2D');
    if (p.strides > 1 && p.dilation > 1) {
      throw new ShapeError(`A stride of ${p.strides} cannot be combined with a dilation of ${p.dilation}.`, 'Set the stride or the dilation to 1.');
    }
    const { rows, cols, warnings } = applyWindow(map, { kernel: p.kernelSize, stride: p.strides, dilation: p.dilation, padding: p.padding }, 'kernel');
    return { shape: [rows.out, cols.out, map[2] * p.depthMultiplier], warnings };
  },
  countParams([input], p) {
    const outChannels = (input?.[2] ?? 0) * p.depthMultiplier;
    return { trainable: p.kernelSize * p.kernelSize * outChannels + (p.useBias ? outChannels : 0), nonTrainable: 0 };
  },
  summarize(p) {
    const parts = [`${p.kernelSize}x${p.kernelSize}`];
    if (p.depthMultiplier !== 1) parts.push(`x${p.depthMultiplier}`);
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.padding !== 'valid') parts.push(typeof p.padding === 'number' ? `p${p.padding}` : 'same');
    if (p.dilation !== 1) parts.push(`d${p.dilation}`);
    if (p.activation !== 'linear') parts.push(p.activation);
    return parts.join(' ');
  },
});
