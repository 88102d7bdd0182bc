import type { AvgPoolAttrs, GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';

/**
 * The AvgPool gradient, on every backend. TF.js's forward average skips padded cells (it divides by
 * the number of real cells) but its AvgPoolGrad kernel divides every window by the full window size,
 * so windows that overlap the padding got too small a gradient. Here dy is first scaled by
 * (window size / real cells) per output position, and then given to the same kernel.
 */
export const avgPoolGradient: GradConfig = {
  kernelName: 'AvgPool',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor4D];
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as AvgPoolAttrs;
    return {
      x: () =>
        tf.tidy(() => {
          let grad = dy as Tensor4D;
          const reshaped = grad.rank === 3;
          if (reshaped) grad = tf.expandDims(grad, 0) as Tensor4D;
          const input = (x.rank === 3 ? tf.expandDims(x, 0) : x) as Tensor4D;
          const info = backend_util.computePool2DInfo(input.shape, filterSize, strides, 1, pad, dimRoundingMode);
          const scale = windowScale(info);
          if (scale) grad = tf.mul(grad, scale) as Tensor4D;
          const rounding = dimRoundingMode ? { dimRoundingMode } : {};
          let dx = tf.engine().runKernel('AvgPoolGrad', { dy: grad, input }, { filterSize, strides, pad, ...rounding } as unknown as NamedAttrMap) as Tensor4D;
          if (x.rank === 3) dx = tf.squeeze(dx, [0]) as Tensor4D;
          return dx;
        }),
    };
  },
};

/** `[outHeight, outWidth, 1]` of (window size / real cells), or null when no window touches padding. */
function windowScale(info: backend_util.Conv2DInfo): Tensor | null {
  const axis = (out: number, size: number, stride: number, kernel: number, before: number) =>
    Array.from({ length: out }, (_, i) => Math.min(size, i * stride - before + kernel) - Math.max(0, i * stride - before));
  const rows = axis(info.outHeight, info.inHeight, info.strideHeight, info.filterHeight, info.padInfo.top);
  const cols = axis(info.outWidth, info.inWidth, info.strideWidth, info.filterWidth, info.padInfo.left);
  const full = info.filterHeight * info.filterWidth;
  if (rows.every((r) => r === info.filterHeight) && cols.every((c) => c === info.filterWidth)) return null;
  const values = rows.flatMap((r) => cols.map((c) => full / (r * c)));
  return tf.tensor3d(values, [info.outHeight, info.outWidth, 1]);
}
