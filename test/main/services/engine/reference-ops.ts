/**
 * Float64 reference implementations written from the definitions, for finite-difference checks of
 * the project-made kernels: slow loops, no TF.js. Layouts as TF.js: NHWC inputs, HWIO filters.
 */

export interface Array4D {
  shape: [number, number, number, number];
  values: Float64Array;
}

export interface WindowGeometry {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, bottom, left, right] */
  pads: [number, number, number, number];
}

const at = (shape: number[], a: number, b: number, c: number, d: number) => ((a * shape[1]! + b) * shape[2]! + c) * shape[3]! + d;

function outSize(size: number, kernel: number, stride: number, dilation: number, before: number, after: number): number {
  return Math.floor((size + before + after - (dilation * (kernel - 1) + 1)) / stride) + 1;
}

/** y = conv2d(x, w) with zero padding. */
export function referenceConv2d(x: Array4D, w: Array4D, g: Omit<WindowGeometry, 'kernel'>): Array4D {
  const [n, h, wd, ci] = x.shape;
  const [kh, kw, , co] = w.shape;
  const oh = outSize(h, kh, g.strides[0], g.dilations[0], g.pads[0], g.pads[1]);
  const ow = outSize(wd, kw, g.strides[1], g.dilations[1], g.pads[2], g.pads[3]);
  const shape: [number, number, number, number] = [n, oh, ow, co];
  const y = new Float64Array(n * oh * ow * co);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let r = 0; r < kh; r++) {
            const row = i * g.strides[0] + r * g.dilations[0] - g.pads[0];
            if (row < 0 || row >= h) continue;
            for (let c = 0; c < kw; c++) {
              const col = j * g.strides[1] + c * g.dilations[1] - g.pads[2];
              if (col < 0 || col >= wd) continue;
              for (let k = 0; k < ci; k++) sum += x.values[at(x.shape, b, row, col, k)]! * w.values[at(w.shape, r, c, k, o)]!;
            }
          }
          y[at(shape, b, i, j, o)] = sum;
        }
  return { shape, values: y };
}

/** Max or average pooling; padded cells are never part of a window's max or average. */
export function referencePool(x: Array4D, mode: 'max' | 'avg', g: Omit<WindowGeometry, 'dilations'>): Array4D {
  const [n, h, wd, ch] = x.shape;
  const oh = outSize(h, g.kernel[0], g.strides[0], 1, g.pads[0], g.pads[1]);
  const ow = outSize(wd, g.kernel[1], g.strides[1], 1, g.pads[2], g.pads[3]);
  const shape: [number, number, number, number] = [n, oh, ow, ch];
  const y = new Float64Array(n * oh * ow * ch);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < ch; k++) {
          let acc = mode === 'max' ? -Infinity : 0;
          let count = 0;
          for (let r = 0; r < g.kernel[0]; r++)
            for (let c = 0; c < g.kernel[1]; c++) {
              const row = i * g.strides[0] + r - g.pads[0];
              const col = j * g.strides[1] + c - g.pads[2];
              if (row < 0 || row >= h || col < 0 || col >= wd) continue;
              const v = x.values[at(x.shape, b, row, col, k)]!;
              acc = mode === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          y[at(shape, b, i, j, k)] = mode === 'max' ? acc : acc / count;
        }
  return { shape, values: y };
}

/** Central finite differences of the scalar `loss` with respect to every entry of `x` (changed in place, restored). */
export function finiteDifferences(x: Array4D, loss: () => number, epsilon = 1e-6): Float64Array {
  const grad = new Float64Array(x.values.length);
  for (let i = 0; i < x.values.length; i++) {
    const keep = x.values[i]!;
    x.values[i] = keep + epsilon;
    const up = loss();
    x.values[i] = keep - epsilon;
    const down = loss();
    x.values[i] = keep;
    grad[i] = (up - down) / (2 * epsilon);
  }
  return grad;
}

/** Deterministic pseudo-random values in [-1, 1) (a linear congruential generator), as float32-exact numbers. */
export function randomArray(shape: [number, number, number, number], seed: number): Array4D {
  let state = seed >>> 0 || 1;
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = Math.fround(state / 2 ** 31 - 1);
  }
  return { shape, values };
}

/** Σ y·r: a loss whose gradient with respect to y is r. */
export function weightedSum(y: Array4D, r: Array4D): number {
  let s = 0;
  for (let i = 0; i < y.values.length; i++) s += y.values[i]! * r.values[i]!;
  return s;
}

/** The largest absolute difference, relative to the largest magnitude of `expected` (at least 1). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}
