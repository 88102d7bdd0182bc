import type { batchNormLayer } from '../../../../../shared/layers/batch-norm';
import type { dropoutLayer } from '../../../../../shared/layers/dropout';
import type { ParamsOf } from '../../../../../shared/layers/params';
import type { PytorchEmitter } from './emitter';
import { inputIsMap, onlyInput, paramsOf, pyFloat } from './emitter';

type BatchNormParams = ParamsOf<typeof batchNormLayer.params>;
type DropoutParams = ParamsOf<typeof dropoutLayer.params>;

/**
 * BatchNorm over the channels. The studio's momentum is the fraction of the running averages kept
 * (0.9), PyTorch's the fraction replaced (0.1). Frozen, it normalises with its running statistics in
 * training too, so the model keeps it in eval mode.
 */
export const emitBatchNorm: PytorchEmitter = (context) => {
  const p = paramsOf<BatchNormParams>(context);
  const input = onlyInput(context);
  const shape = context.node.inputShapes[0]!;
  const channels = shape[shape.length - 1]!;
  const kind = inputIsMap(context) ? 'BatchNorm2d' : 'BatchNorm1d';
  // 1 − 0.9 is 0.09999999999999998 in floating point; the rounded value is what people wrote.
  const momentum = Number((1 - p.momentum).toPrecision(12));
  return {
    init: [`self.${context.name} = nn.${kind}(${channels}, eps=${pyFloat(p.epsilon)}, momentum=${pyFloat(momentum)})`],
    forward: (out) => [`${out} = self.${context.name}(${input})`],
    weights: 'batch_norm',
    frozen: !p.trainable,
    frozenBatchNorm: !p.trainable,
  };
};

/** Dropout: nn.Dropout, the same inverted scaling as TF.js (kept values divided by 1 − rate). */
export const emitDropout: PytorchEmitter = (context) => {
  const p = paramsOf<DropoutParams>(context);
  const input = onlyInput(context);
  return { init: [`self.${context.name} = nn.Dropout(${pyFloat(p.rate)})`], forward: (out) => [`${out} = self.${context.name}(${input})`] };
};
