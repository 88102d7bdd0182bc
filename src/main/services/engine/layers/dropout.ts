import type { dropoutLayer } from '../../../../shared/layers/dropout';
import type { ParamsOf } from '../../../../shared/layers/params';
import { StudioDropout } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type DropoutParams = ParamsOf<typeof dropoutLayer.params>;

/** Dropout with a seeded mask that changes at every step. */
export const buildDropout: LayerBuilder = (inputs, context) => {
  const p = paramsOf<DropoutParams>(context);
  return applyLayer(new StudioDropout({ name: context.name, rate: p.rate, seed: context.seed('mask') ?? null }), onlyInput(inputs, context));
};
