import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../../src/main/services/engine/backends';
import { depthwiseConvolution, depthwisePads } from '../../../../src/main/services/engine/depthwise-convolution';
import type { Padding } from '../../../../src/shared/layers/params';
import type { Array4D } from './reference-ops';
import { finiteDifferences, maxRelativeError, randomArray, weightedSum } from './reference-ops';

interface DepthwiseCase {
  name: string;
  x: [number, number, number, number];
  kernel: number;
  multiplier: number;
  strides: number;
  padding: Padding;
  dilation: number;
}

const CASES: DepthwiseCase[] = [
  { name: 'valid_stride1', x: [2, 7, 6, 3], kernel: 3, multiplier: 1, strides: 1, padding: 'valid', dilation: 1 },
  { name: 'mobilenet_padding1_stride2_even', x: [2, 8, 8, 4], kernel: 3, multiplier: 1, strides: 2, padding: 1, dilation: 1 },
  { name: 'same_stride2_odd_size_multiplier2', x: [2, 7, 9, 3], kernel: 3, multiplier: 2, strides: 2, padding: 'same', dilation: 1 },
  { name: 'numeric_padding2_wider_than_kernel', x: [1, 5, 6, 2], kernel: 1, multiplier: 3, strides: 1, padding: 2, dilation: 1 },
  { name: 'dilation2_same', x: [2, 9, 8, 2], kernel: 3, multiplier: 1, strides: 1, padding: 'same', dilation: 2 },
  { name: 'kernel5_stride3_padding2', x: [2, 9, 7, 2], kernel: 5, multiplier: 2, strides: 3, padding: 2, dilation: 1 },
];

const at = (shape: number[], a: number, b: number, c: number, d: number) => ((a * shape[1]! + b) * shape[2]! + c) * shape[3]! + d;

/** y[n, i, j, c·M + m] = Σ x[n, i·s + a·d − top, j·s + b·d − left, c]·w[a, b, c, m], written from the definition. */
function referenceDepthwise(x: Array4D, w: Array4D, c: DepthwiseCase): Array4D {
  const [n, h, wd, ch] = x.shape;
  const [k, , , m] = w.shape;
  const pads = depthwisePads(h, wd, c.kernel, c.strides, c.dilation, c.padding);
  const extent = c.dilation * (k - 1) + 1;
  const oh = Math.floor((h + pads.top + pads.bottom - extent) / c.strides) + 1;
  const ow = Math.floor((wd + pads.left + pads.right - extent) / c.strides) + 1;
  const shape: [number, number, number, number] = [n, oh, ow, ch * m];
  const y = new Float64Array(n * oh * ow * ch * m);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let q = 0; q < ch; q++)
          for (let f = 0; f < m; f++) {
            let sum = 0;
            for (let r = 0; r < k; r++)
              for (let s = 0; s < k; s++) {
                const row = i * c.strides + r * c.dilation - pads.top;
                const col = j * c.strides + s * c.dilation - pads.left;
                if (row < 0 || row >= h || col < 0 || col >= wd) continue;
                sum += x.values[at(x.shape, b, row, col, q)]! * w.values[at(w.shape, r, s, q, f)]!;
              }
            y[at(shape, b, i, j, q * m + f)] = sum;
          }
  return { shape, values: y };
}

const tensor = (a: Array4D) => tf.tensor4d(Float32Array.from(a.values), a.shape);

function gradients(c: DepthwiseCase, x: Array4D, w: Array4D, r: Array4D): { y: Float32Array; dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const pads = depthwisePads(c.x[1], c.x[2], c.kernel, c.strides, c.dilation, c.padding);
    const geometry = { stride: c.strides, dilation: c.dilation, pads };
    const y = depthwiseConvolution(tensor(x), tensor(w), geometry).dataSync() as Float32Array;
    const f = (xt: tf.Tensor, wt: tf.Tensor) => tf.sum(tf.mul(depthwiseConvolution(xt as tf.Tensor4D, wt as tf.Tensor4D, geometry), tensor(r)));
    const [dx, dw] = tf.grads(f)([tensor(x), tensor(w)]);
    return { y, dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

describe('depthwise convolution with its own gradient (WebAssembly has no depthwise gradient kernels)', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });

  for (const c of CASES) {
    it(`${c.name}_matches_the_definition_and_finite_differences`, () => {
      const x = randomArray(c.x, 11);
      const w = randomArray([c.kernel, c.kernel, c.x[3], c.multiplier], 12);
      const y = referenceDepthwise(x, w, c);
      const r = randomArray(y.shape, 13);
      const loss = () => weightedSum(referenceDepthwise(x, w, c), r);
      const result = gradients(c, x, w, r);
      expect(maxRelativeError(result.y, y.values)).toBeLessThan(1e-5);
      expect(maxRelativeError(result.dx, finiteDifferences(x, loss))).toBeLessThan(1e-5);
      expect(maxRelativeError(result.dw, finiteDifferences(w, loss))).toBeLessThan(1e-5);
    });
  }

  it('frees_every_intermediate_tensor', () => {
    const c = CASES[2]!;
    const x = tensor(randomArray(c.x, 1));
    const w = tensor(randomArray([c.kernel, c.kernel, c.x[3], c.multiplier], 2));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      tf.tidy(() => {
        const pads = depthwisePads(c.x[1], c.x[2], c.kernel, c.strides, c.dilation, c.padding);
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(depthwiseConvolution(a as tf.Tensor4D, b as tf.Tensor4D, { stride: c.strides, dilation: c.dilation, pads })))([x, w]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
