import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorMap, Tensor, TensorInfo, Variable } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../simd-kernels/simd-module';

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/**
 * Adam whose update is one pass per variable on wasm. TF.js's AdamOptimizer runs fourteen element-wise
 * ops per variable and step (each a pass over the weights, and each allocating a new tensor of their
 * size): on ResNet-18's 11 M weights that is a large share of a step. Here one kernel reads the weights,
 * the gradient and both moments once and writes the three new tensors. The state (moments named
 * `<variable>/m` and `/v`, β₁ᵗ and β₂ᵗ, the iteration count) is TF.js's own, so `getWeights`,
 * `setWeights`, the class name ("Adam") and saved checkpoints are unchanged. Other backends run TF.js's
 * update.
 */

const KERNEL = 'StudioAdamUpdate';

interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** w, m, v → w′, m′, v′ for one variable (one SIMD pass where the studio's kernels run); `oneMinusAccBeta1/2` are the bias corrections 1 − βᵗ (scalars). */
export const adamUpdateWasm: KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: { inputs: Record<'value' | 'm' | 'v' | 'gradient' | 'oneMinusAccBeta1' | 'oneMinusAccBeta2', TensorInfo>; attrs: AdamUpdateAttrs; backend: BackendWasm }): TensorInfo[] => {
    const { value, m, v, gradient } = inputs;
    const newValue = backend.makeOutput(value.shape, 'float32');
    const newM = backend.makeOutput(value.shape, 'float32');
    const newV = backend.makeOutput(value.shape, 'float32');
    const { beta1, beta2, epsilon, learningRate } = attrs;
    const scalar = (t: TensorInfo) => (backend.typedArrayFromHeap(t) as Float32Array)[0]!;
    // w′ = w − lr·(m′/(1−β₁ᵗ)) / (√(v′/(1−β₂ᵗ)) + ε), with the two bias corrections folded into factors.
    const step = learningRate / scalar(inputs.oneMinusAccBeta1);
    const unbias = 1 / scalar(inputs.oneMinusAccBeta2);
    const simd = simdKernelsFor(backend);
    if (simd) {
      const at = (t: TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
      simd.exports.adam(at(value), at(m), at(v), at(gradient), at(newValue), at(newM), at(newV), sizeOf(value.shape), beta1, beta2, epsilon, step, unbias);
      return [newValue, newM, newV];
    }
    // Views only after the last allocation: a growing wasm heap detaches older views.
    const heap = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const w = heap(value);
    const m0 = heap(m);
    const v0 = heap(v);
    const g = heap(gradient);
    const w1 = heap(newValue);
    const m1 = heap(newM);
    const v1 = heap(newV);
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    for (let i = 0; i < w.length; i++) {
      const grad = g[i]!;
      const first = beta1 * m0[i]! + keep1 * grad;
      const second = beta2 * v0[i]! + keep2 * grad * grad;
      m1[i] = first;
      v1[i] = second;
      w1[i] = w[i]! - (step * first) / (Math.sqrt(second * unbias) + epsilon);
    }
    return [newValue, newM, newV];
  }) as unknown as KernelFunc,
};

/** TF.js's private state of AdamOptimizer, which this subclass keeps as TF.js does. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: Variable } | undefined)[];
}

/** Adam with TF.js's state and semantics and a one-pass update on wasm (see the module comment). */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    if (tf.getBackend() !== 'wasm') {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, state.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, state.accBeta2);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        // Moments are made on first use and kept by position, as TF.js's optimizer does.
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : (variableGradients as NamedTensorMap)[name];
        if (!gradient) return;
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        const attrs: AdamUpdateAttrs = { beta1: state.beta1, beta2: state.beta2, epsilon: state.epsilon, learningRate: state.learningRate };
        const [newValue, newM, newV] = tf.engine().runKernel(KERNEL, { value, m, v, gradient, oneMinusAccBeta1, oneMinusAccBeta2 }, attrs as unknown as NamedAttrMap) as Tensor[];
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    this.incrementIterations();
  }
}

/** `tf.train.adam` with the one-pass update on wasm: a drop-in replacement (same arguments, same state). */
export function createAdamOptimizer(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
