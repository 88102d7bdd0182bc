import * as tf from '@tensorflow/tfjs';
import { applyActivation, fusedActivation } from '../activations';
import type { ConvolutionLayerArgs } from './convolution-layer';
import { StudioConvolutionLayer } from './convolution-layer';
import type { CallKwargs, LayerShape, WeightInitializer } from './layer-base';
import { biasThenActivation, isTraining, singleInput, singleShape, tfPadding } from './layer-base';

export interface StudioConv2DArgs extends ConvolutionLayerArgs {
  filters: number;
  kernelInitializer?: WeightInitializer;
  /** Fixed starting kernel, HWIO `[kh, kw, inChannels, filters]` flattened; replaces the initialiser. */
  initialKernel?: Float32Array | null;
}

/**
 * The studio's Conv2D: numeric (zero) padding, dilation that trains (TF.js's own refuses dilated
 * gradients), any of the studio's activations, and a fixed starting kernel. Without dilation it runs
 * TF.js's fused convolution, which fuses bias and activation for prediction and falls back to separate
 * ops (with their gradients) in training.
 */
export class StudioConv2D extends StudioConvolutionLayer {
  static readonly className = 'StudioConv2D';
  readonly filters: number;
  private readonly kernelInitializer: WeightInitializer;
  private initialKernel: Float32Array | null;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: StudioConv2DArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelInitializer = args.kernelInitializer ?? tf.initializers.glorotUniform({});
    this.initialKernel = args.initialKernel ?? null;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const channels = singleShape(inputShape)[3];
    if (typeof channels !== 'number') throw new Error(`${this.name}: the number of input channels must be known.`);
    const shape = [this.kernelSize, this.kernelSize, channels, this.filters];
    this.kernel = this.addWeight('kernel', shape, 'float32', this.kernelInitializer, undefined, true);
    if (this.initialKernel) {
      const values = this.initialKernel;
      tf.tidy(() => {
        this.kernel!.write(tf.tensor4d(values, shape as [number, number, number, number]));
      });
      this.initialKernel = null;
    }
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return this.windowOutputShape(inputShape, this.filters);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs) as tf.Tensor4D;
      const kernel = this.kernel!.read() as tf.Tensor4D;
      const bias = this.bias?.read();
      const pad = tfPadding(this.padding);
      const fused = fusedActivation(this.activation, this.alpha);
      if (this.dilation === 1 && !isTraining(kwargs)) {
        const y = tf.fused.conv2d({ x, filter: kernel, strides: this.strides, pad, bias, activation: fused ?? 'linear', leakyreluAlpha: this.alpha });
        return fused ? y : applyActivation(y, this.activation, this.alpha);
      }
      // Training or dilated: plain ops, whose gradient (the project's Conv2D gradient) computes each
      // part only when it is needed; TF.js's fused op computes the input's gradient even for the first
      // layer, where nothing uses it.
      return biasThenActivation(tf.conv2d(x, kernel, this.strides, pad, 'NHWC', this.dilation), bias, this.activation, this.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
    };
  }
}
