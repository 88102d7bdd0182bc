import * as tf from '@tensorflow/tfjs';
import type { BaseLayerArgs, CallKwargs } from './layer-base';
import { isTraining, singleInput } from './layer-base';

export interface StudioDropoutArgs extends BaseLayerArgs {
  rate: number;
  /** Seed of the first mask, or null for unseeded masks. */
  seed: number | null;
}

/**
 * Dropout whose masks are reproducible AND different at every training step: tf.layers.dropout with a
 * seed draws the same mask at every call, so the seed here advances once per call.
 */
export class StudioDropout extends tf.layers.Layer {
  static readonly className = 'StudioDropout';
  readonly rate: number;
  readonly seed: number | null;
  /**
   * The training step the next mask is drawn for. It advances with each training call; a resumed run
   * sets it to the number of steps already taken, so its masks continue the interrupted run's.
   */
  step = 0;

  constructor(args: StudioDropoutArgs) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs);
      if (!isTraining(kwargs) || this.rate === 0) return tf.clone(x);
      const seed = this.seed === null ? undefined : (this.seed + this.step++) >>> 0;
      return tf.dropout(x, this.rate, undefined, seed);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
