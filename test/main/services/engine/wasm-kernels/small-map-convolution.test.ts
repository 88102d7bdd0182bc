import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Padding } from '../../../../../src/shared/layers/params';
import { windowAxis } from '../../../../../src/shared/layers/window';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import { useSimdKernels } from '../../../../../src/main/services/engine/simd-kernels/simd-module';
import { smallMapPlan } from '../../../../../src/main/services/engine/wasm-kernels/small-map-convolution';
import type { Array4D } from '../reference-ops';
import { finiteDifferences, maxRelativeError, randomArray, referenceConv2d, weightedSum } from '../reference-ops';

// Convolutions over maps smaller than the kernel: the project's wasm kernels run them as products
// with the unrolled filter (forward, fused forward and both gradients).
interface SmallCase {
  name: string;
  x: [number, number, number, number];
  kernel: number;
  filters: number;
  strides: number;
  padding: Padding;
  dilation: number;
}

const CASES: SmallCase[] = [
  { name: 'map1x1_kernel3_padding1', x: [3, 1, 1, 5], kernel: 3, filters: 4, strides: 1, padding: 1, dilation: 1 },
  { name: 'map1x1_kernel3_same', x: [2, 1, 1, 3], kernel: 3, filters: 6, strides: 1, padding: 'same', dilation: 1 },
  { name: 'map2x2_kernel3_padding1', x: [2, 2, 2, 4], kernel: 3, filters: 3, strides: 1, padding: 1, dilation: 1 },
  { name: 'map2x2_kernel3_stride2_padding1', x: [3, 2, 2, 3], kernel: 3, filters: 5, strides: 2, padding: 1, dilation: 1 },
  { name: 'map2x3_kernel5_same', x: [2, 2, 3, 2], kernel: 5, filters: 3, strides: 1, padding: 'same', dilation: 1 },
  { name: 'map2x2_kernel3_dilation2_padding2', x: [2, 2, 2, 3], kernel: 3, filters: 2, strides: 1, padding: 2, dilation: 2 },
  { name: 'map3x3_kernel5_valid_padding1', x: [2, 3, 3, 2], kernel: 5, filters: 3, strides: 1, padding: 1, dilation: 1 },
];

function geometry(c: SmallCase) {
  const spec = { kernel: c.kernel, stride: c.strides, dilation: c.dilation, padding: c.padding };
  const rows = windowAxis(c.x[1], spec)!;
  const cols = windowAxis(c.x[2], spec)!;
  return { strides: [c.strides, c.strides] as [number, number], dilations: [c.dilation, c.dilation] as [number, number], pads: [rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter] as [number, number, number, number] };
}

function tfPad(p: Padding): 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]] {
  return typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p;
}

const tensor = (a: Array4D) => tf.tensor4d(Float32Array.from(a.values), a.shape);

function convOf(c: SmallCase, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, tfPad(c.padding), 'NHWC', c.dilation);
}

describe('convolutions over maps smaller than the kernel on wasm (unrolled-filter products)', () => {
  afterAll(() => useSimdKernels(undefined));
  beforeAll(async () => {
    await loadBackend('wasm');
    // The path where the studio's SIMD kernels step aside (TF.js's XNNPACK).
    useSimdKernels('xnnpack');
  });

  it('plans_only_where_the_product_does_less_work', () => {
    const info = (shape: [number, number, number, number], k: number, pad: 'same' | 'valid' | number) => tf.backend_util.computeConv2DInfo(shape, [k, k, shape[3], 8], 1, 1, pad);
    expect(smallMapPlan(info([64, 1, 1, 512], 3, 1))).not.toBeNull();
    expect(smallMapPlan(info([64, 2, 2, 256], 3, 1))).not.toBeNull();
    expect(smallMapPlan(info([64, 4, 4, 128], 3, 1))).toBeNull();
    expect(smallMapPlan(info([64, 5, 5, 16], 5, 'valid'))).toBeNull();
    expect(smallMapPlan(info([64, 8, 8, 64], 1, 'valid'))).toBeNull();
    // The centre tap links the one input position to the one output position of a 1x1 map.
    expect(Array.from(smallMapPlan(info([1, 1, 1, 1], 3, 1))!.links)).toEqual([4]);
  });

  for (const c of CASES) {
    it(`${c.name}_forward_and_gradients_match_the_reference_and_finite_differences`, async () => {
      const g = geometry(c);
      const x = randomArray(c.x, 21);
      const w = randomArray([c.kernel, c.kernel, c.x[3], c.filters], 22);
      const reference = referenceConv2d(x, w, g);
      const r = randomArray(reference.shape, 23);
      const loss = () => weightedSum(referenceConv2d(x, w, g), r);
      const fdX = finiteDifferences(x, loss);
      const fdW = finiteDifferences(w, loss);
      await tf.setBackend('wasm');
      const { y, dx, dw } = tf.tidy(() => {
        const out = convOf(c, tensor(x), tensor(w));
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(convOf(c, a, b), tensor(r))))([tensor(x), tensor(w)]);
        return { y: out.dataSync(), dx: gx!.dataSync(), dw: gw!.dataSync() };
      });
      expect(maxRelativeError(y, reference.values)).toBeLessThan(1e-5);
      expect(maxRelativeError(dx, fdX)).toBeLessThan(1e-5);
      expect(maxRelativeError(dw, fdW)).toBeLessThan(1e-5);
    });
  }

  it('fused_convolution_adds_the_bias_and_applies_the_activation', async () => {
    const c = CASES.find((k) => k.name === 'map2x2_kernel3_padding1')!;
    const x = tensor(randomArray(c.x, 31));
    const w = tensor(randomArray([3, 3, c.x[3], c.filters], 32));
    const bias = tf.tensor1d([0.5, -0.25, 1]);
    const run = () => tf.tidy(() => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: tfPad(1), bias, activation: 'relu' }).dataSync());
    await tf.setBackend('wasm');
    const wasm = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-5);
    expect(Array.from(wasm).some((v) => v === 0)).toBe(true);
    tf.dispose([x, w, bias]);
  });

  it('frees_every_intermediate_tensor', () => {
    const c = CASES[0]!;
    const x = tensor(randomArray(c.x, 1));
    const w = tensor(randomArray([c.kernel, c.kernel, c.x[3], c.filters], 2));
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(convOf(c, a, b)))([x, w]);
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: tfPad(1), bias: tf.ones([c.filters]), activation: 'relu' });
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, w]);
  });
});
