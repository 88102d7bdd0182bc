import { int, onnxDims } from '../graph-builder';
import type { OnnxEmitter } from './emitter';

/** Add → Add for two inputs (the usual skip connection), Sum for more. */
export const emitAdd: OnnxEmitter = (context) => {
  const { id, outputShape } = context.node;
  return context.graph.addNode(context.inputs.length === 2 ? 'Add' : 'Sum', context.inputs, { name: id, output: id, dims: onnxDims(outputShape) });
};

/** Concatenate → Concat on axis 1: the channels of NCHW maps, the values of vectors. */
export const emitConcatenate: OnnxEmitter = (context) => {
  const { id, outputShape } = context.node;
  return context.graph.addNode('Concat', context.inputs, { name: id, output: id, dims: onnxDims(outputShape), attributes: { axis: int(1) } });
};
