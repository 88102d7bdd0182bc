import type { ParamsOf } from '../../../../../shared/layers/params';
import type { maxPool2dLayer } from '../../../../../shared/layers/pooling';
import type { PytorchEmitter } from './emitter';
import { onlyInput, padTuple, paramsOf, symmetricPad, windowPads } from './emitter';

type PoolParams = ParamsOf<typeof maxPool2dLayer.params>;

function windowArgs(p: PoolParams): string {
  return p.strides === p.poolSize ? `${p.poolSize}` : `${p.poolSize}, stride=${p.strides}`;
}

/**
 * MaxPool2D. Padded cells never win the max, as in TF.js: nn.MaxPool2d pads with -inf itself when
 * the pad is equal on all sides and at most half the window (its limit); otherwise an explicit F.pad
 * with -inf comes first.
 */
export const emitMaxPool2d: PytorchEmitter = (context) => {
  const p = paramsOf<PoolParams>(context);
  const input = onlyInput(context);
  const pads = windowPads(context, p.poolSize, p.strides, 1, p.padding);
  const symmetric = symmetricPad(pads);
  const inModule = symmetric !== null && symmetric <= Math.floor(p.poolSize / 2);
  return {
    init: [`self.${context.name} = nn.MaxPool2d(${windowArgs(p)}${inModule && symmetric ? `, padding=${symmetric}` : ''})`],
    forward: (out) =>
      inModule
        ? [`${out} = self.${context.name}(${input})`]
        : [`${out} = self.${context.name}(F.pad(${input}, ${padTuple(pads)}, value=float("-inf")))`],
  };
};

/**
 * AvgPool2D: the average of the real cells of each window, as in TF.js. nn.AvgPool2d does that with
 * count_include_pad=False for an equal pad of at most half the window; other pads (an odd `same`)
 * divide the window sums by the number of real cells explicitly.
 */
export const emitAvgPool2d: PytorchEmitter = (context) => {
  const p = paramsOf<PoolParams>(context);
  const input = onlyInput(context);
  const pads = windowPads(context, p.poolSize, p.strides, 1, p.padding);
  const symmetric = symmetricPad(pads);
  if (symmetric === 0) return { init: [`self.${context.name} = nn.AvgPool2d(${windowArgs(p)})`], forward: (out) => [`${out} = self.${context.name}(${input})`] };
  if (symmetric !== null && symmetric <= Math.floor(p.poolSize / 2)) {
    return {
      init: [`self.${context.name} = nn.AvgPool2d(${windowArgs(p)}, padding=${symmetric}, count_include_pad=False)`],
      forward: (out) => [`${out} = self.${context.name}(${input})`],
    };
  }
  return {
    init: [`self.${context.name} = nn.AvgPool2d(${windowArgs(p)})`],
    forward: (out) => [`${out} = average_of_real_cells(self.${context.name}, ${input}, ${padTuple(pads)})`],
    helpers: ['average_of_real_cells'],
  };
};

/** GlobalAvgPool: one mean per channel. */
export const emitGlobalAvgPool: PytorchEmitter = (context) => ({
  init: [],
  forward: (out) => [`${out} = torch.flatten(F.adaptive_avg_pool2d(${onlyInput(context)}, 1), 1)`],
});

/** GlobalMaxPool: one maximum per channel. */
export const emitGlobalMaxPool: PytorchEmitter = (context) => ({
  init: [],
  forward: (out) => [`${out} = torch.flatten(F.adaptive_max_pool2d(${onlyInput(context)}, 1), 1)`],
});
