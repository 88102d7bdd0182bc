import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { withBuffers } from '../simd-kernels/simd-convolution';
import type { SimdKernels } from '../simd-kernels/simd-module';
import { simdKernelsFor } from '../simd-kernels/simd-module';

/**
 * Batch normalisation in training mode as ONE op with ONE gradient. Composed of TF.js ops (moments,
 * then batchNorm) it is about fifteen passes over the activations forward and backward, several of
 * them slow on wasm (Tile in TF.js's batchNorm gradient, Mean, the broadcasting gradients of the
 * moments); here it is two passes each way, straight on the wasm heap:
 * - forward: per channel Σx and Σx² (float64), then y = (x−μ)·γ/√(σ²+ε) + β;
 * - backward, from the closed form through the batch statistics: with x̂ = (x−μ)/√(σ²+ε), S = Σdy·x̂,
 *   dx = γ/√(σ²+ε) · (dy − Σdy/N − x̂·S/N), dγ = S, dβ = Σdy (sums per channel, in float64).
 * Statistics run over every axis but the last (N = the other axes' size); the variance is the biased
 * one, as batchNorm normalises with. Other backends run the composed ops. Where the studio's SIMD
 * kernels run, each pass is one of them (sums in float32 over blocks of 64 rows, then float64).
 */

const FORWARD = 'StudioBatchNormTraining';
const BACKWARD = 'StudioBatchNormTrainingGrad';

export interface BatchNormTrainingResult {
  y: Tensor;
  /** The batch mean and biased variance per channel, shape [C]. */
  mean: Tensor;
  variance: Tensor;
}

