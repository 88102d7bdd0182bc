import type { denseLayer } from '../../../../../shared/layers/dense';
import type { outputLayer } from '../../../../../shared/layers/output';
import type { ParamsOf } from '../../../../../shared/layers/params';
import { applyActivation, layerAlpha } from './activation';
import type { PytorchEmitter } from './emitter';
import { onlyInput, paramsOf } from './emitter';

type DenseParams = ParamsOf<typeof denseLayer.params>;
type OutputParams = ParamsOf<typeof outputLayer.params>;

function linear(inputs: number, units: number, useBias: boolean): string {
  return `nn.Linear(${inputs}, ${units}${useBias ? '' : ', bias=False'})`;
}

/** Dense as nn.Linear; its kernel is the studio's `[inputs, units]` transposed. */
export const emitDense: PytorchEmitter = (context) => {
  const p = paramsOf<DenseParams>(context);
  const input = onlyInput(context);
  return {
    init: [`self.${context.name} = ${linear(context.node.inputShapes[0]![0]!, p.units, p.useBias)}`],
    forward: (out) => [`${out} = ${applyActivation(p.activation, `self.${context.name}(${input})`, { alpha: layerAlpha(p.activation), map: false })}`],
    weights: 'dense',
    frozen: !p.trainable,
  };
};

/** Output: nn.Linear to one logit per class; the network returns their softmax unless `return_logits`. */
export const emitOutput: PytorchEmitter = (context) => {
  const p = paramsOf<OutputParams>(context);
  const input = onlyInput(context);
  return {
    init: [`self.${context.name} = ${linear(context.node.inputShapes[0]![0]!, p.classes, p.useBias)}`],
    forward: (out) => [`${out} = self.${context.name}(${input})`, `return ${out} if self.return_logits else torch.softmax(${out}, dim=-1)`],
    weights: 'dense',
    frozen: !p.trainable,
  };
};
