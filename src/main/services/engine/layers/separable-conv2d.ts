import * as tf from '@tensorflow/tfjs';
import type { ParamsOf } from '../../../../shared/layers/params';
import type { separableConv2dLayer } from '../../../../shared/layers/separable-conv2d';
import { defaultAlpha, isReluLike } from '../activations';
import { StudioSeparableConv2D } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';
import { depthwiseInitializer } from './depthwise-conv2d';

type SeparableParams = ParamsOf<typeof separableConv2dLayer.params>;

/** SeparableConv2D: the depthwise step starts linear (Glorot), the pointwise step as a Conv2D with the layer's activation. */
export const buildSeparableConv2d: LayerBuilder = (inputs, context) => {
  const p = paramsOf<SeparableParams>(context);
  const pointwiseSeed = context.seed('pointwiseKernel');
  const layer = new StudioSeparableConv2D({
    name: context.name,
    trainable: p.trainable,
    filters: p.filters,
    kernelSize: p.kernelSize,
    depthMultiplier: p.depthMultiplier,
    strides: p.strides,
    padding: p.padding,
    dilation: p.dilation,
    useBias: p.useBias,
    activation: p.activation,
    alpha: defaultAlpha(p.activation),
    depthwiseInitializer: depthwiseInitializer(p.kernelSize, p.depthMultiplier, false, context.seed('depthwiseKernel')),
    pointwiseInitializer: isReluLike(p.activation) ? tf.initializers.heNormal({ seed: pointwiseSeed }) : tf.initializers.glorotUniform({ seed: pointwiseSeed }),
  });
  return applyLayer(layer, onlyInput(inputs, context));
};
