import type { outputLayer } from '../../../../shared/layers/output';
import type { ParamsOf } from '../../../../shared/layers/params';
import type { LayerBuilder } from './builder';
import { onlyInput, paramsOf } from './builder';
import { buildFullyConnected } from './dense';

type OutputParams = ParamsOf<typeof outputLayer.params>;

/** Output: a Dense layer with one unit per class and softmax. */
export const buildOutput: LayerBuilder = (inputs, context) => {
  const p = paramsOf<OutputParams>(context);
  return buildFullyConnected(onlyInput(inputs, context), context, p.classes, 'softmax', p.useBias, p.trainable);
};
