import { BATCH_DIM, onnxDims } from '../graph-builder';
import type { OnnxEmitter } from './emitter';

/**
 * Input → the graph input, named after the node. NCHW by default; with the `nhwc` layout the graph takes
 * `[batch, H, W, C]` images (as TF.js and the studio hold them) and a Transpose makes them NCHW.
 */
export const emitInput: OnnxEmitter = (context) => {
  const { id, outputShape } = context.node;
  const [height, width, channels] = outputShape as [number, number, number];
  if (context.options.layout === 'nchw') return context.graph.addGraphInput(id, onnxDims(outputShape));
  const input = context.graph.addGraphInput(id, [BATCH_DIM, height, width, channels]);
  return context.graph.addNode('Transpose', [input], { name: `${id}/to_nchw`, output: `${id}/nchw`, dims: onnxDims(outputShape), attributes: { perm: { ints: [0, 3, 1, 2] } } });
};
