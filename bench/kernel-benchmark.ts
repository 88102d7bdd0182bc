import * as tf from '@tensorflow/tfjs';
import ort from 'onnxruntime-node';
import { loadBackend } from '../src/main/services/engine';
import { encodeModelProto } from '../src/main/services/export/onnx/onnx-proto';
import { ATTRIBUTE_TYPES, TENSOR_TYPES } from '../src/shared/onnx/model-proto';
import type { ModelProtoData } from '../src/shared/onnx/model-proto';
import { median } from './train-benchmark';

/**
 * `npm run bench -- --kernels`: the convolutions of the benchmark nets one by one, batch 64, on the
 * wasm backend (1 thread: forward, input gradient, filter gradient, each on fresh tensors as in
 * training, where XNNPACK cannot reuse a packed filter) and, for scale, ONNX Runtime's native CPU
 * kernels (1 thread: Conv for the forward, ConvTranspose for the input gradient, on NCHW tensors, the
 * layout changes not counted). It answers "how far is XNNPACK-on-wasm from a native convolution on
 * this CPU", the ceiling of every kernel-level lever inside the wasm backend.
 */

export interface ConvShape {
  /** Where it occurs: "resnet18 layer1 3x3". */
  where: string;
  /** Input [n, h, w, c], kernel size, filters, stride, padding (zeros per side). */
  x: [number, number, number, number];
  kernel: number;
  filters: number;
  stride: number;
  pad: number;
}

export interface KernelTiming extends ConvShape {
  wasm: { forwardMs: number; inputGradMs: number; filterGradMs: number };
  ort: { forwardMs: number; inputGradMs: number } | null;
}

export const BENCH_CONVOLUTIONS: readonly ConvShape[] = [
  { where: 'lenet5 c1 5x5', x: [64, 28, 28, 1], kernel: 5, filters: 6, stride: 1, pad: 2 },
  { where: 'lenet5 c3 5x5', x: [64, 14, 14, 6], kernel: 5, filters: 16, stride: 1, pad: 0 },
  { where: 'vgg-small conv1_2 3x3', x: [64, 32, 32, 32], kernel: 3, filters: 32, stride: 1, pad: 1 },
  { where: 'vgg-small conv2_2 3x3', x: [64, 16, 16, 64], kernel: 3, filters: 64, stride: 1, pad: 1 },
  { where: 'resnet18 stem 7x7/2', x: [64, 32, 32, 3], kernel: 7, filters: 64, stride: 2, pad: 3 },
  { where: 'resnet18 layer1 3x3', x: [64, 8, 8, 64], kernel: 3, filters: 64, stride: 1, pad: 1 },
  { where: 'resnet18 layer2 3x3', x: [64, 4, 4, 128], kernel: 3, filters: 128, stride: 1, pad: 1 },
  { where: 'resnet18 layer3 3x3 (2x2 map)', x: [64, 2, 2, 256], kernel: 3, filters: 256, stride: 1, pad: 1 },
  { where: 'resnet18 layer4 3x3 (1x1 map)', x: [64, 1, 1, 512], kernel: 3, filters: 512, stride: 1, pad: 1 },
];

const REPEATS = 7;

function outSize(size: number, c: ConvShape): number {
  return Math.floor((size + 2 * c.pad - c.kernel) / c.stride) + 1;
}

/** Median time of `run` over fresh copies of its operands (made outside the timing). */
function timeFresh(make: () => tf.Tensor[], run: (operands: tf.Tensor[]) => tf.Tensor): number {
  const times: number[] = [];
  for (let i = 0; i < REPEATS + 2; i++) {
    const operands = make();
    const start = performance.now();
    const out = run(operands);
    out.dataSync();
    const ms = performance.now() - start;
    if (i >= 2) times.push(ms);
    tf.dispose([out, ...operands]);
  }
  return median(times);
}

