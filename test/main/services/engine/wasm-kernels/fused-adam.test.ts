import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { WASM_KERNEL_CHOICES } from './kernel-choices';
import { createAdamOptimizer } from '../../../../../src/main/services/engine/wasm-kernels/fused-adam';
import { maxRelativeError } from '../reference-ops';

/** Three Adam steps on two variables with fixed gradients; the variables' values and the optimizer's weights after. */
async function threeSteps(optimizer: tf.Optimizer, seed: number): Promise<{ values: Float32Array[]; weights: { name: string; values: Float32Array }[] }> {
  const a = tf.variable(tf.randomNormal([5, 7], 0, 1, 'float32', seed), true, `a${seed}`);
  const b = tf.variable(tf.randomNormal([3], 0, 1, 'float32', seed + 1), true, `b${seed}`);
  for (let step = 0; step < 3; step++) {
    tf.tidy(() => {
      const ga = tf.randomNormal([5, 7], 0, 1, 'float32', seed + 10 + step);
      // The second variable's gradient grows: the bias corrections and the moments both matter.
      const gb = tf.mul(tf.randomNormal([3], 0, 1, 'float32', seed + 20 + step), step + 1);
      optimizer.applyGradients({ [a.name]: ga, [b.name]: gb });
    });
  }
  const weights = await optimizer.getWeights();
  const out = {
    values: [a.dataSync() as Float32Array, b.dataSync() as Float32Array].map((v) => Float32Array.from(v)),
    weights: weights.slice(1).map((w) => ({ name: w.name.replace(String(seed), ''), values: Float32Array.from(w.tensor.dataSync()) })),
  };
  tf.dispose([a, b]);
  return out;
}

describe.each(WASM_KERNEL_CHOICES)('Adam with a one-pass update on wasm (%s)', (choice) => {
  afterAll(() => useSimdKernels(undefined));
  beforeAll(async () => {
    await loadBackend('wasm');
    useSimdKernels(choice);
  });

  it('takes_the_same_steps_as_tfjs_adam', async () => {
    const fused = createAdamOptimizer(0.01, 0.8, 0.95, 1e-6);
    const reference = tf.train.adam(0.01, 0.8, 0.95, 1e-6);
    const ours = await threeSteps(fused, 7);
    const theirs = await threeSteps(reference, 7);
    for (let i = 0; i < ours.values.length; i++) expect(maxRelativeError(ours.values[i]!, theirs.values[i]!)).toBeLessThan(1e-6);
    expect(ours.weights.map((w) => w.name)).toEqual(theirs.weights.map((w) => w.name));
    for (let i = 0; i < ours.weights.length; i++) expect(maxRelativeError(ours.weights[i]!.values, theirs.weights[i]!.values)).toBeLessThan(1e-6);
    expect(fused.getClassName()).toBe('Adam');
    fused.dispose();
    reference.dispose();
  });

  it('reads_the_learning_rate_at_each_step_and_leaks_no_tensors', () => {
    const optimizer = createAdamOptimizer(0.1);
    const x = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adam_rate_x');
    const before = tf.memory().numTensors;
    tf.tidy(() => optimizer.applyGradients([{ name: x.name, tensor: tf.tensor1d([1, 1, 1]) }]));
    // Adam's first step moves every weight by the learning rate (the moments cancel).
    expect(Array.from(x.dataSync()).map((v) => Number(v.toFixed(4)))).toEqual([0.9, -2.1, 2.9]);
    (optimizer as unknown as { learningRate: number }).learningRate = 0.5;
    tf.tidy(() => optimizer.applyGradients([{ name: x.name, tensor: tf.tensor1d([-1, -1, -1]) }]));
    expect(x.dataSync()[0]!).toBeGreaterThan(0.9);
    // The two moments were created on the first step; nothing else stays.
    expect(tf.memory().numTensors).toBe(before + 2);
    optimizer.dispose();
    x.dispose();
  });
});

describe('the Relu gradient without the cast', () => {
  it('is_dy_where_x_is_positive_on_wasm_and_cpu', async () => {
    await loadBackend('wasm');
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const dx = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor1d([1, 2, 3, 4]))))(tf.tensor1d([-1, 0, 0.5, 3])).dataSync());
      expect(Array.from(dx)).toEqual([0, 0, 3, 4]);
    }
    await tf.setBackend('wasm');
  });
});
