import * as tf from '@tensorflow/tfjs';
import type { OutputLoss } from '../../../shared/layers/output';
import type { CompiledModel } from '../engine';

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

/** L2 penalty λ·Σ‖W‖² over trainable kernels (not biases, not BatchNorm). */
function weightPenalty(compiled: CompiledModel, weightDecay: number): tf.Scalar | null {
  if (weightDecay <= 0) return null;
  // Frozen layers keep variables marked trainable; what trains is what the model lists as trainable.
  const trainable = new Set(compiled.model.trainableWeights);
  const kernels = [...compiled.nodes.values()].map((n) => n.weights.kernel).filter((k): k is tf.LayerVariable => !!k && trainable.has(k));
  if (!kernels.length) return null;
  return tf.mul(weightDecay, tf.addN(kernels.map((k) => tf.sum(tf.square(k.read()))))) as tf.Scalar;
}

export interface StepResult {
  /** The data loss of the batch (without the weight penalty). */
  loss: number;
  correct: number;
}

/** One optimisation step on a batch; returns its loss and the number of correct predictions. */
export function trainStep(
  compiled: CompiledModel,
  optimizer: tf.Optimizer,
  batch: ImageBatch,
  options: { inputShape: readonly number[]; classes: number; loss: OutputLoss; weightDecay: number },
): StepResult {
  const variables = compiled.model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const xs = tf.tensor4d(batch.x, [batch.size, ...(options.inputShape as [number, number, number])]);
    const ys = tf.oneHot(tf.tensor1d(batch.y, 'int32'), options.classes);
    let probabilities: tf.Tensor | null = null;
    let dataLoss: tf.Scalar | null = null;
    const { grads } = tf.variableGrads(() => {
      probabilities = tf.keep(compiled.model.apply(xs, { training: true }) as tf.Tensor);
      dataLoss = tf.keep(batchLoss(options.loss, probabilities, ys));
      const penalty = weightPenalty(compiled, options.weightDecay);
      return penalty ? tf.add(dataLoss, penalty) : dataLoss;
    }, variables.length ? variables : undefined);
    if (variables.length) optimizer.applyGradients(grads);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(probabilities!, -1), tf.tensor1d(batch.y, 'int32')), 'int32'));
    // Clipping before the logarithm would hide NaN probabilities from the loss: check them directly.
    const finite = tf.all(tf.isFinite(probabilities!)).dataSync()[0] === 1;
    const result = { loss: finite ? (dataLoss! as tf.Scalar).dataSync()[0]! : Number.NaN, correct: correct.dataSync()[0]! };
    // Kept tensors outlive tidy scopes: release them here.
    tf.dispose([probabilities!, dataLoss!]);
    return result;
  });
}

/** Class probabilities of a batch in inference mode (dropout off, BatchNorm on running statistics). */
export function predictBatch(compiled: CompiledModel, x: Float32Array, size: number, inputShape: readonly number[]): Float32Array {
  return tf.tidy(() => {
    const xs = tf.tensor4d(x, [size, ...(inputShape as [number, number, number])]);
    return (compiled.model.apply(xs, { training: false }) as tf.Tensor).dataSync() as Float32Array;
  });
}
