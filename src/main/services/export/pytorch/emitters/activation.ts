import type { activationLayer } from '../../../../../shared/layers/activation';
import type { ActivationName } from '../../../../../shared/layers/activations';
import { LEAKY_RELU_DEFAULT_ALPHA } from '../../../../../shared/layers/activations';
import type { ParamsOf } from '../../../../../shared/layers/params';
import type { PytorchEmitter } from './emitter';
import { inputIsMap, onlyInput, paramsOf, pyFloat } from './emitter';

type ActivationParams = ParamsOf<typeof activationLayer.params>;

/**
 * An activation applied to `expr`. Softmax runs over the channels (dim 1 of NCHW) on a feature map and
 * over the units on a vector: the studio's softmax is over the last axis of NHWC, the same values.
 */
export function applyActivation(activation: ActivationName, expr: string, options: { alpha: number; map: boolean }): string {
  switch (activation) {
    case 'relu':
      return `F.relu(${expr})`;
    case 'relu6':
      return `F.relu6(${expr})`;
    case 'leaky-relu':
      return `F.leaky_relu(${expr}, ${pyFloat(options.alpha)})`;
    case 'elu':
      return `F.elu(${expr}, ${pyFloat(options.alpha)})`;
    case 'sigmoid':
      return `torch.sigmoid(${expr})`;
    case 'tanh':
      return `torch.tanh(${expr})`;
    case 'softmax':
      return `torch.softmax(${expr}, dim=${options.map ? 1 : -1})`;
    case 'linear':
      return expr;
  }
}

/** The slope (leaky-relu) or scale (elu) Conv2D and Dense use: they have no alpha, so PyTorch's defaults. */
export function layerAlpha(activation: ActivationName): number {
  return activation === 'elu' ? 1 : LEAKY_RELU_DEFAULT_ALPHA;
}

/** Activation: the function on its own, with its alpha. */
export const emitActivation: PytorchEmitter = (context) => {
  const p = paramsOf<ActivationParams>(context);
  const input = onlyInput(context);
  return { init: [], forward: (out) => [`${out} = ${applyActivation(p.activation, input, { alpha: p.alpha, map: inputIsMap(context) })}`] };
};
