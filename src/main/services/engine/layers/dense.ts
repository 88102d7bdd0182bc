import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from '../../../../shared/layers/activations';
import type { denseLayer } from '../../../../shared/layers/dense';
import type { ParamsOf } from '../../../../shared/layers/params';
import { defaultAlpha, isReluLike } from '../activations';
import { activationLayer } from './activation';
import type { BuiltNode, LayerBuildContext, LayerBuilder } from './builder';
import { onlyInput, paramsOf } from './builder';

type DenseParams = ParamsOf<typeof denseLayer.params>;

/** tf.layers.dense's own activation strings: the same functions, with elu's scale 1. */
const NATIVE: Partial<Record<ActivationName, 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear'>> = {
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  linear: 'linear',
};

/** A fully-connected layer (Dense and Output share it), with a helper layer for leaky-relu. */
export function buildFullyConnected(input: tf.SymbolicTensor, context: LayerBuildContext, units: number, activation: ActivationName, useBias: boolean, trainable: boolean): BuiltNode {
  const reluLike = isReluLike(activation);
  const seed = context.seed('kernel');
  const native = NATIVE[activation];
  const layer = tf.layers.dense({
    name: context.name,
    units,
    useBias,
    trainable,
    activation: native ?? 'linear',
    kernelInitializer: reluLike ? tf.initializers.heNormal({ seed }) : tf.initializers.glorotUniform({ seed }),
    biasInitializer: 'zeros',
  });
  const dense = layer.apply(input) as tf.SymbolicTensor;
  if (native) return { output: dense, layers: [layer] };
  // leaky-relu has no activation string in TF.js: a helper layer follows.
  const act = activationLayer(`${context.name}/${activation}`, activation, defaultAlpha(activation));
  return { output: act.apply(dense) as tf.SymbolicTensor, layers: [layer, act] };
}

/** Dense: fully connected, He or Glorot initialisation as for Conv2D. */
export const buildDense: LayerBuilder = (inputs, context) => {
  const p = paramsOf<DenseParams>(context);
  return buildFullyConnected(onlyInput(inputs, context), context, p.units, p.activation, p.useBias, p.trainable);
};
