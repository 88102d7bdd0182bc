import type { GradConfig, Tensor } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';

/**
 * The Relu gradient, on every backend: dy · step(x). TF.js's casts step(x) to float32 first, which
 * for a float32 x is a copy (an Identity kernel: a whole extra pass over the activations on wasm).
 */
export const reluGradient: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    const grad = dy as Tensor;
    return { x: () => tf.mul(grad, x.dtype === 'float32' ? tf.step(x) : tf.cast(tf.step(x), 'float32')) };
  },
};
