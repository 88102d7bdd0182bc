import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Padding } from '../../../../../src/shared/layers/params';
import { windowAxis } from '../../../../../src/shared/layers/window';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { WASM_KERNEL_CHOICES } from './kernel-choices';
import type { Array4D } from '../reference-ops';
import { finiteDifferences, maxRelativeError, randomArray, referenceConv2d, weightedSum } from '../reference-ops';

// Every case: x [n, h, w, c], a k x k kernel with `filters` outputs, stride, padding, dilation.
interface ConvCase {
  name: string;
  x: [number, number, number, number];
  kernel: number;
  filters: number;
  strides: number;
  padding: Padding;
  dilation: number;
}

const CASES: ConvCase[] = [
  { name: 'valid_stride1', x: [2, 7, 9, 3], kernel: 3, filters: 4, strides: 1, padding: 'valid', dilation: 1 },
  { name: 'valid_stride2_odd_size', x: [2, 7, 9, 3], kernel: 3, filters: 4, strides: 2, padding: 'valid', dilation: 1 },
  { name: 'same_stride1', x: [3, 6, 5, 2], kernel: 3, filters: 5, strides: 1, padding: 'same', dilation: 1 },
  { name: 'same_stride2_odd_size', x: [2, 7, 9, 3], kernel: 3, filters: 4, strides: 2, padding: 'same', dilation: 1 },
  { name: 'same_stride2_even_kernel', x: [2, 8, 8, 3], kernel: 4, filters: 3, strides: 2, padding: 'same', dilation: 1 },
  { name: 'numeric_padding1_stride2', x: [2, 7, 9, 3], kernel: 3, filters: 4, strides: 2, padding: 1, dilation: 1 },
  { name: 'numeric_padding2_wider_than_kernel', x: [2, 5, 6, 3], kernel: 1, filters: 4, strides: 1, padding: 2, dilation: 1 },
  { name: 'numeric_padding2_stride3_kernel5', x: [2, 9, 7, 2], kernel: 5, filters: 3, strides: 3, padding: 2, dilation: 1 },
  { name: 'dilation2_valid', x: [3, 9, 8, 2], kernel: 3, filters: 5, strides: 1, padding: 'valid', dilation: 2 },
  { name: 'dilation2_same', x: [3, 9, 8, 2], kernel: 3, filters: 5, strides: 1, padding: 'same', dilation: 2 },
  { name: 'dilation3_numeric_padding1', x: [2, 10, 9, 3], kernel: 2, filters: 2, strides: 1, padding: 1, dilation: 3 },
  { name: 'batch1_channel1', x: [1, 6, 6, 1], kernel: 5, filters: 6, strides: 1, padding: 'same', dilation: 1 },
  // One input channel at stride 1: the filter gradient sums over pixels four at a time (taps in chunks of five).
  { name: 'single_channel_kernel7_same', x: [2, 9, 11, 1], kernel: 7, filters: 4, strides: 1, padding: 'same', dilation: 1 },
  { name: 'single_channel_kernel3_valid_many_filters', x: [3, 7, 6, 1], kernel: 3, filters: 10, strides: 1, padding: 'valid', dilation: 1 },
  { name: 'single_channel_even_kernel_numeric_padding', x: [2, 5, 9, 1], kernel: 2, filters: 1, strides: 1, padding: 1, dilation: 1 },
  // At least 8 filters: the studio's SIMD kernels take these (odd channel counts leave partial panels).
  { name: 'simd_same_stride1', x: [2, 6, 7, 5], kernel: 3, filters: 9, strides: 1, padding: 'same', dilation: 1 },
  { name: 'simd_valid_stride2_kernel5', x: [2, 11, 9, 3], kernel: 5, filters: 16, strides: 2, padding: 'valid', dilation: 1 },
  { name: 'simd_same_stride2_even_size', x: [3, 8, 8, 4], kernel: 3, filters: 8, strides: 2, padding: 'same', dilation: 1 },
  { name: 'simd_pointwise', x: [2, 5, 5, 7], kernel: 1, filters: 12, strides: 1, padding: 'valid', dilation: 1 },
  { name: 'simd_pointwise_stride2', x: [2, 6, 5, 6], kernel: 1, filters: 10, strides: 2, padding: 'valid', dilation: 1 },
  { name: 'simd_dilation2_numeric_padding', x: [2, 9, 8, 3], kernel: 3, filters: 11, strides: 1, padding: 2, dilation: 2 },
  // Maps smaller than the kernel: taps that only ever meet padding are left out of the products.
  { name: 'simd_kernel3_on_1x1_map', x: [4, 1, 1, 9], kernel: 3, filters: 8, strides: 1, padding: 'same', dilation: 1 },
  { name: 'simd_kernel3_stride2_on_2x2_map', x: [3, 2, 2, 6], kernel: 3, filters: 13, strides: 2, padding: 'same', dilation: 1 },
  { name: 'simd_kernel5_on_3x2_map', x: [2, 3, 2, 4], kernel: 5, filters: 9, strides: 1, padding: 'same', dilation: 1 },
];

