import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Padding } from '../../../../../src/shared/layers/params';
import { windowAxis } from '../../../../../src/shared/layers/window';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { WASM_KERNEL_CHOICES } from './kernel-choices';
import type { Array4D } from '../reference-ops';
import { finiteDifferences, maxRelativeError, randomArray, referencePool, weightedSum } from '../reference-ops';

interface PoolCase {
  name: string;
  x: [number, number, number, number];
  size: number;
  strides: number;
  padding: Padding;
}

const CASES: PoolCase[] = [
  { name: 'valid_2x2_stride2', x: [2, 6, 8, 3], size: 2, strides: 2, padding: 'valid' },
  { name: 'valid_3x3_stride2_overlapping', x: [2, 7, 7, 2], size: 3, strides: 2, padding: 'valid' },
  { name: 'same_3x3_stride1', x: [2, 5, 6, 3], size: 3, strides: 1, padding: 'same' },
  { name: 'same_2x2_stride2_odd_size', x: [3, 5, 7, 2], size: 2, strides: 2, padding: 'same' },
  { name: 'numeric_padding1_3x3_stride2', x: [2, 7, 6, 2], size: 3, strides: 2, padding: 1 },
  { name: 'numeric_padding1_2x2_stride2', x: [1, 3, 3, 4], size: 2, strides: 2, padding: 1 },
  // Four channels at a time and a remainder (the SIMD kernels' two paths).
  { name: 'same_3x3_stride2_six_channels', x: [2, 6, 5, 6], size: 3, strides: 2, padding: 'same' },
];

function pads(c: PoolCase): [number, number, number, number] {
  const spec = { kernel: c.size, stride: c.strides, dilation: 1, padding: c.padding };
  const rows = windowAxis(c.x[1], spec)!;
  const cols = windowAxis(c.x[2], spec)!;
  return [rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter];
}

const tfPad = (p: Padding) => (typeof p === 'number' ? ([[0, 0], [p, p], [p, p], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : p);
const tensor = (a: Array4D) => tf.tensor4d(Float32Array.from(a.values), a.shape);

function backendGradient(mode: 'max' | 'avg', c: PoolCase, x: Array4D, r: Array4D): Float32Array {
  return tf.tidy(() => {
    const pool = (t: tf.Tensor) => (mode === 'max' ? tf.maxPool(t as tf.Tensor4D, c.size, c.strides, tfPad(c.padding)) : tf.avgPool(t as tf.Tensor4D, c.size, c.strides, tfPad(c.padding)));
    return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t), tensor(r))))(tensor(x)).dataSync() as Float32Array;
  });
}

describe.each(WASM_KERNEL_CHOICES)('pooling gradients (project-made MaxPoolGrad and AvgPoolGrad on wasm, AvgPool gradient everywhere; %s)', (choice) => {
  afterAll(() => useSimdKernels(undefined));
  beforeAll(async () => {
    await loadBackend('wasm');
    useSimdKernels(choice);
  });

  for (const mode of ['max', 'avg'] as const) {
    for (const c of CASES) {
      it(`${mode}_${c.name}_matches_finite_differences_on_wasm_and_cpu`, async () => {
        const g = { kernel: [c.size, c.size] as [number, number], strides: [c.strides, c.strides] as [number, number], pads: pads(c) };
        const x = randomArray(c.x, 11);
        const r = randomArray(referencePool(x, mode, g).shape, 12);
        const fd = finiteDifferences(x, () => weightedSum(referencePool(x, mode, g), r));
        await tf.setBackend('wasm');
        const wasm = backendGradient(mode, c, x, r);
        await tf.setBackend('cpu');
        const cpu = backendGradient(mode, c, x, r);
        await tf.setBackend('wasm');
        expect(maxRelativeError(wasm, fd)).toBeLessThan(1e-5);
        expect(maxRelativeError(cpu, fd)).toBeLessThan(1e-5);
      });
    }
  }

  it('max_pool_gradient_goes_to_the_first_maximum_of_a_tie', () => {
    const x = tf.tensor4d([5, 5, 5, 5], [1, 2, 2, 1]);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(dx.dataSync())).toEqual([1, 0, 0, 0]);
    tf.dispose([x, dx]);
  });
});
