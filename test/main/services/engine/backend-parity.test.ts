import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { PRIMITIVE_KINDS } from '../../../../src/shared/layers';
import { ACTIVATIONS } from '../../../../src/shared/layers/activations';
import { loadBackend } from '../../../../src/main/services/engine/backends';
import { compileModel } from '../../../../src/main/services/engine/compile-model';
import { chain } from '../../../support/graph-fixtures';
import { flatOf, images } from './engine-fixtures';
import { maxRelativeError } from './reference-ops';

type Layers = Parameters<typeof chain>[1];

// One or more small graphs per primitive kind and setting; `graphOf` ends each with Flatten and Output.
const CASES: [name: string, input: [number, number, number], layers: Layers][] = [
  ['conv2d_valid', [7, 7, 3], [['layer', 'Conv2D', { filters: 4 }]]],
  ['conv2d_same_stride2', [7, 8, 3], [['layer', 'Conv2D', { filters: 4, strides: 2, padding: 'same' }]]],
  ['conv2d_numeric_padding', [6, 6, 1], [['layer', 'Conv2D', { filters: 3, kernelSize: 5, padding: 2 }]]],
  ['conv2d_dilation', [9, 9, 3], [['layer', 'Conv2D', { filters: 3, dilation: 2, padding: 'same' }]]],
  ['conv2d_no_bias', [6, 6, 3], [['layer', 'Conv2D', { filters: 3, useBias: false }]]],
  ['conv2d_frozen_preset', [6, 6, 3], [['layer', 'Conv2D', { filters: 2, filterPreset: ['sobel-vertical', 'robinson-ne'], trainable: false }]]],
  ...ACTIVATIONS.map((a): [string, [number, number, number], Layers] => [`conv2d_${a}`, [5, 5, 3], [['layer', 'Conv2D', { filters: 3, activation: a }]]]),
  ['maxpool_valid', [6, 6, 3], [['layer', 'MaxPool2D', {}]]],
  ['maxpool_same_overlapping', [7, 7, 3], [['layer', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' }]]],
  ['maxpool_numeric_padding', [7, 7, 3], [['layer', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 }]]],
  ['avgpool_valid', [6, 6, 3], [['layer', 'AvgPool2D', {}]]],
  ['avgpool_same', [7, 7, 3], [['layer', 'AvgPool2D', { poolSize: 3, strides: 2, padding: 'same' }]]],
  ['avgpool_numeric_padding', [7, 7, 3], [['layer', 'AvgPool2D', { poolSize: 2, strides: 2, padding: 1 }]]],
  ['global_avg_pool', [5, 5, 3], [['layer', 'GlobalAvgPool']]],
  ['global_max_pool', [5, 5, 3], [['layer', 'GlobalMaxPool']]],
  ['flatten_dense', [4, 4, 3], [['flat', 'Flatten'], ['layer', 'Dense', { units: 6 }]]],
  ...ACTIVATIONS.map((a): [string, [number, number, number], Layers] => [`dense_${a}`, [3, 3, 1], [['flat', 'Flatten'], ['layer', 'Dense', { units: 5, activation: a }]]]),
  ['dropout', [4, 4, 3], [['flat', 'Flatten'], ['layer', 'Dropout', { rate: 0.3 }]]],
  ['batchnorm_map', [4, 4, 3], [['layer', 'BatchNorm', {}]]],
  ['batchnorm_vector', [4, 4, 1], [['flat', 'Flatten'], ['dense', 'Dense', { units: 4 }], ['layer', 'BatchNorm', { epsilon: 1e-3 }]]],
  ['batchnorm_frozen', [4, 4, 3], [['layer', 'BatchNorm', { trainable: false }]]],
  ...ACTIVATIONS.map((a): [string, [number, number, number], Layers] => [`activation_${a}`, [4, 4, 3], [['layer', 'Activation', { activation: a, alpha: 0.2 }]]]),
  ['activation_elu_alpha', [4, 4, 3], [['layer', 'Activation', { activation: 'elu', alpha: 0.5 }]]],
  ['residual_add', [8, 8, 3], [['layer', 'Residual', { filters: 4, strides: 2 }]]],
  ['depthwise_valid', [7, 7, 3], [['layer', 'DepthwiseConv2D', {}]]],
  ['depthwise_same_stride2_multiplier2', [7, 8, 3], [['layer', 'DepthwiseConv2D', { depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }]]],
  ['depthwise_dilation_no_bias', [9, 9, 2], [['layer', 'DepthwiseConv2D', { dilation: 2, padding: 'same', useBias: false }]]],
  ['depthwise_frozen', [6, 6, 3], [['layer', 'DepthwiseConv2D', { trainable: false }]]],
  ['separable_valid', [7, 7, 3], [['layer', 'SeparableConv2D', { filters: 4 }]]],
  ['separable_same_stride2_multiplier2', [8, 7, 3], [['layer', 'SeparableConv2D', { filters: 5, depthMultiplier: 2, strides: 2, padding: 'same' }]]],
  ['zero_padding_asymmetric', [5, 5, 3], [['layer', 'ZeroPadding2D', { top: 0, bottom: 1, left: 0, right: 1 }], ['conv', 'Conv2D', { filters: 2, strides: 2 }]]],
  ['inverted_residual_skip', [6, 6, 4], [['layer', 'InvertedResidual', { expansion: 2, filters: 4 }]]],
  ['inverted_residual_stride2', [7, 7, 3], [['layer', 'InvertedResidual', { expansion: 3, filters: 5, strides: 2 }]]],
  ['inception_concatenate', [6, 6, 3], [['layer', 'Inception', { c1x1: 2, c3x3reduce: 2, c3x3: 3, c5x5reduce: 1, c5x5: 2, poolProj: 2, batchNorm: true }]]],
];

const graphOf = (input: [number, number, number], layers: Layers) => chain(input, [...layers, ['tail', 'Flatten']], { classes: 3 });

interface Outcome {
  predict: Float32Array;
  train: Float32Array;
  grads: Float32Array[];
}

/** Prediction, training-mode output and the gradients of a loss for every trainable weight. */
function run(graph: ModelGraph, backend: string): Outcome {
  const c = compileModel(flatOf(graph), { seed: 3 });
  try {
    return tf.tidy(() => {
      const inputShape = c.model.inputs[0]!.shape.slice(1) as number[];
      const x = images([2, ...inputShape] as [number, number, number, number], 9);
      const predict = (c.model.predict(x) as tf.Tensor).dataSync() as Float32Array;
      const weights = c.model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const y = c.model.apply(x, { training: true }) as tf.Tensor;
        return tf.sum(tf.mul(y, tf.linspace(-1, 1, y.size).reshape(y.shape))) as tf.Scalar;
      }, weights);
      const train = value.dataSync() as Float32Array;
      void backend;
      return { predict, train, grads: weights.map((w) => grads[w.name]!.dataSync() as Float32Array) };
    });
  } finally {
    c.model.dispose();
  }
}

describe('every layer kind computes the same on wasm as on the cpu backend', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });

  it('covers_every_primitive_kind', () => {
    const kinds = new Set(CASES.flatMap(([, input, layers]) => flatOf(graphOf(input, layers)).nodes.map((n) => n.kind)));
    expect([...kinds].sort()).toEqual([...PRIMITIVE_KINDS].sort());
  });

  for (const [name, input, layers] of CASES) {
    it(name, async () => {
      const graph = graphOf(input, layers);
      await tf.setBackend('wasm');
      const wasm = run(graph, 'wasm');
      await tf.setBackend('cpu');
      const cpu = run(graph, 'cpu');
      await tf.setBackend('wasm');
      expect(maxRelativeError(wasm.predict, cpu.predict)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.train, cpu.train)).toBeLessThan(1e-5);
      expect(wasm.grads.length).toBe(cpu.grads.length);
      wasm.grads.forEach((g, i) => expect(maxRelativeError(g, cpu.grads[i]!)).toBeLessThan(1e-4));
    });
  }
});
