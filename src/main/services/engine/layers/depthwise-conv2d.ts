import * as tf from '@tensorflow/tfjs';
import type { depthwiseConv2dLayer } from '../../../../shared/layers/depthwise-conv2d';
import type { ParamsOf } from '../../../../shared/layers/params';
import { defaultAlpha, isReluLike } from '../activations';
import { StudioDepthwiseConv2D } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type DepthwiseParams = ParamsOf<typeof depthwiseConv2dLayer.params>;

/**
 * The initialiser of a depthwise kernel `[n, n, C, M]`. Each output sees n·n inputs, not n·n·C as
 * TF.js's initialisers would read from the shape, so He and Glorot are computed with those fans.
 */
export function depthwiseInitializer(kernelSize: number, multiplier: number, reluLike: boolean, seed: number | undefined) {
  const fanIn = kernelSize * kernelSize;
  if (reluLike) {
    // He normal as TF.js draws it: a truncated normal, its standard deviation corrected for the truncation.
    return tf.initializers.truncatedNormal({ mean: 0, stddev: Math.sqrt(2 / fanIn) / 0.8796256610342398, seed });
  }
  const limit = Math.sqrt(6 / (fanIn + fanIn * multiplier));
  return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed });
}

/** DepthwiseConv2D: M filters per input channel, He or Glorot initialisation with the per-channel fan. */
export const buildDepthwiseConv2d: LayerBuilder = (inputs, context) => {
  const p = paramsOf<DepthwiseParams>(context);
  const layer = new StudioDepthwiseConv2D({
    name: context.name,
    trainable: p.trainable,
    kernelSize: p.kernelSize,
    depthMultiplier: p.depthMultiplier,
    strides: p.strides,
    padding: p.padding,
    dilation: p.dilation,
    useBias: p.useBias,
    activation: p.activation,
    alpha: defaultAlpha(p.activation),
    kernelInitializer: depthwiseInitializer(p.kernelSize, p.depthMultiplier, isReluLike(p.activation), context.seed('kernel')),
  });
  return applyLayer(layer, onlyInput(inputs, context));
};