function geometry(c: ConvCase) {
  const spec = { kernel: c.kernel, stride: c.strides, dilation: c.dilation, padding: c.padding };
  const rows = windowAxis(c.x[1], spec)!;
  const cols = windowAxis(c.x[2], spec)!;
  return { strides: [c.strides, c.strides] as [number, number], dilations: [c.dilation, c.dilation] as [number, number], pads: [rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter] as [number, number, number, number] };
}

function tfPad(p: Padding): 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]] {
  return typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p;
}

const tensor = (a: Array4D) => tf.tensor4d(Float32Array.from(a.values), a.shape);

/** The gradients of Σ conv(x, w)·r on the active backend, through tf.grads (the Conv2D gradient). */
function backendGradients(c: ConvCase, x: Array4D, w: Array4D, r: Array4D): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const f = (xt: tf.Tensor, wt: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, c.strides, tfPad(c.padding), 'NHWC', c.dilation), tensor(r)));
    const [dx, dw] = tf.grads(f)([tensor(x), tensor(w)]);
    return { dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

describe.each(WASM_KERNEL_CHOICES)('conv2d gradients on wasm (project-made kernels: %s)', (choice) => {
  beforeAll(async () => {
    await loadBackend('wasm');
    useSimdKernels(choice);
  });
  afterAll(() => useSimdKernels(undefined));

  for (const c of CASES) {
    it(`${c.name}_matches_finite_differences_and_the_cpu_backend`, async () => {
      const g = geometry(c);
      const x = randomArray(c.x, 1);
      const w = randomArray([c.kernel, c.kernel, c.x[3], c.filters], 2);
      const yShape = referenceConv2d(x, w, g).shape;
      const r = randomArray(yShape, 3);
      const loss = () => weightedSum(referenceConv2d(x, w, g), r);
      const fdX = finiteDifferences(x, loss);
      const fdW = finiteDifferences(w, loss);

      await tf.setBackend('wasm');
      const wasm = backendGradients(c, x, w, r);
      expect(maxRelativeError(wasm.dx, fdX)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.dw, fdW)).toBeLessThan(1e-5);

      await tf.setBackend('cpu');
      const cpu = backendGradients(c, x, w, r);
      await tf.setBackend('wasm');
      expect(maxRelativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.dw, cpu.dw)).toBeLessThan(1e-5);
    });
  }

  it('direct_backprop_kernel_calls_match_finite_differences', () => {
    // Conv2DBackpropInput (tf.conv2dTranspose) and Conv2DBackpropFilter called directly, as the fused
    // convolution's gradient does.
    for (const name of ['same_stride2_odd_size', 'simd_valid_stride2_kernel5', 'simd_kernel3_stride2_on_2x2_map']) directCalls(CASES.find((k) => k.name === name)!);
  });

  function directCalls(c: ConvCase): void {
    const g = geometry(c);
    const x = randomArray(c.x, 4);
    const w = randomArray([c.kernel, c.kernel, c.x[3], c.filters], 5);
    const r = randomArray(referenceConv2d(x, w, g).shape, 6);
    const loss = () => weightedSum(referenceConv2d(x, w, g), r);
    const fdX = finiteDifferences(x, loss);
    const fdW = finiteDifferences(w, loss);
    const [dx, dw] = tf.tidy(() => {
      const pad = tfPad(c.padding);
      const dxT = tf.conv2dTranspose(tensor(r), tensor(w), c.x, c.strides, pad as 'same');
      const dwT = tf.engine().runKernel('Conv2DBackpropFilter', { x: tensor(x), dy: tensor(r) }, { strides: c.strides, pad, dataFormat: 'NHWC', filterShape: w.shape }) as tf.Tensor;
      return [dxT.dataSync(), dwT.dataSync()];
    });
    expect(maxRelativeError(dx!, fdX)).toBeLessThan(1e-5);
    expect(maxRelativeError(dw!, fdW)).toBeLessThan(1e-5);
  }

  it('fused_convolution_with_bias_trains_through_the_kernels', () => {
    // tf.fused.conv2d with a linear activation keeps its fused kernel in training and calls both
    // backprop kernels itself.
    for (const filters of [4, 9]) {
      const x = randomArray([2, 6, 6, 3], 7);
      const w = randomArray([3, 3, 3, filters], 8);
      const g = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] };
      const r = randomArray([2, 6, 6, filters], 9);
      const fdW = finiteDifferences(w, () => weightedSum(referenceConv2d(x, w, g), r));
      const dw = tf.tidy(() => {
        const bias = tf.zeros([filters]);
        const f = (wt: tf.Tensor) => tf.sum(tf.mul(tf.fused.conv2d({ x: tensor(x), filter: wt as tf.Tensor4D, strides: 1, pad: 'same', bias }), tensor(r)));
        return tf.grad(f)(tensor(w)).dataSync();
      });
      expect(maxRelativeError(dw, fdW)).toBeLessThan(1e-5);
    }
  });

  it('large_convolutions_match_the_cpu_backend', async () => {
    // Past the SIMD kernels' blocks: im2col widths over 256 (two depth blocks) and several pixel blocks.
    const cases: ConvCase[] = [
      { name: 'wide', x: [2, 12, 12, 32], kernel: 3, filters: 16, strides: 1, padding: 'same', dilation: 1 },
      { name: 'strided', x: [2, 15, 13, 40], kernel: 3, filters: 24, strides: 2, padding: 1, dilation: 1 },
    ];
    for (const c of cases) {
      const x = randomArray(c.x, 11);
      const w = randomArray([c.kernel, c.kernel, c.x[3], c.filters], 12);
      const r = randomArray(referenceConv2d(x, w, geometry(c)).shape, 13);
      const forward = () => tf.tidy(() => tf.conv2d(tensor(x), tensor(w), c.strides, tfPad(c.padding)).dataSync());
      const wasm = { ...backendGradients(c, x, w, r), y: forward() };
      await tf.setBackend('cpu');
      const cpu = { ...backendGradients(c, x, w, r), y: forward() };
      await tf.setBackend('wasm');
      expect(maxRelativeError(wasm.y, cpu.y)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm.dw, cpu.dw)).toBeLessThan(1e-4);
    }
  });

  it('frees_every_intermediate_tensor', () => {
    const c = CASES.find((k) => k.name === 'numeric_padding2_stride3_kernel5')!;
    const x = tensor(randomArray(c.x, 1));
    const w = tensor(randomArray([c.kernel, c.kernel, c.x[3], c.filters], 2));
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const buffers = backend.numDataIds();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, tfPad(c.padding))))([x, w]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, w]);
  });
});
