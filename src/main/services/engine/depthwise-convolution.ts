import * as tf from '@tensorflow/tfjs';
import type { Padding } from '../../../shared/layers/params';
import { windowAxis } from '../../../shared/layers/window';

/** Zeros added on each side of a depthwise convolution's input, as TF.js computes them for `same`. */
export interface SidePads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface DepthwiseGeometry {
  stride: number;
  dilation: number;
  pads: SidePads;
}

/** The explicit pads of the studio's padding on a `height x width` input (an odd `same` zero goes bottom/right). */
export function depthwisePads(height: number, width: number, kernel: number, stride: number, dilation: number, padding: Padding): SidePads {
  const spec = { kernel, stride, dilation, padding };
  const rows = windowAxis(height, spec);
  const cols = windowAxis(width, spec);
  if (!rows || !cols) throw new Error(`The ${kernel}x${kernel} depthwise kernel does not fit the ${height}x${width} input.`);
  return { top: rows.padBefore, bottom: rows.padAfter, left: cols.padBefore, right: cols.padAfter };
}

type Explicit = [[number, number], [number, number], [number, number], [number, number]];

function explicit(p: SidePads): Explicit {
  return [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
}

/**
 * A depthwise convolution (NHWC input, filter `[kh, kw, C, M]`, output channel c·M + m) whose gradient
 * is built from ops every backend has. TF.js's WebAssembly backend has no DepthwiseConv2dNative
 * gradient kernels, so without this a depthwise layer could not train there:
 * - filter: for each tap (a, b), the input rows a·d, a·d + s, … (a strided slice) times dy, summed
 *   over the batch and the positions;
 * - input: dy with (s − 1) zeros between its rows and columns, padded by the kernel's extent − 1,
 *   correlated with the filter turned by 180° (a depthwise convolution over the C·M channels of dy),
 *   summed over the M filters of each channel, cropped to the input.
 */
export function depthwiseConvolution(x: tf.Tensor4D, filter: tf.Tensor4D, geometry: DepthwiseGeometry): tf.Tensor4D {
  const op = tf.customGrad((input, kernel, save) => {
    const xs = input as tf.Tensor4D;
    const w = kernel as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xs, w]);
    const value = tf.depthwiseConv2d(xs, w, geometry.stride, explicit(geometry.pads), 'NHWC', geometry.dilation);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [depthwiseInputGradient(dy as tf.Tensor4D, sw, sx.shape, geometry), depthwiseFilterGradient(dy as tf.Tensor4D, sx, sw.shape, geometry)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/** ∂L/∂filter of a depthwise convolution, `[kh, kw, C, M]`. */
export function depthwiseFilterGradient(dy: tf.Tensor4D, x: tf.Tensor4D, filterShape: readonly number[], g: DepthwiseGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, channels, multiplier] = filterShape as [number, number, number, number];
    const [batch, outH, outW] = dy.shape;
    const padded = tf.pad(x, explicit(g.pads));
    const positions = batch * outH * outW;
    const dyByChannel = tf.reshape(dy, multiplier === 1 ? [positions, channels] : [positions, channels, multiplier]);
    const taps: tf.Tensor[] = [];
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const top = a * g.dilation;
        const left = b * g.dilation;
        const rows = tf.stridedSlice(padded, [0, top, left, 0], [batch, top + (outH - 1) * g.stride + 1, left + (outW - 1) * g.stride + 1, channels], [1, g.stride, g.stride, 1]);
        const flat = tf.reshape(rows, multiplier === 1 ? [positions, channels] : [positions, channels, 1]);
        taps.push(tf.sum(tf.mul(flat, dyByChannel), 0));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, channels, multiplier]);
  });
}

/** ∂L/∂x of a depthwise convolution, shaped as x. */
export function depthwiseInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: readonly number[], g: DepthwiseGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = xShape as [number, number, number, number];
    const [kh, kw, , multiplier] = filter.shape;
    const [, outH, outW, outChannels] = dy.shape;
    // Zeros between the rows and columns of dy put each value where its window started.
    let spread: tf.Tensor = dy;
    if (g.stride > 1) {
      const s = g.stride;
      const holes = tf.pad(tf.reshape(dy, [batch, outH, 1, outW, 1, outChannels]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
      spread = tf.slice(tf.reshape(holes, [batch, outH * s, outW * s, outChannels]), [0, 0, 0, 0], [batch, (outH - 1) * s + 1, (outW - 1) * s + 1, outChannels]);
    }
    const spreadH = spread.shape[1]!;
    const spreadW = spread.shape[2]!;
    const extentH = g.dilation * (kh - 1) + 1;
    const extentW = g.dilation * (kw - 1) + 1;
    // Pads that make the full correlation land exactly on the input (negative: rows cropped afterwards).
    const before = [extentH - 1 - g.pads.top, extentW - 1 - g.pads.left];
    const after = [height + g.pads.top - spreadH, width + g.pads.left - spreadW];
    const padded = tf.pad(spread, [[0, 0], [Math.max(0, before[0]!), Math.max(0, after[0]!)], [Math.max(0, before[1]!), Math.max(0, after[1]!)], [0, 0]]);
    const turned = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, outChannels, 1]) as tf.Tensor4D;
    let full: tf.Tensor = tf.depthwiseConv2d(padded as tf.Tensor4D, turned, 1, 'valid', 'NHWC', g.dilation);
    if (multiplier > 1) full = tf.sum(tf.reshape(full, [batch, full.shape[1]!, full.shape[2]!, channels, multiplier]), 4);
    return tf.slice(full as tf.Tensor4D, [0, Math.max(0, -before[0]!), Math.max(0, -before[1]!), 0], [batch, height, width, channels]);
  });
}
