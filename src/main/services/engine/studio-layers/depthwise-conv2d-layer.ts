import * as tf from '@tensorflow/tfjs';
import { applyActivation, fusedActivation } from '../activations';
import { depthwiseConvolution, depthwisePads } from '../depthwise-convolution';
import type { ConvolutionLayerArgs } from './convolution-layer';
import { StudioConvolutionLayer } from './convolution-layer';
import type { CallKwargs, LayerShape, WeightInitializer } from './layer-base';
import { biasThenActivation, isTraining, singleInput, singleShape } from './layer-base';

export interface StudioDepthwiseConv2DArgs extends ConvolutionLayerArgs {
  depthMultiplier: number;
  kernelInitializer?: WeightInitializer;
}

/**
 * The studio's DepthwiseConv2D: the kernel `[n, n, C, M]` is the node's `kernel` weight. Prediction runs
 * TF.js's fused depthwise convolution (bias and activation in one kernel); training runs
 * `depthwiseConvolution`, whose gradient every backend can compute, then the bias and the activation.
 */
export class StudioDepthwiseConv2D extends StudioConvolutionLayer {
  static readonly className = 'StudioDepthwiseConv2D';
  readonly depthMultiplier: number;
  private readonly kernelInitializer: WeightInitializer;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: StudioDepthwiseConv2DArgs) {
    super(args);
    this.depthMultiplier = args.depthMultiplier;
    this.kernelInitializer = args.kernelInitializer ?? tf.initializers.glorotUniform({});
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const channels = singleShape(inputShape)[3];
    if (typeof channels !== 'number') throw new Error(`${this.name}: the number of input channels must be known.`);
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, channels, this.depthMultiplier], 'float32', this.kernelInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [channels * this.depthMultiplier], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const channels = singleShape(inputShape)[3] as number;
    return this.windowOutputShape(inputShape, channels * this.depthMultiplier);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs) as tf.Tensor4D;
      const kernel = this.kernel!.read() as tf.Tensor4D;
      const bias = this.bias?.read();
      const fused = fusedActivation(this.activation, this.alpha);
      if (!isTraining(kwargs)) {
        // TF.js's "same" and a number on every side are the studio's paddings exactly.
        const y = tf.fused.depthwiseConv2d({ x, filter: kernel, strides: this.strides, pad: this.padding, dilations: this.dilation, bias, activation: fused ?? 'linear', leakyreluAlpha: this.alpha });
        return fused ? y : applyActivation(y, this.activation, this.alpha);
      }
      const pads = depthwisePads(x.shape[1], x.shape[2], this.kernelSize, this.strides, this.dilation, this.padding);
      return biasThenActivation(depthwiseConvolution(x, kernel, { stride: this.strides, dilation: this.dilation, pads }), bias, this.activation, this.alpha);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
    };
  }
}
