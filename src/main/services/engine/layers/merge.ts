import * as tf from '@tensorflow/tfjs';
import type { LayerBuilder } from './builder';
import { applyLayer } from './builder';

/** Add: element-wise sum of the inputs. */
export const buildAdd: LayerBuilder = (inputs, context) => applyLayer(tf.layers.add({ name: context.name }), inputs);

/** Concatenate: along the channels (the last axis), inputs in edge order. */
export const buildConcatenate: LayerBuilder = (inputs, context) => applyLayer(tf.layers.concatenate({ name: context.name, axis: -1 }), inputs);
