import * as tf from '@tensorflow/tfjs';
import type { Padding } from '../../../../shared/layers/params';
import type { BaseLayerArgs, CallKwargs, LayerShape } from './layer-base';
import { singleInput, singleShape, tfPadding, windowedOutputShape } from './layer-base';

export interface StudioPool2DArgs extends BaseLayerArgs {
  mode: 'max' | 'avg';
  poolSize: number;
  strides: number;
  /** `valid`, `same` or cells added on every side; padded cells are never part of the max or the average. */
  padding: Padding;
}

/**
 * Max and average pooling with the studio's three paddings. TF.js's pooling kernels skip padded cells
 * (a max over real values only, an average divided by the number of real values) for `same` and for
 * explicit padding alike; tf.layers' pooling layers only offer `valid` and `same`.
 */
export class StudioPool2D extends tf.layers.Layer {
  static readonly className = 'StudioPool2D';
  readonly mode: 'max' | 'avg';
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: Padding;

  constructor(args: StudioPool2DArgs) {
    super(args);
    this.mode = args.mode;
    this.poolSize = args.poolSize;
    this.strides = args.strides;
    this.padding = args.padding;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const channels = singleShape(inputShape)[3] ?? null;
    return windowedOutputShape(this.name, inputShape, { kernel: this.poolSize, stride: this.strides, dilation: 1, padding: this.padding }, channels, 'pooling window');
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs) as tf.Tensor4D;
      const pad = tfPadding(this.padding);
      const size: [number, number] = [this.poolSize, this.poolSize];
      return this.mode === 'max' ? tf.maxPool(x, size, this.strides, pad) : tf.avgPool(x, size, this.strides, pad);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode, poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
