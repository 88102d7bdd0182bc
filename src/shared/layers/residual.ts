import type { InnerChain } from './block-units';
import { convUnit, joinChains } from './block-units';
import { bool, int, oneOf } from './params';
import { defineBlock } from './types';
import { requireMap } from './window';

/** A bottleneck block widens its last 1x1 convolution by this factor (ResNet-50/101/152). */
export const BOTTLENECK_EXPANSION = 4;

export const residualLayer = defineBlock({
  kind: 'Residual',
  version: 1,
  group: 'Blocks',
  label: 'Residual',
  doc:
    'ResNet\'s block: a few convolutions (each without bias, followed by BatchNorm) whose output is added to the block\'s input, then ReLU. ' +
    '"basic" is two 3x3 convolutions (ResNet-18/34); "bottleneck" is 1x1, 3x3, 1x1 with 4x the channels out (ResNet-50). ' +
    'When the stride or the number of channels changes, the input is projected by a 1x1 convolution (+ BatchNorm) so the two can be added.',
  formula: 'output = H/s x W/s x N (basic) or 4N (bottleneck);  y = relu(F(x) + shortcut(x))',
  params: {
    variant: oneOf({ label: 'Variant', doc: 'basic: 3x3, 3x3. bottleneck: 1x1, 3x3, 1x1 (x4 channels).', options: ['basic', 'bottleneck'] as const, default: 'basic' }),
    filters: int({ label: 'Filters (N)', doc: 'Channels of the block\'s convolutions (the output has 4N for a bottleneck).', default: 64, min: 1, max: 4096 }),
    strides: int({ label: 'Stride', doc: 'Stride of the block\'s 3x3 convolution (and of the projection): 2 halves the map.', default: 1, min: 1, max: 4 }),
    trainable: bool({ label: 'Trainable', doc: 'Off: every weight of the block stays as it is during training.', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  summarize: (p) => `${p.variant} ${p.filters}${p.strides > 1 ? ` s${p.strides}` : ''}`,
  expand(p, [input]) {
    const inChannels = requireMap(input, 'Residual')[2];
    const t = p.trainable;
    const chain: InnerChain[] = [];
    let outChannels: number;
    if (p.variant === 'basic') {
      outChannels = p.filters;
      const c1 = convUnit({ id: 'conv1', from: '$input', filters: p.filters, kernel: 3, strides: p.strides, padding: 1, batchNorm: true, activation: 'relu', trainable: t });
      const c2 = convUnit({ id: 'conv2', from: c1.last, filters: p.filters, kernel: 3, padding: 1, batchNorm: true, activation: 'linear', trainable: t });
      chain.push(c1, c2);
    } else {
      outChannels = p.filters * BOTTLENECK_EXPANSION;
      const c1 = convUnit({ id: 'conv1', from: '$input', filters: p.filters, kernel: 1, batchNorm: true, activation: 'relu', trainable: t });
      const c2 = convUnit({ id: 'conv2', from: c1.last, filters: p.filters, kernel: 3, strides: p.strides, padding: 1, batchNorm: true, activation: 'relu', trainable: t });
      const c3 = convUnit({ id: 'conv3', from: c2.last, filters: outChannels, kernel: 1, batchNorm: true, activation: 'linear', trainable: t });
      chain.push(c1, c2, c3);
    }
    const main = chain[chain.length - 1]!.last;
    let shortcut = '$input';
    if (p.strides !== 1 || inChannels !== outChannels) {
      const proj = convUnit({ id: 'proj', from: '$input', filters: outChannels, kernel: 1, strides: p.strides, batchNorm: true, activation: 'linear', trainable: t });
      chain.push(proj);
      shortcut = proj.last;
    }
    const { nodes, edges } = joinChains(...chain);
    return {
      nodes: [...nodes, { id: 'add', kind: 'Add', params: {} }, { id: 'relu', kind: 'Activation', params: { activation: 'relu' } }],
      edges: [...edges, { from: main, to: 'add' }, { from: shortcut, to: 'add' }, { from: 'add', to: 'relu' }],
      output: 'relu',
    };
  },
});