/** Normalises `x` over all axes but the last with the batch's statistics; on wasm through the project's kernels. */
export function batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): BatchNormTrainingResult {
  if (tf.getBackend() === 'wasm' && x.dtype === 'float32' && gamma.rank === 1 && beta.rank === 1) {
    const [y, mean, variance] = tf.engine().runKernel(FORWARD, { x, gamma, beta }, { epsilon } as unknown as NamedAttrMap) as Tensor[];
    return { y: y!, mean: mean!, variance: variance! };
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { y: tf.batchNorm(x, mean, variance, beta, gamma, epsilon), mean, variance };
}

type Heap = (t: TensorInfo) => Float32Array;

function heapOf(backend: BackendWasm): Heap {
  return (t) => backend.typedArrayFromHeap(t) as Float32Array;
}

/** Per-channel coefficients k1, k2, centre, shift of `channelAffine`, as four float32 runs of C. */
function coefficientBytes(channels: number): number {
  return 4 * channels * 4;
}

function simdForward(simd: SimdKernels, backend: BackendWasm, t: Record<'x' | 'gamma' | 'beta' | 'y' | 'mean' | 'variance', TensorInfo>, channels: number, epsilon: number): void {
  const rows = t.x.shape.reduce((p, d) => p * d, 1) / channels;
  const k = simd.exports;
  withBuffers(simd, [2 * channels * 8, 3 * channels * 4, coefficientBytes(channels)], ([sums, partial, coefficients]) => {
    k.channelSums(simd.pointer(t.x), simd.pointer(t.x), rows, channels, 0, sums!, partial!);
    const totals = simd.doubles(sums!, 2 * channels);
    const c = simd.floats(coefficients!, 4 * channels);
    // The sums are of x − K, K the first row (see channelSums).
    const first = simd.floats(simd.pointer(t.x), channels);
    const g = simd.floats(simd.pointer(t.gamma), channels);
    const b = simd.floats(simd.pointer(t.beta), channels);
    const m = simd.floats(simd.pointer(t.mean), channels);
    const s2 = simd.floats(simd.pointer(t.variance), channels);
    for (let ch = 0; ch < channels; ch++) {
      const shifted = totals[ch]! / rows;
      const mu = first[ch]! + shifted;
      const sigma2 = Math.max(0, totals[channels + ch]! / rows - shifted * shifted);
      m[ch] = mu;
      s2[ch] = sigma2;
      // y = 0·x + scale·(x − μ) + β
      c[ch] = 0;
      c[channels + ch] = g[ch]! / Math.sqrt(sigma2 + epsilon);
      c[2 * channels + ch] = mu;
      c[3 * channels + ch] = b[ch]!;
    }
    const at = (i: number) => coefficients! + i * channels * 4;
    k.channelAffine(simd.pointer(t.x), simd.pointer(t.x), simd.pointer(t.y), rows, channels, at(0), at(1), at(2), at(3));
  });
}

function simdBackward(simd: SimdKernels, backend: BackendWasm, t: Record<'dy' | 'x' | 'gamma' | 'variance' | 'dx' | 'dGamma' | 'dBeta', TensorInfo>, channels: number, epsilon: number): void {
  const rows = t.x.shape.reduce((p, d) => p * d, 1) / channels;
  const k = simd.exports;
  withBuffers(simd, [3 * channels * 8, 3 * channels * 4, coefficientBytes(channels)], ([sums, partial, coefficients]) => {
    // Σdy, Σ(x − K), Σdy·(x − K), K the first row of x.
    k.channelSums(simd.pointer(t.dy), simd.pointer(t.x), rows, channels, 1, sums!, partial!);
    const totals = simd.doubles(sums!, 3 * channels);
    const first = simd.floats(simd.pointer(t.x), channels);
    const c = simd.floats(coefficients!, 4 * channels);
    const g = simd.floats(simd.pointer(t.gamma), channels);
    const s2 = simd.floats(simd.pointer(t.variance), channels);
    const dg = simd.floats(simd.pointer(t.dGamma), channels);
    const db = simd.floats(simd.pointer(t.dBeta), channels);
    for (let ch = 0; ch < channels; ch++) {
      const sumDy = totals[ch]!;
      const shifted = totals[channels + ch]! / rows;
      const centre = first[ch]! + shifted;
      const rstd = 1 / Math.sqrt(s2[ch]! + epsilon);
      // S = Σdy·(x − μ)·rstd, with x − μ = (x − K) − (μ − K).
      const S = (totals[2 * channels + ch]! - shifted * sumDy) * rstd;
      dg[ch] = S;
      db[ch] = sumDy;
      // dx = γ·rstd·dy − γ·rstd²·S/N·(x − μ) − γ·rstd·Σdy/N
      c[ch] = g[ch]! * rstd;
      c[channels + ch] = (-g[ch]! * rstd * rstd * S) / rows;
      c[2 * channels + ch] = centre;
      c[3 * channels + ch] = (-g[ch]! * rstd * sumDy) / rows;
    }
    const at = (i: number) => coefficients! + i * channels * 4;
    k.channelAffine(simd.pointer(t.dy), simd.pointer(t.x), simd.pointer(t.dx), rows, channels, at(0), at(1), at(2), at(3));
  });
}

/** y, mean and biased variance of x over all axes but the last. */
export const batchNormTrainingWasm: KernelConfig = {
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo }; attrs: { epsilon: number }; backend: BackendWasm }): TensorInfo[] => {
    const { x, gamma, beta } = inputs;
    const channels = x.shape[x.shape.length - 1]!;
    const y = backend.makeOutput(x.shape, 'float32');
    const mean = backend.makeOutput([channels], 'float32');
    const variance = backend.makeOutput([channels], 'float32');
    const simd = simdKernelsFor(backend);
    if (simd) {
      simdForward(simd, backend, { x, gamma, beta, y, mean, variance }, channels, attrs.epsilon);
      return [y, mean, variance];
    }
    // Views only after the last allocation: a growing wasm heap detaches older views.
    const heap = heapOf(backend);
    const xs = heap(x);
    const rows = xs.length / channels;
    const sum = new Float64Array(channels);
    const squares = new Float64Array(channels);
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) {
        const v = xs[i]!;
        sum[c] = sum[c]! + v;
        squares[c] = squares[c]! + v * v;
      }
    }
    const g = heap(gamma);
    const b = heap(beta);
    const m = heap(mean);
    const s2 = heap(variance);
    const scale = new Float32Array(channels);
    const centre = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      const mu = sum[c]! / rows;
      centre[c] = mu;
      const sigma2 = Math.max(0, squares[c]! / rows - mu * mu);
      m[c] = mu;
      s2[c] = sigma2;
      scale[c] = g[c]! / Math.sqrt(sigma2 + attrs.epsilon);
    }
    const ys = heap(y);
    // Centred first: x − μ loses nothing where the mean is large against the spread.
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) ys[i] = (xs[i]! - centre[c]!) * scale[c]! + b[c]!;
    }
    return [y, mean, variance];
  }) as unknown as KernelFunc,
};

