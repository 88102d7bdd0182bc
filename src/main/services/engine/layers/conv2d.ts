import * as tf from '@tensorflow/tfjs';
import type { conv2dLayer } from '../../../../shared/layers/conv2d';
import { presetFilterValues } from '../../../../shared/layers/filter-presets';
import type { ParamsOf } from '../../../../shared/layers/params';
import { defaultAlpha, isReluLike } from '../activations';
import { StudioConv2D } from '../studio-layers';
import type { LayerBuilder } from './builder';
import { applyLayer, onlyInput, paramsOf } from './builder';

type Conv2DParams = ParamsOf<typeof conv2dLayer.params>;

/** Conv2D: He initialisation before relu-like activations, Glorot otherwise; fixed filters as the start. */
export const buildConv2d: LayerBuilder = (inputs, context) => {
  const p = paramsOf<Conv2DParams>(context);
  const input = onlyInput(inputs, context);
  const channels = input.shape[3] as number;
  const fixed = p.filterPreset ? presetFilterValues(Array.isArray(p.filterPreset) ? p.filterPreset : [p.filterPreset], channels) : p.filterValues;
  const seed = context.seed('kernel');
  const reluLike = isReluLike(p.activation);
  const layer = new StudioConv2D({
    name: context.name,
    trainable: p.trainable,
    filters: p.filters,
    kernelSize: p.kernelSize,
    strides: p.strides,
    padding: p.padding,
    dilation: p.dilation,
    useBias: p.useBias,
    activation: p.activation,
    alpha: defaultAlpha(p.activation),
    kernelInitializer: reluLike ? tf.initializers.heNormal({ seed }) : tf.initializers.glorotUniform({ seed }),
    initialKernel: fixed ? filterValuesToHwio(fixed, p.kernelSize) : null,
  });
  return applyLayer(layer, input);
};

/** `[filter][channel][row][col]` (how people type filters) to TF.js's HWIO `[row][col][channel][filter]`. */
export function filterValuesToHwio(values: number[][][][], kernelSize: number): Float32Array {
  const filters = values.length;
  const channels = values[0]?.length ?? 0;
  const out = new Float32Array(kernelSize * kernelSize * channels * filters);
  values.forEach((filter, f) =>
    filter.forEach((channel, c) =>
      channel.forEach((row, r) =>
        row.forEach((v, k) => {
          out[((r * kernelSize + k) * channels + c) * filters + f] = v;
        }),
      ),
    ),
  );
  return out;
}
