import type { batchNormLayer } from '../../../../../shared/layers/batch-norm';
import type { ParamsOf } from '../../../../../shared/layers/params';
import { onnxDims } from '../graph-builder';
import type { OnnxEmitter } from './emitter';
import { onlyInput, paramsOf, requireWeight } from './emitter';

type BatchNormParams = ParamsOf<typeof batchNormLayer.params>;

/**
 * BatchNorm → BatchNormalization in inference form, with the layer's epsilon: y = γ(x − mean)/√(var + ε) + β
 * over the channels (axis 1 of NCHW maps and of `[batch, n]` vectors alike). The momentum is written
 * for information; ONNX's momentum means what the studio's does (the fraction of the average kept).
 */
export const emitBatchNorm: OnnxEmitter = (context) => {
  const p = paramsOf<BatchNormParams>(context);
  const { id, outputShape } = context.node;
  const channels = outputShape[outputShape.length - 1]!;
  const param = (role: 'gamma' | 'beta' | 'movingMean' | 'movingVariance', name: string) =>
    context.graph.addFloatInitializer(`${id}/${name}`, [channels], requireWeight(context, role, [channels]));
  const operands = [onlyInput(context), param('gamma', 'gamma'), param('beta', 'beta'), param('movingMean', 'moving_mean'), param('movingVariance', 'moving_variance')];
  return context.graph.addNode('BatchNormalization', operands, { name: id, output: id, dims: onnxDims(outputShape), attributes: { epsilon: p.epsilon, momentum: p.momentum } });
};
