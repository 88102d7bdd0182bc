import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';

/**
 * Batch normalisation in training mode as ONE op with ONE gradient. Composed of TF.js ops (moments,
 * then batchNorm) it is about fifteen passes over the activations forward and backward, several of
 * them slow on wasm (Tile in TF.js's batchNorm gradient, Mean, the broadcasting gradients of the
 * moments); here it is two passes each way, straight on the wasm heap:
 * - forward: per channel Σx and Σx² (float64), then y = (x−μ)·γ/√(σ²+ε) + β;
 * - backward, from the closed form through the batch statistics: with x̂ = (x−μ)/√(σ²+ε), S = Σdy·x̂,
 *   dx = γ/√(σ²+ε) · (dy − Σdy/N − x̂·S/N), dγ = S, dβ = Σdy (sums per channel, in float64).
 * Statistics run over every axis but the last (N = the other axes' size); the variance is the biased
 * one, as batchNorm normalises with. Other backends run the composed ops.
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
