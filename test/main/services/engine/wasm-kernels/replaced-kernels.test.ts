import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { WASM_KERNEL_CHOICES } from './kernel-choices';
import { maxRelativeError } from '../reference-ops';

/** The same computation on wasm (project kernels) and on the cpu backend (TF.js's reference kernels). */
async function onBoth(f: () => tf.Tensor): Promise<{ wasm: Float32Array; cpu: Float32Array; shape: number[] }> {
  await tf.setBackend('wasm');
  const [wasm, shape] = tf.tidy(() => {
    const y = f();
    return [y.dataSync() as Float32Array, y.shape] as const;
  });
  await tf.setBackend('cpu');
  const cpu = tf.tidy(() => f().dataSync() as Float32Array);
  await tf.setBackend('wasm');
  return { wasm, cpu, shape: [...shape] };
}

const data = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe.each(WASM_KERNEL_CHOICES)('wasm kernels replaced for speed give the cpu backend results (%s)', (choice) => {
  afterAll(() => useSimdKernels(undefined));
  beforeAll(async () => {
    await loadBackend('wasm');
    useSimdKernels(choice);
  });

  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`batch_matmul_transpose_a_${ta}_transpose_b_${tb}`, async () => {
      const a = ta ? [7, 5] : [5, 7];
      const b = tb ? [3, 7] : [7, 3];
      const r = await onBoth(() => tf.matMul(data(a, 1), data(b, 2), ta, tb));
      expect(r.shape).toEqual([5, 3]);
      expect(maxRelativeError(r.wasm, r.cpu)).toBeLessThan(1e-5);
    });
  }

  it('batch_matmul_blocked_products_with_edge_tiles', async () => {
    // Rows past 128 and depths past 256 cross the SIMD kernels' cache blocks; 13 rows and 21 columns leave partial tiles.
    for (const [m, k, n] of [[13, 37, 21], [150, 300, 19], [3, 520, 9]] as const) {
      for (const [ta, tb] of [[false, false], [true, true]] as const) {
        const r = await onBoth(() => tf.matMul(data(ta ? [k, m] : [m, k], 8), data(tb ? [n, k] : [k, n], 9), ta, tb));
        expect(r.shape).toEqual([m, n]);
        expect(maxRelativeError(r.wasm, r.cpu)).toBeLessThan(1e-4);
      }
    }
  });

  it('batch_matmul_batch_of_one_and_batches', async () => {
    const one = await onBoth(() => tf.matMul(data([1, 4, 6], 3), data([1, 6, 2], 4)));
    expect(one.shape).toEqual([1, 4, 2]);
    expect(maxRelativeError(one.wasm, one.cpu)).toBeLessThan(1e-5);
    const many = await onBoth(() => tf.matMul(data([3, 4, 6], 3), data([3, 2, 6], 4), false, true));
    expect(many.shape).toEqual([3, 4, 2]);
    expect(maxRelativeError(many.wasm, many.cpu)).toBeLessThan(1e-5);
  });

  it('sum_over_leading_axes_with_and_without_keep_dims', async () => {
    for (const keepDims of [false, true]) {
      const r = await onBoth(() => tf.sum(data([4, 5, 6, 3], 5), [0, 1, 2], keepDims));
      expect(r.shape).toEqual(keepDims ? [1, 1, 1, 3] : [3]);
      expect(maxRelativeError(r.wasm, r.cpu)).toBeLessThan(1e-5);
    }
    const other = await onBoth(() => tf.sum(data([4, 5, 6], 6), [1]));
    expect(maxRelativeError(other.wasm, other.cpu)).toBeLessThan(1e-5);
    const vector = await onBoth(() => tf.sum(data([9, 2], 7), -2));
    expect(maxRelativeError(vector.wasm, vector.cpu)).toBeLessThan(1e-5);
  });

  it('tanh_and_its_gradient', async () => {
    const x = () => tf.mul(data([3, 50], 8), 4);
    const y = await onBoth(() => tf.tanh(x()));
    expect(maxRelativeError(y.wasm, y.cpu)).toBeLessThan(1e-6);
    const g = await onBoth(() => tf.grad((t: tf.Tensor) => tf.sum(tf.tanh(t)))(x()));
    expect(maxRelativeError(g.wasm, g.cpu)).toBeLessThan(1e-5);
  });

  it('tanh_keeps_its_sign_its_limits_and_small_values', async () => {
    const values = [0, -0, 1e-8, -3e-5, 0.25, -0.3, 0.31, 2, -7.9, 8, 30, -1e6, Number.NaN];
    const y = await onBoth(() => tf.tanh(tf.tensor1d(values)));
    values.forEach((v, i) => {
      if (Number.isNaN(v)) expect(y.wasm[i]).toBeNaN();
      // SIMD kernels: within 3 float32 ulps, small values included; TF.js's sigmoid form loses those (absolute error ~1e-7).
      else if (choice === 'xnnpack') expect(Math.abs(y.wasm[i]! - Math.tanh(v))).toBeLessThanOrEqual(1.2e-7);
      else expect(Math.abs(y.wasm[i]! - Math.tanh(v))).toBeLessThanOrEqual(3.6e-7 * Math.abs(Math.tanh(v)));
    });
  });

  it('bias_add_along_the_last_axis_and_other_broadcasts', async () => {
    for (const [a, b] of [[[4, 5, 6, 3], [3]], [[3], [7, 3]], [[64, 10], [10]], [[5, 1], [5]], [[2, 3], [2, 3]], [[4, 1, 6], [1, 5, 6]]] as const) {
      const r = await onBoth(() => tf.add(data([...a], 10), data([...b], 11)));
      expect(maxRelativeError(r.wasm, r.cpu)).toBeLessThan(1e-6);
    }
  });

  it('identity_shares_the_data_and_frees_it_with_the_last_reference', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(before);
  });
});
