import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../simd-kernels/simd-module';

const KERNEL = 'StudioTanhGrad';

/** dx = dy·(1 − y²) on wasm in one pass (TF.js's gradient runs three element-wise ops). */
export const tanhGradWasm: KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }: { inputs: { dy: TensorInfo; y: TensorInfo }; backend: BackendWasm }): TensorInfo => {
    const { dy, y } = inputs;
    const out = backend.makeOutput(y.shape, 'float32');
    const count = y.shape.reduce((p, d) => p * d, 1);
    const simd = simdKernelsFor(backend);
    if (simd) {
      simd.exports.tanhGradient(simd.pointer(dy), simd.pointer(y), simd.pointer(out), count);
      return out;
    }
    // Views only after the last allocation: a growing wasm heap detaches older views.
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const v = backend.typedArrayFromHeap(y) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    for (let i = 0; i < count; i++) dx[i] = g[i]! * (1 - v[i]! * v[i]!);
    return out;
  }) as unknown as KernelFunc,
};

/** The Tanh gradient, on every backend: one kernel on wasm, TF.js's formula dy·(1 − y²) elsewhere. */
export const tanhGradient: GradConfig = {
  kernelName: 'Tanh',
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [y] = saved as [Tensor];
    const grad = dy as Tensor;
    return {
      x: () => (tf.getBackend() === 'wasm' && y.dtype === 'float32' ? (tf.engine().runKernel(KERNEL, { dy: grad, y }) as Tensor) : tf.mul(grad, tf.sub(1, tf.square(tf.cast(y, 'float32'))))),
    };
  },
};
