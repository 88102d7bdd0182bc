import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { simdMatMul, withBuffers } from '../simd-kernels/simd-convolution';
import { simdKernelsFor } from '../simd-kernels/simd-module';
import type { WasmKernelCalls } from './kernel-calls';
import { withKernelCalls } from './kernel-calls';
import { replacing } from './kernel-replacement';

/**
 * A matrix product [m, k] × [k, n] as XNNPACK's 1x1 convolution (a GEMM): the rows of A are the
 * pixels of a 1-row image with k channels, B is the filter. TF.js 4.22's wasm BatchMatMul is several
 * times slower, and 5–10x slower when an operand is transposed, as in every Dense gradient.
 */
export function matMulAsConvolution(calls: WasmKernelCalls, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  const x = calls.reshape(a, [1, 1, m, k]);
  const filter = calls.reshape(b, [1, 1, k, n]);
  return calls.run('Conv2D', { x, filter }, { strides: 1, dilations: 1, pad: 'valid', dataFormat: 'NHWC' });
}

/**
 * BatchMatMul for a batch of one (every Dense layer and its gradients) through the studio's SIMD kernels
 * where they run, else XNNPACK; TF.js's own for batches.
 */
export function batchMatMulWasm(): KernelConfig {
  return replacing('BatchMatMul', (args, original) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const batch = (shape: number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);
    const plain = (t: TensorInfo) => t.dtype === 'float32' && t.shape.length >= 2 && batch(t.shape) === 1;
    if (!plain(a) || !plain(b)) return original(args) as TensorInfo;
    const [ar, ac] = a.shape.slice(-2) as [number, number];
    const [br, bc] = b.shape.slice(-2) as [number, number];
    const [m, k] = transposeA ? [ac, ar] : [ar, ac];
    const n = transposeB ? br : bc;
    // Leading dimensions (all 1) as TF.js's kernel returns them: [m, n] for matrices, [1, m, n] for a batch of one.
    const lead = new Array<number>(Math.max(a.shape.length, b.shape.length) - 2).fill(1);
    const simd = simdMatMul(args.backend, a, b, transposeA, transposeB, [...lead, m, n]);
    if (simd) return simd;
    return withKernelCalls(args.backend, (calls) => {
      const left = transposeA ? calls.transpose(calls.reshape(a, [ar, ac]), [1, 0]) : a;
      const right = transposeB ? calls.transpose(calls.reshape(b, [br, bc]), [1, 0]) : b;
      return calls.reshape(matMulAsConvolution(calls, left, right, m, k, n), [...lead, m, n]);
    });
  });
}

/**
 * Sum over every axis but the last (bias gradients) as one pass on the wasm heap (SIMD where the
 * studio's kernels run), accumulating in float64. TF.js's wasm Sum first transposes the reduced axes to the end, which costs more than the
 * sum; a product with a row of ones (XNNPACK) packs the whole input as a filter at every call.
 */
export function sumWasm(): KernelConfig {
  return replacing('Sum', (args, original) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((d) => (d < 0 ? d + rank : d)).sort((p, q) => p - q);
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((d, i) => d === i);
    if (x.dtype !== 'float32' || !leading) return original(args) as TensorInfo;
    const channels = x.shape[rank - 1]!;
    const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
    const out = args.backend.makeOutput(outShape, 'float32');
    const simd = simdKernelsFor(args.backend);
    const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    if (simd && channels > 0) {
      withBuffers(simd, [channels * 8], ([sums]) => simd.exports.sumRows(simd.pointer(x), rows, channels, simd.pointer(out), sums!));
      return out;
    }
    // Views only after the last allocation: a growing wasm heap detaches older views.
    const values = args.backend.typedArrayFromHeap(x) as Float32Array;
    const sums = new Float64Array(channels);
    for (let i = 0; i < values.length; ) {
      for (let c = 0; c < channels; c++, i++) sums[c] = sums[c]! + values[i]!;
    }
    (args.backend.typedArrayFromHeap(out) as Float32Array).set(sums);
    return out;
  });
}

/**
 * Tanh in one SIMD pass where the studio's kernels run; else as 2·sigmoid(2x) − 1 (the wasm Sigmoid
 * kernel is vectorised by XNNPACK, TF.js's Tanh runs about 6x slower). Error about 2e-7 either way.
 */
export function tanhWasm(): KernelConfig {
  return replacing('Tanh', (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const simd = x.dtype === 'float32' ? simdKernelsFor(args.backend) : null;
    if (simd) {
      const out = args.backend.makeOutput(x.shape, 'float32');
      simd.exports.tanh(simd.pointer(x), simd.pointer(out), x.shape.reduce((p, d) => p * d, 1));
      return out;
    }
    return withKernelCalls(args.backend, (calls) => {
      const two = calls.run('Fill', {}, { shape: [], value: 2, dtype: 'float32' });
      const one = calls.run('Fill', {}, { shape: [], value: 1, dtype: 'float32' });
      const s = calls.run('Sigmoid', { x: calls.run('Multiply', { a: x, b: two }) });
      return calls.run('Sub', { a: calls.run('Multiply', { a: s, b: two }), b: one });
    });
  });
}
