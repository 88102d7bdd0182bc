import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from '../../../../shared/layers/activations';
import type { Padding } from '../../../../shared/layers/params';
import type { BaseLayerArgs, LayerShape } from './layer-base';
import { windowedOutputShape } from './layer-base';

/** The settings every studio convolution takes (Conv2D, DepthwiseConv2D, SeparableConv2D). */
export interface ConvolutionLayerArgs extends BaseLayerArgs {
  kernelSize: number;
  strides: number;
  /** `valid`, `same` (an odd extra zero bottom/right, as TF.js does) or zeros on every side. */
  padding: Padding;
  dilation: number;
  useBias: boolean;
  activation: ActivationName;
  /** Slope (leaky-relu) or scale (elu) below zero. */
  alpha: number;
}

/** What the studio's convolutions share: their window, bias and activation settings, shape and config. */
export abstract class StudioConvolutionLayer extends tf.layers.Layer {
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: Padding;
  readonly dilation: number;
  readonly useBias: boolean;
  readonly activation: ActivationName;
  readonly alpha: number;

  constructor(args: ConvolutionLayerArgs) {
    super(args);
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.dilation = args.dilation;
    this.useBias = args.useBias;
    this.activation = args.activation;
    this.alpha = args.alpha;
  }

  /** The output shape for `channels` output channels. */
  protected windowOutputShape(inputShape: LayerShape | LayerShape[], channels: number | null): LayerShape {
    return windowedOutputShape(this.name, inputShape, { kernel: this.kernelSize, stride: this.strides, dilation: this.dilation, padding: this.padding }, channels);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilation: this.dilation,
      useBias: this.useBias,
      activation: this.activation,
      alpha: this.alpha,
    };
  }
}
