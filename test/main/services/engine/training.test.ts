import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { loadBackend } from '../../../../src/main/services/engine/backends';
import { compileModel } from '../../../../src/main/services/engine/compile-model';
import { chain } from '../../../support/graph-fixtures';
import { flatOf, twoClassBatch } from './engine-fixtures';

/** Trains `steps` Adam steps on one synthetic batch the way the trainer will; returns the losses. */
function train(graph: ModelGraph, steps: number, seed = 1): number[] {
  const compiled = compileModel(flatOf(graph), { seed });
  const size = compiled.model.inputs[0]!.shape[1] as number;
  const channels = compiled.model.inputs[0]!.shape[3] as number;
  const { xs, ys } = twoClassBatch(16, size, channels);
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(ys, tf.log(tf.clipByValue(compiled.model.apply(xs, { training: true }) as tf.Tensor, 1e-7, 1))),
        true,
        compiled.model.trainableWeights.map((w) => w.read() as tf.Variable),
      )!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
  } finally {
    optimizer.dispose();
    compiled.model.dispose();
    tf.dispose([xs, ys]);
  }
  return losses;
}

const falls = (losses: number[]) => {
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
};

describe('training on wasm', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });

  it('sequential_net_loss_falls', () => {
    const graph = chain([12, 12, 1], [
      ['conv1', 'Conv2D', { filters: 4, padding: 'same' }],
      ['pool1', 'MaxPool2D'],
      ['conv2', 'Conv2D', { filters: 6, strides: 2, padding: 1, activation: 'tanh' }],
      ['pool2', 'AvgPool2D', { padding: 'same' }],
      ['flat', 'Flatten'],
      ['dense1', 'Dense', { units: 8 }],
      ['drop', 'Dropout', { rate: 0.2 }],
    ], { classes: 2 });
    falls(train(graph, 15));
  });

  it('residual_net_loss_falls', () => {
    const graph = chain([12, 12, 3], [
      ['stem', 'Conv2D', { filters: 4, padding: 'same', dilation: 2 }],
      ['res1', 'Residual', { filters: 4 }],
      ['res2', 'Residual', { filters: 8, strides: 2 }],
      ['gap', 'GlobalAvgPool'],
    ], { classes: 2 });
    falls(train(graph, 15));
  });

  it('inception_net_loss_falls', () => {
    const graph = chain([10, 10, 3], [
      ['stem', 'Conv2D', { filters: 4, padding: 'same' }],
      ['inc', 'Inception', { c1x1: 2, c3x3reduce: 2, c3x3: 4, c5x5reduce: 2, c5x5: 2, poolProj: 2, batchNorm: true }],
      ['gmp', 'GlobalMaxPool'],
    ], { classes: 2 });
    falls(train(graph, 15));
  });

  it('seeded_training_is_reproducible_and_leaks_no_tensors', () => {
    const graph = chain([8, 8, 1], [['conv1', 'Conv2D', { filters: 3 }], ['flat', 'Flatten'], ['drop', 'Dropout', { rate: 0.3 }]], { classes: 2 });
    const tensors = tf.memory().numTensors;
    expect(train(graph, 4, 9)).toEqual(train(graph, 4, 9));
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
