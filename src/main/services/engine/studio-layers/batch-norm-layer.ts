import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from '../wasm-kernels/batch-norm-training';
import type { BaseLayerArgs, CallKwargs, LayerShape } from './layer-base';
import { isTraining, singleInput, singleShape } from './layer-base';

export interface StudioBatchNormArgs extends BaseLayerArgs {
  epsilon: number;
  /** The fraction of the running averages kept at each batch (0.9 = PyTorch's momentum 0.1 = Keras's 0.9). */
  momentum: number;
}

/**
 * Batch normalisation over the last axis. Unlike tf.layers.batchNormalization, a frozen layer
 * (trainable off) normalises with its running statistics in training too, as Keras does; the running
 * variance averages the unbiased batch variance, as PyTorch does (so exports and PyTorch agree).
 */
export class StudioBatchNorm extends tf.layers.Layer {
  static readonly className = 'StudioBatchNorm';
  readonly epsilon: number;
  readonly momentum: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private movingMean: tf.LayerVariable | null = null;
  private movingVariance: tf.LayerVariable | null = null;

  constructor(args: StudioBatchNormArgs) {
    super(args);
    this.epsilon = args.epsilon;
    this.momentum = args.momentum;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number') throw new Error(`${this.name}: the number of channels must be known.`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('movingMean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('movingVariance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs);
      const gamma = this.gamma!.read();
      const beta = this.beta!.read();
      if (!isTraining(kwargs) || !this.trainable) {
        return tf.batchNorm(x, this.movingMean!.read(), this.movingVariance!.read(), beta, gamma, this.epsilon);
      }
      // One fused op with its own gradient on wasm (wasm-kernels/batch-norm-training.ts); moments + batchNorm elsewhere.
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon);
      const count = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
      const keep = this.momentum;
      tf.tidy(() => {
        const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
        this.movingMean!.write(tf.add(tf.mul(this.movingMean!.read(), keep), tf.mul(mean, 1 - keep)));
        this.movingVariance!.write(tf.add(tf.mul(this.movingVariance!.read(), keep), tf.mul(unbiased, 1 - keep)));
      });
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, momentum: this.momentum };
  }
}
