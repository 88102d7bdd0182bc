import * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../../../../src/shared/graph/model-graph';
import type { WeightSet } from '../../../../../src/shared/weights';
import { compileModel } from '../../../../../src/main/services/engine/compile-model';
import { readWeightsAsync, writeWeights } from '../../../../../src/main/services/engine/model-weights';
import { assertWebGpuHealthy } from '../../../../../src/main/services/engine/webgpu-backend';
import { flatOf, images } from '../engine-fixtures';

/** What a graph computes from fixed weights and inputs: inference output, training-mode output and every trainable weight's gradient. */
export interface Outcome {
  predict: Float32Array;
  train: Float32Array;
  grads: Float32Array[];
  /** The weights it ran with, to give the other backend. */
  weights: WeightSet;
}

export interface OutcomeOptions {
  batch?: number;
  /**
   * The mode the gradients are taken in (default: training). Deep templates take them in inference
   * mode: in training mode their last BatchNorm layers normalise 1x1 maps over a batch of 2, where
   * float32 rounding is amplified so much that even TF.js's cpu and wasm backends differ by 1%.
   */
  gradients?: 'training' | 'inference';
  /** Only the outputs (no gradients): for the templates too slow to differentiate on a software adapter. */
  forwardOnly?: boolean;
}

/**
 * Runs `graph` on the active backend: from `weights` where given (else its seeded initialisation), on a
 * deterministic batch, with a loss that weighs every output differently (so each gradient is distinct).
 * Values are read with `await data()`, which WebGPU needs.
 */
export async function outcomeOf(graph: ModelGraph, weights: WeightSet | null, options: OutcomeOptions = {}): Promise<Outcome> {
  const batch = options.batch ?? 2;
  const compiled = compileModel(flatOf(graph), { seed: 3 });
  try {
    if (weights) writeWeights(compiled, weights, 'the wasm weights');
    // Read before the training-mode pass, which moves BatchNorm's running statistics.
    const start = weights ?? (await readWeightsAsync(compiled));
    const inputShape = compiled.model.inputs[0]!.shape.slice(1) as number[];
    const x = images([batch, ...inputShape] as [number, number, number, number], 9);
    const variables = compiled.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const predict = tf.tidy(() => compiled.model.predict(x) as tf.Tensor);
    const weighted = (training: boolean) => {
      const y = compiled.model.apply(x, { training }) as tf.Tensor;
      return tf.sum(tf.mul(y, tf.linspace(-1, 1, y.size).reshape(y.shape))) as tf.Scalar;
    };
    if (options.forwardOnly) {
      const outcome: Outcome = { predict: (await predict.data()) as Float32Array, train: new Float32Array(0), grads: [], weights: start };
      tf.dispose([x, predict]);
      return outcome;
    }
    const { value, grads } = tf.variableGrads(() => weighted(options.gradients !== 'inference'), variables);
    const ordered = variables.map((v) => grads[v.name]!);
    const outcome: Outcome = {
      predict: (await predict.data()) as Float32Array,
      train: (await value.data()) as Float32Array,
      grads: (await Promise.all(ordered.map((g) => g.data()))) as Float32Array[],
      weights: start,
    };
    tf.dispose([x, predict, value, ...Object.values(grads)]);
    return outcome;
  } finally {
    compiled.model.dispose();
  }
}

/** The largest absolute difference, and the same relative to the largest expected magnitude (at least 1e-12). */
export function difference(actual: ArrayLike<number>, expected: ArrayLike<number>): { absolute: number; relative: number } {
  let absolute = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    absolute = Math.max(absolute, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return { absolute, relative: absolute / scale };
}

/** Issue 12's tolerance: within 1e-4 absolute, or 1e-3 relative to the tensor's largest value. */
export function agrees(actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  if (actual.length !== expected.length) return false;
  const d = difference(actual, expected);
  return d.absolute <= 1e-4 || d.relative <= 1e-3;
}

/** Every disagreement between two outcomes, as lines for the assertion message. */
export function disagreements(webgpu: Outcome, wasm: Outcome): string[] {
  const out: string[] = [];
  const check = (what: string, a: ArrayLike<number>, b: ArrayLike<number>) => {
    if (!agrees(a, b)) out.push(`${what}: ${a.length === b.length ? JSON.stringify(difference(a, b)) : `length ${a.length} vs ${b.length}`}`);
  };
  check('predict', webgpu.predict, wasm.predict);
  check('train', webgpu.train, wasm.train);
  if (webgpu.grads.length !== wasm.grads.length) out.push(`gradients: ${webgpu.grads.length} vs ${wasm.grads.length}`);
  wasm.grads.forEach((g, i) => check(`gradient ${i}`, webgpu.grads[i] ?? [], g));
  return out;
}

/** Runs the graph on wasm (seeded weights) and then on WebGPU from the same weights. */
export async function bothBackends(graph: ModelGraph, options: OutcomeOptions = {}): Promise<{ wasm: Outcome; webgpu: Outcome }> {
  await tf.setBackend('wasm');
  const wasm = await outcomeOf(graph, null, options);
  await tf.setBackend('webgpu');
  try {
    const webgpu = await outcomeOf(graph, wasm.weights, options);
    // A shader that does not compile, or an allocation that fails, shows only as an error event and zeros.
    assertWebGpuHealthy();
    return { wasm, webgpu };
  } finally {
    await tf.setBackend('wasm');
  }
}
