import type { batchNormLayer } from '../../../../shared/layers/batch-norm';
import type { ParamsOf } from '../../../../shared/layers/params';
import { StudioBatchNorm } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type BatchNormParams = ParamsOf<typeof batchNormLayer.params>;

/** BatchNorm over the channels; frozen, it uses its running statistics in training too. */
export const buildBatchNorm: LayerBuilder = (inputs, context) => {
  const p = paramsOf<BatchNormParams>(context);
  return applyLayer(new StudioBatchNorm({ name: context.name, trainable: p.trainable, epsilon: p.epsilon, momentum: p.momentum }), onlyInput(inputs, context));
};
