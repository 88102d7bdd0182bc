import type { Conv2DAttrs, GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { convFilterGradient, convInputGradient } from './conv2d-gradient-math';
import { tfConvGradientOps } from './conv2d-gradient-ops';

/**
 * The Conv2D gradient, on every backend. Without dilation it is TF.js's own (the two backprop kernels,
 * which are project-made and fast on wasm); with dilation, where TF.js 4.22 refuses ("dilation rates
 * greater than 1 are not yet supported in gradients"), it is the forward-convolution formulation on
 * public ops.
 */
export const conv2dGradient: GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const grad = dy as Tensor4D;
    const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    const dilation = typeof dilations === 'number' ? [dilations, dilations] : dilations;
    if (dilation.every((d) => d === 1)) {
      const rounding = dimRoundingMode ? { dimRoundingMode } : {};
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: grad, filter }, { strides, pad, dataFormat, ...rounding, inputShape: x.shape } as unknown as NamedAttrMap) as Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: grad }, { strides, pad, dataFormat, ...rounding, filterShape: filter.shape } as unknown as NamedAttrMap) as Tensor,
      };
    }
    if (dataFormat !== 'NHWC') throw new Error(`Dilated Conv2D gradients support NHWC only, got ${dataFormat}.`);
    const info = backend_util.computeConv2DInfo(x.shape, filter.shape, strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
    const { top, bottom, left, right } = info.padInfo;
    const g = { strides: [info.strideHeight, info.strideWidth] as [number, number], dilations: [info.dilationHeight, info.dilationWidth] as [number, number], pads: [top, bottom, left, right] as [number, number, number, number] };
    return {
      x: () => convInputGradient(tfConvGradientOps, grad, filter, x.shape, g),
      filter: () => convFilterGradient(tfConvGradientOps, x, grad, filter.shape, g),
    };
  },
};
