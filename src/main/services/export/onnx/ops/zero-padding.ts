import type { ParamsOf } from '../../../../../shared/layers/params';
import type { zeroPadding2dLayer } from '../../../../../shared/layers/zero-padding';
import { onnxDims } from '../graph-builder';
import type { OnnxEmitter } from './emitter';
import { onlyInput, paramsOf } from './emitter';

type ZeroPaddingParams = ParamsOf<typeof zeroPadding2dLayer.params>;

/** ZeroPadding2D → Pad (constant zeros; the pads are an int64 input from opset 11, NCHW order: begins then ends). */
export const emitZeroPadding2d: OnnxEmitter = (context) => {
  const p = paramsOf<ZeroPaddingParams>(context);
  const { id, outputShape } = context.node;
  const pads = context.graph.addInt64Initializer(`${id}/pads`, [0, 0, p.top, p.left, 0, 0, p.bottom, p.right]);
  return context.graph.addNode('Pad', [onlyInput(context), pads], { name: id, output: id, dims: onnxDims(outputShape), attributes: { mode: 'constant' } });
};
