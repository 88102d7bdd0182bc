import * as tf from '@tensorflow/tfjs';
import { applyActivation, fusedActivation } from '../activations';
import { depthwiseConvolution, depthwisePads } from '../depthwise-convolution';
import type { ConvolutionLayerArgs } from './convolution-layer';
import { StudioConvolutionLayer } from './convolution-layer';
import type { CallKwargs, LayerShape, WeightInitializer } from './layer-base';
import { biasThenActivation, isTraining, singleInput, singleShape } from './layer-base';

export interface StudioSeparableConv2DArgs extends ConvolutionLayerArgs {
  filters: number;
  depthMultiplier: number;
  depthwiseInitializer?: WeightInitializer;
  pointwiseInitializer?: WeightInitializer;
}

/**
 * The studio's SeparableConv2D: a depthwise convolution (`depthwiseKernel` `[n, n, C, M]`) then a 1x1
 * convolution (`pointwiseKernel` `[1, 1, C·M, N]`), the bias and the activation. tf.separableConv2d's
 * gradient needs depthwise gradient kernels that WebAssembly lacks, so the two steps run as separate ops.
 */
export class StudioSeparableConv2D extends StudioConvolutionLayer {
  static readonly className = 'StudioSeparableConv2D';
  readonly filters: number;
  readonly depthMultiplier: number;
  private readonly depthwiseInitializer: WeightInitializer;
  private readonly pointwiseInitializer: WeightInitializer;
  private depthwiseKernel: tf.LayerVariable | null = null;
  private pointwiseKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: StudioSeparableConv2DArgs) {
    super(args);
    this.filters = args.filters;
    this.depthMultiplier = args.depthMultiplier;
    this.depthwiseInitializer = args.depthwiseInitializer ?? tf.initializers.glorotUniform({});
    this.pointwiseInitializer = args.pointwiseInitializer ?? tf.initializers.glorotUniform({});
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const channels = singleShape(inputShape)[3];
    if (typeof channels !== 'number') throw new Error(`${this.name}: the number of input channels must be known.`);
    const middle = channels * this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwiseKernel', [this.kernelSize, this.kernelSize, channels, this.depthMultiplier], 'float32', this.depthwiseInitializer, undefined, true);
    this.pointwiseKernel = this.addWeight('pointwiseKernel', [1, 1, middle, this.filters], 'float32', this.pointwiseInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return this.windowOutputShape(inputShape, this.filters);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs) as tf.Tensor4D;
      const depthwise = this.depthwiseKernel!.read() as tf.Tensor4D;
      const pointwise = this.pointwiseKernel!.read() as tf.Tensor4D;
      const bias = this.bias?.read();
      const fused = fusedActivation(this.activation, this.alpha);
      if (!isTraining(kwargs)) {
        const middle = tf.depthwiseConv2d(x, depthwise, this.strides, this.padding, 'NHWC', this.dilation);
        const y = tf.fused.conv2d({ x: middle, filter: pointwise, strides: 1, pad: 'valid', bias, activation: fused ?? 'linear', leakyreluAlpha: this.alpha });
        return fused ? y : applyActivation(y, this.activation, this.alpha);
      }
      const pads = depthwisePads(x.shape[1], x.shape[2], this.kernelSize, this.strides, this.dilation, this.padding);
      const middle = depthwiseConvolution(x, depthwise, { stride: this.strides, dilation: this.dilation, pads });
      return biasThenActivation(tf.conv2d(middle, pointwise, 1, 'valid'), bias, this.activation, this.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      depthMultiplier: this.depthMultiplier,
    };
  }
}