/** dx, dγ, dβ from dy and the forward's x, γ and variance. */
export const batchNormTrainingGradWasm: KernelConfig = {
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; variance: TensorInfo }; attrs: { epsilon: number }; backend: BackendWasm }): TensorInfo[] => {
    const { dy, x, gamma, variance } = inputs;
    const channels = x.shape[x.shape.length - 1]!;
    const dx = backend.makeOutput(x.shape, 'float32');
    const dGamma = backend.makeOutput([channels], 'float32');
    const dBeta = backend.makeOutput([channels], 'float32');
    const simd = simdKernelsFor(backend);
    if (simd) {
      simdBackward(simd, backend, { dy, x, gamma, variance, dx, dGamma, dBeta }, channels, attrs.epsilon);
      return [dx, dGamma, dBeta];
    }
    const heap = heapOf(backend);
    const xs = heap(x);
    const dys = heap(dy);
    const rows = xs.length / channels;
    // The mean again in float64 (the saved one is rounded to float32), with Σdy and Σdy·x in the same pass.
    const sumX = new Float64Array(channels);
    const sumDy = new Float64Array(channels);
    const sumDyX = new Float64Array(channels);
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) {
        const d = dys[i]!;
        const v = xs[i]!;
        sumX[c] = sumX[c]! + v;
        sumDy[c] = sumDy[c]! + d;
        sumDyX[c] = sumDyX[c]! + d * v;
      }
    }
    const centre = sumX.map((v) => v / rows);
    const g = heap(gamma);
    const s2 = heap(variance);
    const dg = heap(dGamma);
    const db = heap(dBeta);
    // dx = a·(dy − Σdy/N − (x − μ)·rstd·S/N) = a·dy + k·(x − μ) + shift, per channel.
    const a = new Float32Array(channels);
    const k = new Float32Array(channels);
    const shift = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const rstd = 1 / Math.sqrt(s2[c]! + attrs.epsilon);
      const S = (sumDyX[c]! - centre[c]! * sumDy[c]!) * rstd;
      dg[c] = S;
      db[c] = sumDy[c]!;
      a[c] = g[c]! * rstd;
      k[c] = (-g[c]! * rstd * rstd * S) / rows;
      shift[c] = (-g[c]! * rstd * sumDy[c]!) / rows;
    }
    const out = heap(dx);
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) out[i] = a[c]! * dys[i]! + k[c]! * (xs[i]! - centre[c]!) + shift[c]!;
    }
    return [dx, dGamma, dBeta];
  }) as unknown as KernelFunc,
};

/** The gradient of the fused op: the statistics outputs feed only the running averages, so only dy counts. */
export const batchNormTrainingGradient: GradConfig = {
  kernelName: FORWARD,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, false, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, gamma, variance] = saved as [Tensor, Tensor, Tensor];
    const dy = Array.isArray(dys) ? dys[0]! : dys;
    const [dx, dGamma, dBeta] = tf.engine().runKernel(BACKWARD, { dy, x, gamma, variance }, attrs) as Tensor[];
    return { x: () => dx!, gamma: () => dGamma!, beta: () => dBeta! };
  },
};
