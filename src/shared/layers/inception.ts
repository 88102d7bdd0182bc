import { convUnit, joinChains } from './block-units';
import { bool, int } from './params';
import { defineBlock } from './types';
import { requireMap } from './window';

const channels = (label: string, doc: string, value: number) => int({ label, doc, default: value, min: 1, max: 4096 });

export const inceptionLayer = defineBlock({
  kind: 'Inception',
  version: 1,
  group: 'Blocks',
  label: 'Inception',
  doc:
    'GoogLeNet\'s module with dimensionality reduction: four parallel branches (1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max-pool then 1x1) ' +
    'whose outputs are stacked along the channels. The 1x1 "reduce" convolutions keep the 3x3 and 5x5 ones cheap.',
  formula: 'output = H x W x (#1x1 + #3x3 + #5x5 + pool proj);  parameters = sum of the six convolutions',
  params: {
    c1x1: channels('#1x1', 'Filters of the 1x1 branch.', 64),
    c3x3reduce: channels('#3x3 reduce', 'Filters of the 1x1 convolution before the 3x3.', 96),
    c3x3: channels('#3x3', 'Filters of the 3x3 convolution.', 128),
    c5x5reduce: channels('#5x5 reduce', 'Filters of the 1x1 convolution before the 5x5.', 16),
    c5x5: channels('#5x5', 'Filters of the 5x5 convolution.', 32),
    poolProj: channels('Pool proj', 'Filters of the 1x1 convolution after the 3x3 max-pool.', 32),
    batchNorm: bool({ label: 'BatchNorm', doc: 'Each convolution without bias and followed by BatchNorm (as in BN-Inception and torchvision).', default: false, advanced: true }),
    trainable: bool({ label: 'Trainable', doc: 'Off: every weight of the module stays as it is during training.', default: true }),
  },
  inputs: { min: 1, max: 1 },
  hasWeights: true,
  summarize: (p) => `${p.c1x1}/${p.c3x3reduce}>${p.c3x3}/${p.c5x5reduce}>${p.c5x5}/${p.poolProj}`,
  expand(p, [input]) {
    requireMap(input, 'Inception');
    const unit = (id: string, from: string, filters: number, kernel: number) =>
      convUnit({ id, from, filters, kernel, padding: kernel > 1 ? 'same' : 'valid', batchNorm: p.batchNorm, activation: 'relu', trainable: p.trainable });
    const b1 = unit('b1x1', '$input', p.c1x1, 1);
    const b2r = unit('b3x3_reduce', '$input', p.c3x3reduce, 1);
    const b2 = unit('b3x3', b2r.last, p.c3x3, 3);
    const b3r = unit('b5x5_reduce', '$input', p.c5x5reduce, 1);
    const b3 = unit('b5x5', b3r.last, p.c5x5, 5);
    const pool = { id: 'pool', kind: 'MaxPool2D' as const, params: { poolSize: 3, strides: 1, padding: 'same' } };
    const proj = unit('pool_proj', 'pool', p.poolProj, 1);
    const { nodes, edges } = joinChains(b1, b2r, b2, b3r, b3, proj);
    return {
      nodes: [...nodes, pool, { id: 'concat', kind: 'Concatenate', params: {} }],
      edges: [
        ...edges,
        { from: '$input', to: 'pool' },
        { from: b1.last, to: 'concat' },
        { from: b2.last, to: 'concat' },
        { from: b3.last, to: 'concat' },
        { from: proj.last, to: 'concat' },
      ],
      output: 'concat',
    };
  },
});
