import * as tf from '@tensorflow/tfjs';
import type { OutputLoss } from '../../../shared/layers/output';
import { KERNEL_ROLES } from '../../../shared/weights';
import type { CompiledModel } from '../engine';
import { assertWebGpuHealthy } from '../engine';

/** A batch in the engine: NHWC float32 images and class indices. */
export interface ImageBatch {
  x: Float32Array;
  y: Int32Array;
  /** Images in the batch (the last batch of an epoch may be smaller). */
  size: number;
  files: string[];
}

/** Keras' clipping of probabilities before the logarithm, so a confident mistake costs ~16, not infinity. */
const PROBABILITY_EPSILON = 1e-7;

/** The loss of probabilities against one-hot targets, averaged over the batch. */
export function batchLoss(loss: OutputLoss, probabilities: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (loss === 'mean-squared-error') return tf.mean(tf.square(tf.sub(probabilities, targets))) as tf.Scalar;
    const clipped = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(clipped)), -1))) as tf.Scalar;
  });
}

/** L2 penalty λ·Σ‖W‖² over trainable kernels (depthwise and pointwise ones too; not biases, not BatchNorm). */
function weightPenalty(compiled: CompiledModel, weightDecay: number): tf.Scalar | null {
  if (weightDecay <= 0) return null;
  // Frozen layers keep variables marked trainable; what trains is what the model lists as trainable.
  const trainable = new Set(compiled.model.trainableWeights);
  const kernels = [...compiled.nodes.values()].flatMap((n) => KERNEL_ROLES.map((role) => n.weights[role])).filter((k): k is tf.LayerVariable => !!k && trainable.has(k));
  if (!kernels.length) return null;
  return tf.mul(weightDecay, tf.addN(kernels.map((k) => tf.sum(tf.square(k.read()))))) as tf.Scalar;
}

export interface StepResult {
  /** The data loss of the batch (without the weight penalty). */
  loss: number;
  correct: number;
}

/**
 * One optimisation step on a batch; returns its loss and the number of correct predictions. `model`
 * is the network to run (by default the compiled model; a feature cache's head takes cached body
 * outputs of `inputShape` instead of images); its weights are the compiled model's.
 */
export function trainStep(compiled: CompiledModel, optimizer: tf.Optimizer, batch: ImageBatch, options: StepOptions): StepResult {
  const step = stepTensors(compiled, optimizer, batch, options);
  try {
    const finite = step.finite.dataSync()[0] === 1;
    return { loss: finite ? step.loss.dataSync()[0]! : Number.NaN, correct: step.correct.dataSync()[0]! };
  } finally {
    tf.dispose([step.loss, step.correct, step.finite]);
  }
}

/**
 * `trainStep` with its results read asynchronously, as WebGPU needs (it cannot read synchronously in
 * Node); a failure the GPU reported during the step (out of memory, device lost) is thrown here.
 */
export async function trainStepAsync(compiled: CompiledModel, optimizer: tf.Optimizer, batch: ImageBatch, options: StepOptions): Promise<StepResult> {
  const step = stepTensors(compiled, optimizer, batch, options);
  try {
    const [finite, loss, correct] = await Promise.all([step.finite.data(), step.loss.data(), step.correct.data()]);
    assertWebGpuHealthy();
    return { loss: finite[0] === 1 ? loss[0]! : Number.NaN, correct: correct[0]! };
  } finally {
    tf.dispose([step.loss, step.correct, step.finite]);
  }
}

type StepOptions = { inputShape: readonly number[]; classes: number; loss: OutputLoss; weightDecay: number; model?: tf.LayersModel };

/** The step itself: the update is applied; the data loss, the count of correct predictions and whether all probabilities are finite are left to read. */
function stepTensors(compiled: CompiledModel, optimizer: tf.Optimizer, batch: ImageBatch, options: StepOptions): { loss: tf.Scalar; correct: tf.Scalar; finite: tf.Scalar } {
  const model = options.model ?? compiled.model;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const xs = tf.tensor(batch.x, [batch.size, ...options.inputShape]);
    const ys = tf.oneHot(tf.tensor1d(batch.y, 'int32'), options.classes);
    let probabilities: tf.Tensor | null = null;
    let dataLoss: tf.Scalar | null = null;
    const { grads } = tf.variableGrads(() => {
      probabilities = tf.keep(model.apply(xs, { training: true }) as tf.Tensor);
      dataLoss = tf.keep(batchLoss(options.loss, probabilities, ys));
      const penalty = weightPenalty(compiled, options.weightDecay);
      return penalty ? tf.add(dataLoss, penalty) : dataLoss;
    }, variables.length ? variables : undefined);
    if (variables.length) optimizer.applyGradients(grads);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(probabilities!, -1), tf.tensor1d(batch.y, 'int32')), 'int32')) as tf.Scalar;
    // Clipping before the logarithm would hide NaN probabilities from the loss: check them directly.
    const finite = tf.all(tf.isFinite(probabilities!)) as tf.Scalar;
    // Kept tensors outlive tidy scopes: release the probabilities here (the loss is returned).
    tf.dispose(probabilities!);
    return { loss: dataLoss!, correct, finite };
  });
}

/** Class probabilities of a batch in inference mode (dropout off, BatchNorm on running statistics); `model` as for trainStep. */
export function predictBatch(compiled: CompiledModel, x: Float32Array, size: number, inputShape: readonly number[], model: tf.LayersModel = compiled.model): Float32Array {
  return tf.tidy(() => {
    const xs = tf.tensor(x, [size, ...inputShape]);
    return (model.apply(xs, { training: false }) as tf.Tensor).dataSync() as Float32Array;
  });
}

/** `predictBatch` read asynchronously (for WebGPU, as `trainStepAsync`). */
export async function predictBatchAsync(compiled: CompiledModel, x: Float32Array, size: number, inputShape: readonly number[], model: tf.LayersModel = compiled.model): Promise<Float32Array> {
  const probabilities = tf.tidy(() => model.apply(tf.tensor(x, [size, ...inputShape]), { training: false }) as tf.Tensor);
  try {
    const values = (await probabilities.data()) as Float32Array;
    assertWebGpuHealthy();
    return values;
  } finally {
    probabilities.dispose();
  }
}
