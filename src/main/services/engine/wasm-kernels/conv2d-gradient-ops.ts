import type { TensorInfo, Tensor, Tensor4D } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { ConvGradientOps } from './conv2d-gradient-math';
import type { WasmKernelCalls } from './kernel-calls';

/** The gradient formulation on kernels of the wasm backend (used inside project-made kernels). */
export function wasmConvGradientOps(calls: WasmKernelCalls): ConvGradientOps<TensorInfo> {
  return {
    shape: (x) => x.shape,
    reshape: (x, shape) => calls.reshape(x, shape),
    transpose: (x, perm) => calls.transpose(x, perm),
    slice: (x, begin, size) => calls.slice(x, begin, size),
    pad: (x, paddings) => calls.pad(x, paddings),
    reverse: (x, axes) => calls.run('Reverse', { x }, { dims: axes }),
    conv2d: (x, filter, strides, dilations, [top, bottom, left, right]) =>
      calls.run('Conv2D', { x, filter }, { strides, dilations, pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dimRoundingMode: undefined }),
  };
}

/** The same formulation on public tf ops, for any backend (intermediates are left to `tf.tidy`). */
export const tfConvGradientOps: ConvGradientOps<Tensor> = {
  shape: (x) => x.shape,
  reshape: (x, shape) => tf.reshape(x, shape),
  transpose: (x, perm) => tf.transpose(x, perm),
  slice: (x, begin, size) => tf.slice(x, begin, size),
  pad: (x, paddings) => tf.pad(x, paddings),
  reverse: (x, axes) => tf.reverse(x, axes),
  conv2d: (x, filter, strides, dilations, [top, bottom, left, right]) =>
    tf.conv2d(x as Tensor4D, filter as Tensor4D, strides, [[0, 0], [top, bottom], [left, right], [0, 0]], 'NHWC', dilations),
};
