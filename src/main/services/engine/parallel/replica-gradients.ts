import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { OutputLoss } from '../../../../shared/layers/output';
import { batchLoss } from '../../training/train-step';
import type { CompiledModel } from '../compile-model';
import type { VariableSpec } from './replica-protocol';

/**
 * The part of a training step every replica runs on its shard of the batch: the loss and its gradients
 * with respect to the trainable weights, computed exactly as `trainStep` (training/train-step.ts) does
 * for a whole batch, so that averaging the shards' gradients by their sizes gives the whole batch's.
 */

export interface ShardOptions {
  inputShape: readonly [number, number, number];
  classes: number;
  loss: OutputLoss;
  weightDecay: number;
}

export interface ShardGradients {
  /** One per trainable variable, in `exchangeVariables` order; the caller disposes them. */
  grads: tf.Tensor[];
  /** The shard's mean data loss (without the weight penalty). */
  loss: number;
  correct: number;
}

/** The model's weights in the order replicas exchange them: the trainable ones, then the others. */
export function exchangeVariables(compiled: CompiledModel): { variables: tf.LayerVariable[]; specs: VariableSpec[] } {
  const trainable = compiled.model.trainableWeights;
  const others = compiled.model.nonTrainableWeights;
  const variables = [...trainable, ...others];
  const specs = variables.map((v, i) => ({ name: v.originalName, shape: [...v.shape] as number[], trainable: i < trainable.length }));
  return { variables, specs };
}

/** Elements of a variable. */
export function sizeOf(spec: Pick<VariableSpec, 'shape'>): number {
  return spec.shape.reduce((p, d) => p * d, 1);
}

/** L2 penalty λ·Σ‖W‖² over trainable kernels: the same as train-step.ts's `weightPenalty` (keep the two alike). */
function weightPenalty(compiled: CompiledModel, weightDecay: number): tf.Scalar | null {
  if (weightDecay <= 0) return null;
  const trainable = new Set(compiled.model.trainableWeights);
  const kernels = [...compiled.nodes.values()].map((n) => n.weights.kernel).filter((k): k is tf.LayerVariable => !!k && trainable.has(k));
  if (!kernels.length) return null;
  return tf.mul(weightDecay, tf.addN(kernels.map((k) => tf.sum(tf.square(k.read()))))) as tf.Scalar;
}

/** The gradients of one shard (`size` images of `x`, labels `y`). */
export function shardGradients(compiled: CompiledModel, x: Float32Array, y: Int32Array, size: number, options: ShardOptions): ShardGradients {
  const trainable = compiled.model.trainableWeights;
  const variables = trainable.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const xs = tensorFromShared(x.subarray(0, size * options.inputShape[0] * options.inputShape[1] * options.inputShape[2]), [size, ...options.inputShape]);
    const labels = tf.tensor1d(Int32Array.from(y.subarray(0, size)), 'int32');
    const ys = tf.oneHot(labels, options.classes);
    let probabilities: tf.Tensor | null = null;
    let dataLoss: tf.Scalar | null = null;
    const { grads } = tf.variableGrads(() => {
      probabilities = tf.keep(compiled.model.apply(xs, { training: true }) as tf.Tensor);
      dataLoss = tf.keep(batchLoss(options.loss, probabilities, ys));
      const penalty = weightPenalty(compiled, options.weightDecay);
      return penalty ? tf.add(dataLoss, penalty) : dataLoss;
    }, variables);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(probabilities!, -1), labels), 'int32'));
    const result = { loss: (dataLoss! as tf.Scalar).dataSync()[0]!, correct: correct.dataSync()[0]! };
    tf.dispose([probabilities!, dataLoss!]);
    // variableGrads names gradients by variable; the exchange order is the trainable list's.
    const ordered = variables.map((v) => tf.keep(grads[v.name]!));
    return { grads: ordered, ...result };
  });
}

/**
 * A tensor holding a copy of `values` (a view of shared memory that changes later). The wasm backend
 * copies into its heap on creation; other backends may keep the array itself, so they get a copy.
 */
export function tensorFromShared(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape, 'float32');
}

/** Copies a float32 tensor's values into `target` at `offset`, straight from the wasm heap where it can. */
export function copyTensorInto(tensor: tf.Tensor, target: Float32Array, offset: number): void {
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as BackendWasm;
    target.set(backend.typedArrayFromHeap(tensor) as Float32Array, offset);
    return;
  }
  target.set(tensor.dataSync() as Float32Array, offset);
}

/**
 * Σ weight·values over this thread's `own` tensor and views of shared memory (other replicas'), as a
 * new tensor: on wasm one pass into a new heap buffer, elsewhere tf ops.
 */
export function weightedSum(own: tf.Tensor, ownWeight: number, others: { values: Float32Array; weight: number }[]): tf.Tensor {
  if (tf.getBackend() !== 'wasm') {
    return tf.tidy(() => others.reduce((sum, o) => tf.add(sum, tf.mul(tensorFromShared(o.values, own.shape), o.weight)), tf.mul(own, ownWeight)));
  }
  const backend = tf.backend() as unknown as BackendWasm;
  const info = backend.makeOutput(own.shape, 'float32');
  // Views only after the last allocation: a growing wasm heap detaches older views.
  const out = backend.typedArrayFromHeap(info) as Float32Array;
  const mine = backend.typedArrayFromHeap(own) as Float32Array;
  const [first, ...rest] = others;
  if (first) {
    // Two replicas (the usual case) in one pass.
    const { values, weight } = first;
    for (let i = 0; i < out.length; i++) out[i] = ownWeight * mine[i]! + weight * values[i]!;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = ownWeight * mine[i]!;
  }
  for (const { values, weight } of rest) {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + weight * values[i]!;
  }
  return tf.engine().makeTensorFromTensorInfo(info);
}
