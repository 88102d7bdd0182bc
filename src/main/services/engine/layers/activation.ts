import type * as tf from '@tensorflow/tfjs';
import type { activationLayer as activationDeclaration } from '../../../../shared/layers/activation';
import type { ActivationName } from '../../../../shared/layers/activations';
import type { ParamsOf } from '../../../../shared/layers/params';
import { StudioActivation } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type ActivationParams = ParamsOf<typeof activationDeclaration.params>;

/** A TF.js layer applying one of the studio's activations (softmax over the last axis). */
export function activationLayer(name: string, activation: ActivationName, alpha: number): tf.layers.Layer {
  return new StudioActivation({ name, activation, alpha });
}

/** Activation: the function on its own; alpha is leaky-relu's slope and elu's scale below zero. */
export const buildActivation: LayerBuilder = (inputs, context) => {
  const p = paramsOf<ActivationParams>(context);
  return applyLayer(activationLayer(context.name, p.activation, p.alpha), onlyInput(inputs, context));
};
