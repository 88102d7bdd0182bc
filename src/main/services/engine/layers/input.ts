import * as tf from '@tensorflow/tfjs';
import type { inputLayer } from '../../../../shared/layers/input';
import type { ParamsOf } from '../../../../shared/layers/params';
import type { LayerBuilder } from './builder';
import { paramsOf } from './builder';

type InputParams = ParamsOf<typeof inputLayer.params>;

/** Input: `[height, width, channels]` images, any batch size. */
export const buildInput: LayerBuilder = (_inputs, context) => {
  const p = paramsOf<InputParams>(context);
  const output = tf.input({ shape: [p.height, p.width, p.channels], name: context.name });
  return { output, layers: [output.sourceLayer as tf.layers.Layer] };
};
