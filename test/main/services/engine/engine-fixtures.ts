import * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import type { FlatGraph } from '../../../../src/shared/shapes/analyze';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';

/** The expanded graph of a graph that must be valid (the test fails loudly otherwise). */
export function flatOf(graph: ModelGraph): FlatGraph {
  const analysis = analyzeGraph(graph);
  if (!analysis.flat) throw new Error(`invalid test graph: ${analysis.issues.map((i) => i.message).join(' ')}`);
  return analysis.flat;
}

/** Deterministic inputs in [0, 1): a batch of images without a random generator. */
export function images(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32;
  }
  return tf.tensor4d(values, shape);
}

/** Two classes a small network separates in a few steps: the bright half of the image is the class. */
export function twoClassBatch(batch: number, size: number, channels: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const noise = images([batch, size, size, channels], 7).mul(0.3);
    const labels = Array.from({ length: batch }, (_, i) => i % 2);
    const masks = labels.map((label) => {
      const column = tf.range(0, size).reshape([1, size, 1]).tile([size, 1, channels]);
      const left = tf.less(column, size / 2).cast('float32');
      return label === 0 ? left : tf.sub(1, left);
    });
    const xs = tf.add(noise, tf.stack(masks).mul(0.7)) as tf.Tensor4D;
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 2).cast('float32') as tf.Tensor2D;
    return { xs, ys };
  });
}
