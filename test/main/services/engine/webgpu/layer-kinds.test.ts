import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { LAYER_KINDS } from '../../../../../src/shared/layers';
import type { ModelGraph } from '../../../../../src/shared/graph/model-graph';
import { probeWebGpu, skipWithoutWebGpu } from '../../../../support/webgpu-environment';
import { chain } from '../../../../support/graph-fixtures';
import { flatOf } from '../engine-fixtures';
import { bothBackends, disagreements } from './webgpu-parity';

const probe = await probeWebGpu();

type Layers = Parameters<typeof chain>[1];
const graphOf = (input: [number, number, number], layers: Layers): ModelGraph => chain(input, [...layers, ['tail', 'Flatten']], { classes: 3 });

/** Small graphs that together hold every layer kind, with the settings that take other code paths. */
const CASES: [name: string, graph: ModelGraph][] = [
  ['Conv2D valid, relu', graphOf([7, 7, 3], [['layer', 'Conv2D', { filters: 4 }]])],
  ['Conv2D same, stride 2, tanh', graphOf([7, 8, 3], [['layer', 'Conv2D', { filters: 4, strides: 2, padding: 'same', activation: 'tanh' }]])],
  ['Conv2D numeric padding, no bias, sigmoid', graphOf([6, 6, 1], [['layer', 'Conv2D', { filters: 3, kernelSize: 5, padding: 2, useBias: false, activation: 'sigmoid' }]])],
  ['Conv2D dilated, elu', graphOf([9, 9, 3], [['layer', 'Conv2D', { filters: 3, dilation: 2, padding: 'same', activation: 'elu' }]])],
  ['DepthwiseConv2D multiplier 2, stride 2, relu6', graphOf([7, 7, 3], [['layer', 'DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }]])],
  ['DepthwiseConv2D dilated', graphOf([8, 8, 3], [['layer', 'DepthwiseConv2D', { kernelSize: 2, dilation: 2, padding: 'same', useBias: false }]])],
  ['SeparableConv2D, leaky relu', graphOf([7, 7, 3], [['layer', 'SeparableConv2D', { filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 1, activation: 'leaky-relu' }]])],
  ['ZeroPadding2D', graphOf([5, 5, 3], [['layer', 'ZeroPadding2D', { top: 1, bottom: 0, left: 0, right: 2 }], ['conv', 'Conv2D', { filters: 2 }]])],
  ['Activation softmax, leaky relu, elu', graphOf([4, 4, 3], [['soft', 'Activation', { activation: 'softmax' }], ['leaky', 'Activation', { activation: 'leaky-relu', alpha: 0.2 }], ['elu', 'Activation', { activation: 'elu', alpha: 0.5 }]])],
  ['MaxPool2D same overlapping and numeric padding', graphOf([7, 7, 3], [['a', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' }], ['b', 'MaxPool2D', { poolSize: 2, strides: 1, padding: 1 }]])],
  ['AvgPool2D valid and numeric padding', graphOf([8, 8, 3], [['a', 'AvgPool2D', {}], ['b', 'AvgPool2D', { poolSize: 3, strides: 1, padding: 1 }]])],
  ['GlobalAvgPool', chain([5, 5, 3], [['conv', 'Conv2D', { filters: 4 }], ['layer', 'GlobalAvgPool']], { classes: 3 })],
  ['GlobalMaxPool', chain([5, 5, 3], [['conv', 'Conv2D', { filters: 4 }], ['layer', 'GlobalMaxPool']], { classes: 3 })],
  ['Flatten, Dense, Dropout, BatchNorm on a vector', chain([4, 4, 1], [['flat', 'Flatten'], ['dense', 'Dense', { units: 6, activation: 'tanh' }], ['drop', 'Dropout', { rate: 0.3 }], ['bn', 'BatchNorm', { epsilon: 1e-3 }]], { classes: 3 })],
  ['BatchNorm on a map, and frozen', graphOf([4, 4, 3], [['bn', 'BatchNorm', {}], ['frozen', 'BatchNorm', { trainable: false }]])],
  ['Residual (Add)', graphOf([8, 8, 3], [['layer', 'Residual', { filters: 4, strides: 2 }]])],
  ['Inception (Concatenate)', graphOf([6, 6, 3], [['layer', 'Inception', { c1x1: 2, c3x3reduce: 2, c3x3: 3, c5x5reduce: 1, c5x5: 2, poolProj: 2, batchNorm: true }]])],
  ['InvertedResidual', graphOf([6, 6, 3], [['widen', 'Conv2D', { filters: 4, kernelSize: 1 }], ['layer', 'InvertedResidual', {}]])],
  [
    'Group',
    graphOf([6, 6, 3], [
      ['layer', 'Group', { name: 'Pair', graph: { nodes: [{ id: 'c', kind: 'Conv2D', params: { filters: 3 } }, { id: 'p', kind: 'MaxPool2D', params: {} }], edges: [{ from: '$input', to: 'c' }, { from: 'c', to: 'p' }], output: 'p' } }],
    ]),
  ],
];

describe.skipIf(skipWithoutWebGpu(probe, 'layer-kinds'))(`every layer kind computes on WebGPU (${probe.adapter ?? 'no adapter'}) as on WebAssembly`, () => {
  beforeAll(async () => {
    await loadBackend('wasm');
    await loadBackend('webgpu', { readsAsync: true });
    await tf.setBackend('wasm');
  });

  it('covers every layer kind', () => {
    // Blocks by their own node, primitives (Add, Concatenate inside blocks) in the expanded graphs.
    const kinds = new Set(CASES.flatMap(([, graph]) => [...graph.nodes.map((n) => n.kind), ...flatOf(graph).nodes.map((n) => n.kind)]));
    expect([...kinds].sort()).toEqual([...LAYER_KINDS].sort());
  });

  for (const [name, graph] of CASES) {
    it(name, async () => {
      const { wasm, webgpu } = await bothBackends(graph);
      expect(disagreements(webgpu, wasm)).toEqual([]);
    });
  }
});
