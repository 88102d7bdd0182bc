/**
 * Both gradients of a 2-D convolution (NHWC, HWIO filters) written as FORWARD convolutions, so that a
 * backend whose forward convolution is fast (XNNPACK on WebAssembly) computes them fast too. The
 * formulation is written once against `ConvGradientOps` and run either on kernels inside the wasm
 * backend or on public tf ops (any backend).
 *
 * Forward: y[n,oh,ow,co] = Σ x̂[n, oh·s + kh·d, ow·s + kw·d, ci] · w[kh,kw,ci,co], with x̂ the input
 * zero-padded by (top, left) before and (bottom, right) after.
 */

/** The few tensor operations the formulation needs; T is a tensor handle of the implementation. */
export interface ConvGradientOps<T> {
  shape(x: T): number[];
  reshape(x: T, shape: number[]): T;
  transpose(x: T, perm: number[]): T;
  slice(x: T, begin: number[], size: number[]): T;
  /** Zero padding, [before, after] per axis, every amount >= 0. */
  pad(x: T, paddings: [number, number][]): T;
  /** Reverses the given axes. */
  reverse(x: T, axes: number[]): T;
  /** Forward convolution, NHWC × HWIO, with explicit non-negative padding [top, bottom, left, right]. */
  conv2d(x: T, filter: T, strides: [number, number], dilations: [number, number], pads: [number, number, number, number]): T;
}

/** Strides, dilations and the forward's padding, per spatial axis (rows, then columns). */
export interface ConvGeometry {
  strides: [number, number];
  dilations: [number, number];
  /** Zeros added before and after, rows then columns: [top, bottom, left, right]. */
  pads: [number, number, number, number];
}

/**
 * The gradient with respect to the input: dy is spread back onto the input grid (stride − 1 zeros
 * between its rows and columns) and correlated with the filter flipped in both spatial axes, in and
 * out channels swapped, with the forward's dilation.
 */
export function convInputGradient<T>(ops: ConvGradientOps<T>, dy: T, filter: T, inputShape: number[], g: ConvGeometry): T {
  const [n, oh, ow, co] = ops.shape(dy) as [number, number, number, number];
  const [kh, kw] = ops.shape(filter) as [number, number, number, number];
  const [, h, w, ci] = inputShape as [number, number, number, number];
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const [top, , left] = g.pads;
  // Spread dy: [n, oh, ow, co] -> [n, oh, 1, ow, 1, co] -> pad (s - 1) zeros after each row/column.
  let spread = dy;
  let spreadRows = oh;
  let spreadCols = ow;
  if (sh > 1 || sw > 1) {
    const sixD = ops.reshape(dy, [n, oh, 1, ow, 1, co]);
    const padded = ops.pad(sixD, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    spread = ops.reshape(padded, [n, oh * sh, ow * sw, co]);
    spreadRows = oh * sh;
    spreadCols = ow * sw;
  }
  // A full correlation: (k − 1)·d − pad zeros before; after, what makes the output the input's size.
  const before = [(kh - 1) * dh - top, (kw - 1) * dw - left];
  const after = [h + (kh - 1) * dh - before[0]! - spreadRows, w + (kw - 1) * dw - before[1]! - spreadCols];
  // Negative amounts (padding wider than the kernel's reach) are crops.
  const cropTop = Math.max(0, -before[0]!);
  const cropLeft = Math.max(0, -before[1]!);
  const cropBottom = Math.max(0, -after[0]!);
  const cropRight = Math.max(0, -after[1]!);
  if (cropTop || cropLeft || cropBottom || cropRight) {
    spread = ops.slice(spread, [0, cropTop, cropLeft, 0], [n, spreadRows - cropTop - cropBottom, spreadCols - cropLeft - cropRight, co]);
  }
  const flipped = ops.transpose(ops.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  const pads: [number, number, number, number] = [Math.max(0, before[0]!), Math.max(0, after[0]!), Math.max(0, before[1]!), Math.max(0, after[1]!)];
  const dx = ops.conv2d(spread, flipped, [1, 1], [dh, dw], pads);
  const dxShape = ops.shape(dx);
  if (dxShape[1] !== h || dxShape[2] !== w || dxShape[3] !== ci) throw new Error(`input gradient has shape ${dxShape}, expected ${inputShape}`);
  return dx;
}

/**
 * The gradient with respect to the filter: the input with its channels as the batch and its batch as
 * the channels, convolved with dy (as [oh, ow, n, co]) as the filter; the forward's stride becomes
 * the dilation and its dilation the stride. Rows and columns the forward never reached are cut off.
 */
export function convFilterGradient<T>(ops: ConvGradientOps<T>, x: T, dy: T, filterShape: number[], g: ConvGeometry): T {
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  const xT = ops.transpose(x, [3, 1, 2, 0]); // [ci, h, w, n]
  const dyT = ops.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]
  const out = ops.conv2d(xT, dyT, [g.dilations[0], g.dilations[1]], [g.strides[0], g.strides[1]], g.pads); // [ci, ≥kh, ≥kw, co]
  const [, rows, cols] = ops.shape(out) as [number, number, number, number];
  const cut = rows === kh && cols === kw ? out : ops.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
  return ops.transpose(cut, [1, 2, 0, 3]);
}