function wasmTimings(c: ConvShape): KernelTiming['wasm'] {
  const [n, h, w, ci] = c.x;
  const oh = outSize(h, c);
  const ow = outSize(w, c);
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const filter = tf.randomNormal([c.kernel, c.kernel, ci, c.filters], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([n, oh, ow, c.filters], 0, 1, 'float32', 3) as tf.Tensor4D;
  const fresh = (t: tf.Tensor) => () => [tf.clone(t), tf.clone(x), tf.clone(dy)];
  const forwardMs = timeFresh(fresh(filter), ([f, xs]) => tf.conv2d(xs as tf.Tensor4D, f as tf.Tensor4D, c.stride, pad));
  const inputGradMs = timeFresh(fresh(filter), ([f, , d]) => tf.conv2dTranspose(d as tf.Tensor4D, f as tf.Tensor4D, c.x, c.stride, pad as never));
  const filterGradMs = timeFresh(fresh(filter), ([, xs, d]) => tf.engine().runKernel('Conv2DBackpropFilter', { x: xs!, dy: d! }, { strides: c.stride, pad, dataFormat: 'NHWC', filterShape: filter.shape } as never) as tf.Tensor);
  tf.dispose([x, filter, dy]);
  return { forwardMs, inputGradMs, filterGradMs };
}

/** A one-node ONNX model: `op` on X (NCHW) and W, the convolution's attributes. */
function convModel(op: 'Conv' | 'ConvTranspose', c: ConvShape): Uint8Array {
  const [n, h, w, ci] = c.x;
  const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ dimValue: d })) });
  const input = op === 'Conv' ? [n, ci, h, w] : [n, c.filters, outSize(h, c), outSize(w, c)];
  // Conv's W is [filters, in, k, k]; ConvTranspose's is [its in (the filters), its out (in), k, k]: the same.
  const weight = [c.filters, ci, c.kernel, c.kernel];
  const attrs = [
    { name: 'kernel_shape', type: ATTRIBUTE_TYPES.ints, ints: [c.kernel, c.kernel] },
    { name: 'strides', type: ATTRIBUTE_TYPES.ints, ints: [c.stride, c.stride] },
    { name: 'pads', type: ATTRIBUTE_TYPES.ints, ints: [c.pad, c.pad, c.pad, c.pad] },
    ...(op === 'ConvTranspose' ? [{ name: 'output_shape', type: ATTRIBUTE_TYPES.ints, ints: [h, w] }] : []),
  ];
  const model: ModelProtoData = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'cnn-studio-bench',
    graph: {
      name: 'conv',
      node: [{ opType: op, input: ['X', 'W'], output: ['Y'], attribute: attrs }],
      input: [
        { name: 'X', type: { tensorType: { elemType: TENSOR_TYPES.float, shape: dims(input) } } },
        { name: 'W', type: { tensorType: { elemType: TENSOR_TYPES.float, shape: dims(weight) } } },
      ],
      output: [{ name: 'Y', type: { tensorType: { elemType: TENSOR_TYPES.float } } }],
    },
  };
  return encodeModelProto(model);
}

async function ortTime(op: 'Conv' | 'ConvTranspose', c: ConvShape): Promise<number> {
  const session = await ort.InferenceSession.create(convModel(op, c), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const [n, h, w, ci] = c.x;
  const shape = op === 'Conv' ? [n, ci, h, w] : [n, c.filters, outSize(h, c), outSize(w, c)];
  const weight = [c.filters, ci, c.kernel, c.kernel];
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const feeds = {
    X: new ort.Tensor('float32', Float32Array.from({ length: size(shape) }, (_, i) => Math.sin(i)), shape),
    W: new ort.Tensor('float32', Float32Array.from({ length: size(weight) }, (_, i) => Math.cos(i) * 0.1), weight),
  };
  const times: number[] = [];
  for (let i = 0; i < REPEATS + 2; i++) {
    const start = performance.now();
    await session.run(feeds);
    if (i >= 2) times.push(performance.now() - start);
  }
  await session.release();
  return median(times);
}

/** Times every benchmark convolution; ONNX Runtime's figures are null where it cannot be loaded. */
export async function runKernelBenchmark(log: (line: string) => void): Promise<{ ortVersion: string | null; timings: KernelTiming[] }> {
  await loadBackend('wasm');
  const timings: KernelTiming[] = [];
  let ortWorks = true;
  for (const c of BENCH_CONVOLUTIONS) {
    log(`kernels: ${c.where}`);
    const wasm = wasmTimings(c);
    let ortTimings: KernelTiming['ort'] = null;
    if (ortWorks) {
      try {
        ortTimings = { forwardMs: await ortTime('Conv', c), inputGradMs: await ortTime('ConvTranspose', c) };
      } catch (error) {
        ortWorks = false;
        log(`  ONNX Runtime did not run (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); wasm only`);
      }
    }
    timings.push({ ...c, wasm, ort: ortTimings });
  }
  return { ortVersion: ortWorks ? (ort.env.versions?.common ?? null) : null, timings };
}

/** The kernel timings as a table. */
export function formatKernelReport(result: { ortVersion: string | null; timings: KernelTiming[] }): string {
  const rows = [['convolution (batch 64)', 'wasm fwd', 'wasm dx', 'wasm dW', 'ORT fwd', 'ORT dx', 'fwd ratio']];
  for (const t of result.timings) {
    rows.push([
      `${t.where} ${t.x.slice(1).join('x')}→${t.filters}`,
      t.wasm.forwardMs.toFixed(2),
      t.wasm.inputGradMs.toFixed(2),
      t.wasm.filterGradMs.toFixed(2),
      t.ort ? t.ort.forwardMs.toFixed(2) : '–',
      t.ort ? t.ort.inputGradMs.toFixed(2) : '–',
      t.ort ? `${(t.wasm.forwardMs / t.ort.forwardMs).toFixed(1)}x` : '–',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  '));
  return [`Convolution kernels, milliseconds (median of ${REPEATS}, one thread; ONNX Runtime ${result.ortVersion ?? 'not available'})`, ...lines].join('\n');
}
