import { ACTIVATIONS } from './activations';
import { FILTER_PRESET_NAMES } from './filter-presets';
import { bool, filterValues, int, oneOf, padding, preset } from './params';
import { ShapeError, defineLayer } from './types';
import { applyWindow, requireMap } from './window';

export const conv2dLayer = defineLayer({
  kind: 'Conv2D',
  version: 1,
  group: 'Convolution',
  label: 'Conv2D',
  doc:
    'Slides N filters of n x n x C weights over the input; each filter gives one feature map. Filters can be learned, ' +
    'or fixed to hand-crafted masks (Sobel, Robinson) or to values you type.',
  formula: 'out = floor((H − n + P) / s) + 1, with n = d·(k − 1) + 1 for dilation d;  parameters = (n·n·C + 1)·N',
  params: {
    filters: int({ label: 'Filters (N)', doc: 'Number of filters, which is the number of output channels.', default: 32, min: 1, max: 8192 }),
    kernelSize: int({ label: 'Kernel size (n)', doc: 'Height and width of each filter, in pixels.', default: 3, min: 1, max: 64 }),
    strides: int({ label: 'Stride (s)', doc: 'Step of the sliding window, in pixels.', default: 1, min: 1, max: 64 }),
    padding: padding({
      label: 'Padding',
      doc: '"valid" adds nothing; "same" adds enough zeros to keep H / s (an odd extra zero goes bottom/right); a number adds that many zeros on every side.',
      default: 'valid',
    }),
    dilation: int({ label: 'Dilation (d)', doc: 'Spacing between kernel taps; 1 is an ordinary convolution.', default: 1, min: 1, max: 64, advanced: true }),
    useBias: bool({ label: 'Bias', doc: 'Add one learned constant per filter.', default: true, advanced: true }),
    activation: oneOf({ label: 'Activation', doc: 'Function applied to every output value.', options: ACTIVATIONS, default: 'relu' }),
    trainable: bool({ label: 'Trainable', doc: 'Off: the weights stay as they are during training (frozen).', default: true }),
    filterValues: filterValues({
      label: 'Fixed filter values',
      doc: 'Typed kernel values, [filter][channel][row][col]; used as the weights instead of a random start.',
      advanced: true,
    }),
    filterPreset: preset({
      label: 'Filter preset',
      doc: 'Hand-crafted 3x3 masks as the weights: one name per filter.',
      options: FILTER_PRESET_NAMES,
      advanced: true,
    }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  inferShape([input], p) {
    const map = requireMap(input, 'Conv2D');
    if (p.strides > 1 && p.dilation > 1) {
      throw new ShapeError(`A stride of ${p.strides} cannot be combined with a dilation of ${p.dilation}.`, 'Set the stride or the dilation to 1.');
    }
    const channels = map[2];
    if (p.filterValues && p.filterPreset) {
      throw new ShapeError('The layer has both typed filter values and a filter preset.', 'Keep one of them.');
    }
    if (p.filterPreset) {
      const names = Array.isArray(p.filterPreset) ? p.filterPreset : [p.filterPreset];
      if (p.kernelSize !== 3) throw new ShapeError(`Filter presets are 3x3 masks but the kernel size is ${p.kernelSize}.`, 'Set the kernel size to 3.');
      if (names.length !== p.filters) {
        throw new ShapeError(`${names.length} preset mask(s) are chosen for ${p.filters} filters.`, `Set filters to ${names.length} or choose one preset per filter.`);
      }
    }
    if (p.filterValues) checkFilterValues(p.filterValues, p.filters, channels, p.kernelSize);
    const { rows, cols, warnings } = applyWindow(map, { kernel: p.kernelSize, stride: p.strides, dilation: p.dilation, padding: p.padding }, 'kernel');
    return { shape: [rows.out, cols.out, p.filters], warnings };
  },
  countParams([input], p) {
    const channels = input?.[2] ?? 0;
    return { trainable: p.kernelSize * p.kernelSize * channels * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 };
  },
  summarize(p) {
    const parts = [`${p.filters}@${p.kernelSize}x${p.kernelSize}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.padding !== 'valid') parts.push(typeof p.padding === 'number' ? `p${p.padding}` : 'same');
    if (p.dilation !== 1) parts.push(`d${p.dilation}`);
    if (p.activation !== 'linear') parts.push(p.activation);
    if (p.filterPreset) parts.push(Array.isArray(p.filterPreset) ? 'presets' : p.filterPreset);
    else if (p.filterValues) parts.push('fixed');
    return parts.join(' ');
  },
});

function checkFilterValues(values: number[][][][], filters: number, channels: number, kernel: number): void {
  const expected = `${filters} filter(s) x ${channels} channel(s) x ${kernel} x ${kernel}`;
  const bad = (what: string): never => {
    throw new ShapeError(`The typed filter values do not fit this layer: ${what}; expected ${expected}.`, 'Change the values or the layer so they match.');
  };
  if (values.length !== filters) bad(`${values.length} filter(s) given`);
  values.forEach((filter, f) => {
    if (filter.length !== channels) bad(`filter ${f + 1} has ${filter.length} channel(s)`);
    filter.forEach((channel, c) => {
      if (channel.length !== kernel || channel.some((row) => row.length !== kernel)) bad(`filter ${f + 1}, channel ${c + 1} is not ${kernel}x${kernel}`);
    });
  });
}
