import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { CompiledModel } from '../../../../../src/main/services/engine';
import { compileModel, loadBackend, writeWeights } from '../../../../../src/main/services/engine';
import type { ModelGraph } from '../../../../../src/shared/graph/model-graph';
import type { InputLayout } from '../../../../../src/shared/onnx/opsets';
import type { FlatGraph } from '../../../../../src/shared/shapes/analyze';
import { analyzeGraph } from '../../../../../src/shared/shapes/analyze';
import type { WeightRole, WeightSet } from '../../../../../src/shared/weights';

/** The backend the tests compare against: WebAssembly, one thread (what runs everywhere). */
export async function useWasm(): Promise<void> {
  await loadBackend('wasm');
}

/** The expanded graph; fails the test with the analyser's messages when the graph has errors. */
export function flatOf(graph: ModelGraph): FlatGraph {
  const analysis = analyzeGraph(graph);
  if (!analysis.flat) throw new Error(analysis.issues.map((i) => i.message).join(' '));
  return analysis.flat;
}

/**
 * A compiled model's weights. Reads each variable without tf.tidy: a tidy that returns a typed array
 * walks all of its elements looking for tensors (minutes for VGG's 4096x4096 kernel).
 */
export function modelWeights(compiled: CompiledModel): WeightSet {
  const out: WeightSet = {};
  for (const node of compiled.nodes.values()) {
    for (const [role, variable] of Object.entries(node.weights)) {
      (out[node.id] ??= {})[role as WeightRole] = { shape: [...variable!.shape] as number[], values: Float32Array.from(variable!.read().dataSync() as Float32Array) };
    }
  }
  return out;
}

/** A fast deterministic generator of numbers in [-1, 1) (xorshift32), one stream per seed. */
function noiseStream(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2147483648 - 1;
  };
}

/**
 * Weights as far from the initialisation as training leaves them: every value moved by up to `scale`
 * of its tensor's spread, BatchNorm statistics made non-trivial (means off zero, variances in [0.5, 1.5]).
 */
export function perturbWeights(weights: WeightSet, scale = 0.5): WeightSet {
  const out: WeightSet = {};
  let seed = 1;
  for (const [id, entry] of Object.entries(weights)) {
    out[id] = {};
    for (const [role, tensor] of Object.entries(entry) as [WeightRole, { shape: number[]; values: Float32Array }][]) {
      const next = noiseStream(seed++);
      const source = tensor.values;
      let squares = 0;
      for (let i = 0; i < source.length; i++) squares += source[i]! * source[i]!;
      const step = scale * Math.max(1e-3, Math.sqrt(squares / Math.max(1, source.length)));
      const values = new Float32Array(source.length);
      for (let i = 0; i < source.length; i++) {
        const r = next();
        values[i] =
          role === 'movingVariance' ? 1 + 0.5 * r : role === 'gamma' ? 1 + 0.3 * r : role === 'movingMean' || role === 'beta' ? 0.2 * r : source[i]! + step * r;
      }
      out[id]![role] = { shape: [...tensor.shape], values };
    }
  }
  return out;
}

/** Compiles a graph with a seed and, optionally, other weights. */
export function compileWith(flat: FlatGraph, weights?: WeightSet, seed = 7): CompiledModel {
  const compiled = compileModel(flat, { seed });
  if (weights) writeWeights(compiled, weights);
  return compiled;
}

/** A batch of images `[n, H, W, C]` (NHWC, as the studio holds them) with values in [-1, 1]. */
export function imageBatch(flat: FlatGraph, n = 2, salt = 3): { nhwc: Float32Array; dims: [number, number, number, number] } {
  const [h, w, c] = flat.nodes.find((node) => node.id === flat.inputId)!.outputShape as [number, number, number];
  const next = noiseStream(salt);
  return { nhwc: Float32Array.from({ length: n * h * w * c }, next), dims: [n, h, w, c] };
}

/** The TF.js model's prediction (inference mode). */
export function predictTf(model: tf.LayersModel, batch: { nhwc: Float32Array; dims: [number, number, number, number] }): Float32Array {
  return tf.tidy(() => {
    const y = model.predict(tf.tensor4d(batch.nhwc, batch.dims)) as tf.Tensor;
    return Float32Array.from(y.dataSync());
  });
}

/** NHWC → NCHW. */
export function toNchw(nhwc: Float32Array, [n, h, w, c]: readonly number[]): Float32Array {
  const out = new Float32Array(nhwc.length);
  for (let b = 0; b < n!; b++)
    for (let y = 0; y < h!; y++)
      for (let x = 0; x < w!; x++) for (let k = 0; k < c!; k++) out[((b * c! + k) * h! + y) * w! + x] = nhwc[((b * h! + y) * w! + x) * c! + k]!;
  return out;
}

/** Runs an ONNX model in onnxruntime-node on the batch, fed in the layout the model declares. */
export async function runOnnx(bytes: Uint8Array, batch: { nhwc: Float32Array; dims: [number, number, number, number] }, layout: InputLayout = 'nchw'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const [n, h, w, c] = batch.dims;
    const feed = layout === 'nchw' ? new ort.Tensor('float32', toNchw(batch.nhwc, batch.dims), [n, c, h, w]) : new ort.Tensor('float32', batch.nhwc, [n, h, w, c]);
    const result = await session.run({ [session.inputNames[0]!]: feed });
    return Float32Array.from(result[session.outputNames[0]!]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** The largest absolute difference between two equally long arrays (Infinity when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(max) ? Infinity : max;
}

/** Softmax over the last axis of `[n, k]` logits. */
export function softmaxRows(logits: Float32Array, k: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / k; r++) {
    const row = logits.subarray(r * k, (r + 1) * k);
    const max = Math.max(...row);
    const exps = Array.from(row, (v) => Math.exp(v - max));
    const sum = exps.reduce((s, v) => s + v, 0);
    exps.forEach((v, i) => (out[r * k + i] = v / sum));
  }
  return out;
}
