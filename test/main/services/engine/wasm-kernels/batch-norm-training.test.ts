import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { batchNormTraining } from '../../../../../src/main/services/engine/wasm-kernels/batch-norm-training';
import { finiteDifferences, maxRelativeError, randomArray } from '../reference-ops';
import type { Array4D } from '../reference-ops';
import { WASM_KERNEL_CHOICES } from './kernel-choices';

/** Float64 batch normalisation over all axes but the last, biased variance: the definition. */
function referenceBatchNorm(x: Array4D, gamma: Float64Array, beta: Float64Array, epsilon: number): Float64Array {
  const channels = x.shape[3];
  const rows = x.values.length / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let i = 0; i < x.values.length; i++) mean[i % channels] = mean[i % channels]! + x.values[i]! / rows;
  for (let i = 0; i < x.values.length; i++) variance[i % channels] = variance[i % channels]! + (x.values[i]! - mean[i % channels]!) ** 2 / rows;
  return x.values.map((v, i) => ((v - mean[i % channels]!) / Math.sqrt(variance[i % channels]! + epsilon)) * gamma[i % channels]! + beta[i % channels]!);
}

const EPSILON = 1e-3;
const SHAPES: [number, number, number, number][] = [
  [4, 3, 3, 5],
  [2, 1, 1, 3],
  [3, 2, 4, 1],
  // More rows than one float32 block of the SIMD sums (64), eight channels (two vectors).
  [3, 7, 6, 8],
];

describe.each(WASM_KERNEL_CHOICES)('batch normalisation in training as one op (project-made wasm kernels; %s)', (choice) => {
  beforeAll(async () => {
    await loadBackend('wasm');
    useSimdKernels(choice);
  });
  afterAll(() => useSimdKernels(undefined));

  for (const shape of SHAPES) {
    it(`shape_${shape.join('x')}_matches_finite_differences_and_the_composed_ops_on_cpu`, async () => {
      const x = randomArray(shape, 41);
      // Shift one channel far from zero: the statistics must not lose precision there.
      for (let i = 0; i < x.values.length; i += shape[3]) x.values[i] = x.values[i]! * 0.5 + 20;
      const gammaArray = randomArray([1, 1, 1, shape[3]], 42);
      const betaArray = randomArray([1, 1, 1, shape[3]], 43);
      const r = randomArray(shape, 44);
      const loss = () => referenceBatchNorm(x, gammaArray.values, betaArray.values, EPSILON).reduce((s, v, i) => s + v * r.values[i]!, 0);
      const fdX = finiteDifferences(x, loss);
      const fdGamma = finiteDifferences(gammaArray, loss);
      const fdBeta = finiteDifferences(betaArray, loss);

      const run = () =>
        tf.tidy(() => {
          const xs = tf.tensor4d(Float32Array.from(x.values), shape);
          const gamma = tf.tensor1d(Float32Array.from(gammaArray.values));
          const beta = tf.tensor1d(Float32Array.from(betaArray.values));
          const out = batchNormTraining(xs, gamma, beta, EPSILON);
          const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(a, g, b, EPSILON).y, tf.tensor4d(Float32Array.from(r.values), shape)));
          const [dx, dg, db] = tf.grads(f)([xs, gamma, beta]);
          return { y: out.y.dataSync(), mean: out.mean.dataSync(), variance: out.variance.dataSync(), dx: dx!.dataSync(), dg: dg!.dataSync(), db: db!.dataSync() };
        });
      await tf.setBackend('wasm');
      const wasm = run();
      await tf.setBackend('cpu');
      const cpu = run();
      await tf.setBackend('wasm');

      expect(maxRelativeError(wasm.y, referenceBatchNorm(x, gammaArray.values, betaArray.values, EPSILON))).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.mean, cpu.mean)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.variance, cpu.variance)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm.dx, fdX)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm.dg, fdGamma)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.db, fdBeta)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-4);
    });
  }

  it('rank_2_inputs_normalise_each_unit_over_the_batch', async () => {
    const x = tf.tensor2d([1, 10, 3, 20, 5, 60], [3, 2]);
    const out = batchNormTraining(x, tf.ones([2]), tf.zeros([2]), 0);
    expect(Array.from(out.mean.dataSync())).toEqual([3, 30]);
    const y = out.y.arraySync() as number[][];
    expect(y[0]![0]).toBeCloseTo(-Math.sqrt(1.5), 5);
    expect(y[1]![0]).toBeCloseTo(0, 5);
    tf.dispose([x, out.y, out.mean, out.variance]);
  });

  it('frees_every_intermediate_tensor', () => {
    const x = tf.randomNormal([4, 3, 3, 6], 0, 1, 'float32', 1);
    const gamma = tf.ones([6]);
    const beta = tf.zeros([6]);
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const buffers = backend.numDataIds();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, g: tf.Tensor) => tf.sum(tf.square(batchNormTraining(a, g, beta, 1e-5).y)))([x, gamma]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, gamma, beta]);
  });
});
