import type { conv2dLayer } from '../../../../../shared/layers/conv2d';
import { presetFilterValues } from '../../../../../shared/layers/filter-presets';
import type { ParamsOf } from '../../../../../shared/layers/params';
import { applyActivation, layerAlpha } from './activation';
import type { PytorchEmitter } from './emitter';
import { onlyInput, padTuple, paramsOf, symmetricPad, windowPads } from './emitter';

type Conv2DParams = ParamsOf<typeof conv2dLayer.params>;

/**
 * Conv2D as nn.Conv2d. Equal zeros on every side go into its `padding`; `same` with an odd total
 * (TF.js puts the extra zero bottom/right, PyTorch cannot) becomes an explicit F.pad before it.
 */
export const emitConv2d: PytorchEmitter = (context) => {
  const p = paramsOf<Conv2DParams>(context);
  const input = onlyInput(context);
  const channels = context.node.inputShapes[0]![2]!;
  const pads = windowPads(context, p.kernelSize, p.strides, p.dilation, p.padding);
  const symmetric = symmetricPad(pads);
  const args = [`${channels}`, `${p.filters}`, `kernel_size=${p.kernelSize}`];
  if (p.strides !== 1) args.push(`stride=${p.strides}`);
  if (symmetric) args.push(`padding=${symmetric}`);
  if (p.dilation !== 1) args.push(`dilation=${p.dilation}`);
  if (!p.useBias) args.push('bias=False');
  const fixed = p.filterPreset ? presetFilterValues(Array.isArray(p.filterPreset) ? p.filterPreset : [p.filterPreset], channels) : p.filterValues;
  return {
    init: [`self.${context.name} = nn.Conv2d(${args.join(', ')})`],
    forward(out) {
      const lines: string[] = [];
      let source = input;
      if (symmetric === null) {
        lines.push(`${out} = F.pad(${input}, ${padTuple(pads)})  # "same" as TF.js: the odd zero goes bottom/right`);
        source = out;
      }
      lines.push(`${out} = ${applyActivation(p.activation, `self.${context.name}(${source})`, { alpha: layerAlpha(p.activation), map: true })}`);
      return lines;
    },
    weights: 'conv2d',
    frozen: !p.trainable,
    ...(fixed ? { fixedFilters: fixed } : {}),
  };
};
