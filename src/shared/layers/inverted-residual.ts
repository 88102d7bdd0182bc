import { bool, int } from './params';
import type { InnerEdge, InnerNode } from './types';
import { defineBlock } from './types';
import { requireMap } from './window';

export const invertedResidualLayer = defineBlock({
  kind: 'InvertedResidual',
  version: 1,
  group: 'Blocks',
  label: 'Inverted residual',
  doc:
    'MobileNetV2\'s block: a 1x1 convolution widens the channels t times (expand), a 3x3 depthwise convolution filters each ' +
    'channel (with the stride), a 1x1 convolution narrows them again (project, no activation: the "linear bottleneck"). Each ' +
    'convolution is without bias and followed by BatchNorm, the first two by ReLU6. With stride 1 and as many channels out as in, ' +
    'the block\'s input is added to its output.',
  formula: 'hidden = t·C;  output = H/s x W/s x N;  parameters = C·hidden + 9·hidden + hidden·N (+ 2·BatchNorm channels)',
  params: {
    expansion: int({ label: 'Expansion (t)', doc: 'How many times wider the middle is than the input; 1 leaves out the expand convolution.', default: 6, min: 1, max: 64 }),
    filters: int({ label: 'Filters (N)', doc: 'Output channels (of the project convolution).', default: 32, min: 1, max: 8192 }),
    strides: int({ label: 'Stride', doc: 'Stride of the depthwise convolution: 2 halves the map (and drops the skip connection).', default: 1, min: 1, max: 4 }),
    trainable: bool({ label: 'Trainable', doc: 'Off: every weight of the block stays as it is during training.', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  summarize: (p) => `t${p.expansion} ${p.filters}${p.strides > 1 ? ` s${p.strides}` : ''}`,
  expand(p, [input]) {
    const inChannels = requireMap(input, 'InvertedResidual')[2];
    const hidden = Math.round(inChannels * p.expansion);
    const nodes: InnerNode[] = [];
    const edges: InnerEdge[] = [];
    let last = '$input';
    const then = (id: string, kind: InnerNode['kind'], params: Record<string, unknown>) => {
      nodes.push({ id, kind, params });
      edges.push({ from: last, to: id });
      last = id;
    };
    const normalised = (id: string, kind: 'Conv2D' | 'DepthwiseConv2D', params: Record<string, unknown>, relu6: boolean) => {
      then(id, kind, { ...params, useBias: false, activation: 'linear', trainable: p.trainable });
      then(`${id}_bn`, 'BatchNorm', { trainable: p.trainable });
      if (relu6) then(`${id}_relu6`, 'Activation', { activation: 'relu6' });
    };
    if (p.expansion !== 1) normalised('expand', 'Conv2D', { filters: hidden, kernelSize: 1 }, true);
    normalised('depthwise', 'DepthwiseConv2D', { kernelSize: 3, strides: p.strides, padding: 1 }, true);
    normalised('project', 'Conv2D', { filters: p.filters, kernelSize: 1 }, false);
    if (p.strides !== 1 || inChannels !== p.filters) return { nodes, edges, output: last };
    nodes.push({ id: 'add', kind: 'Add', params: {} });
    edges.push({ from: last, to: 'add' }, { from: '$input', to: 'add' });
    return { nodes, edges, output: 'add' };
  },
});
