import * as tf from '@tensorflow/tfjs';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput } from './builder';

/**
 * Flatten: row by row, channels fastest (TF.js's NHWC order, which the exporters follow). On a vector
 * (allowed by the shape rule) it changes nothing, which tf.layers.flatten refuses: a reshape does it.
 */
export const buildFlatten: LayerBuilder = (inputs, context) => {
  const input = onlyInput(inputs, context);
  if (input.shape.length > 2) return applyLayer(tf.layers.flatten({ name: context.name }), input);
  return applyLayer(tf.layers.reshape({ name: context.name, targetShape: [input.shape[1] as number] }), input);
};
