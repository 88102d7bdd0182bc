import * as tf from '@tensorflow/tfjs';
import type { ParamsOf } from '../../../../shared/layers/params';
import type { zeroPadding2dLayer } from '../../../../shared/layers/zero-padding';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type ZeroPaddingParams = ParamsOf<typeof zeroPadding2dLayer.params>;

/** ZeroPadding2D: tf.layers.zeroPadding2d with each side's own count (its gradient is a slice, on every backend). */
export const buildZeroPadding2d: LayerBuilder = (inputs, context) => {
  const p = paramsOf<ZeroPaddingParams>(context);
  return applyLayer(
    tf.layers.zeroPadding2d({ name: context.name, padding: [[p.top, p.bottom], [p.left, p.right]], dataFormat: 'channelsLast' }),
    onlyInput(inputs, context),
  );
};
