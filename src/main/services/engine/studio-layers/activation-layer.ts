import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from '../../../../shared/layers/activations';
import { applyActivation } from '../activations';
import type { BaseLayerArgs, CallKwargs } from './layer-base';
import { singleInput } from './layer-base';

export interface StudioActivationArgs extends BaseLayerArgs {
  activation: ActivationName;
  /** Slope (leaky-relu) or scale (elu) below zero. */
  alpha: number;
}

/** Any of the studio's activations with its alpha (tf.layers.elu refuses an alpha other than 1). */
export class StudioActivation extends tf.layers.Layer {
  static readonly className = 'StudioActivation';
  readonly activation: ActivationName;
  readonly alpha: number;

  constructor(args: StudioActivationArgs) {
    super(args);
    this.activation = args.activation;
    this.alpha = args.alpha;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs);
      // A new tensor even for linear: a layer's output must not be its input tensor.
      return this.activation === 'linear' ? tf.clone(x) : applyActivation(x, this.activation, this.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), activation: this.activation, alpha: this.alpha };
  }
}
