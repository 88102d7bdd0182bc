import * as tf from '@tensorflow/tfjs';
import type { ParamsOf } from '../../../../shared/layers/params';
import type { maxPool2dLayer } from '../../../../shared/layers/pooling';
import { StudioPool2D } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type PoolParams = ParamsOf<typeof maxPool2dLayer.params>;

function buildPool(mode: 'max' | 'avg'): LayerBuilder {
  return (inputs, context) => {
    const p = paramsOf<PoolParams>(context);
    return applyLayer(new StudioPool2D({ name: context.name, mode, poolSize: p.poolSize, strides: p.strides, padding: p.padding }), onlyInput(inputs, context));
  };
}

/** MaxPool2D: padded cells never win the max. */
export const buildMaxPool2d = buildPool('max');
/** AvgPool2D: the average of the real (unpadded) cells of each window. */
export const buildAvgPool2d = buildPool('avg');

/** GlobalAvgPool: one mean per channel. */
export const buildGlobalAvgPool: LayerBuilder = (inputs, context) =>
  applyLayer(tf.layers.globalAveragePooling2d({ name: context.name, dataFormat: 'channelsLast' }), onlyInput(inputs, context));

/** GlobalMaxPool: one maximum per channel. */
export const buildGlobalMaxPool: LayerBuilder = (inputs, context) =>
  applyLayer(tf.layers.globalMaxPooling2d({ name: context.name, dataFormat: 'channelsLast' }), onlyInput(inputs, context));
