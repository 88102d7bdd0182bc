import { StudioError } from '../../../../../shared/errors';
import type { ParamsOf } from '../../../../../shared/layers/params';
import type { maxPool2dLayer } from '../../../../../shared/layers/pooling';
import { windowAxis } from '../../../../../shared/layers/window';
import { BATCH_DIM, int, onnxDims } from '../graph-builder';
import type { EmitContext, OnnxEmitter } from './emitter';
import { onlyInput, paramsOf } from './emitter';

type PoolParams = ParamsOf<typeof maxPool2dLayer.params>;

/**
 * MaxPool2D/AvgPool2D → MaxPool/AveragePool with explicit pads. Padded cells are never part of the
 * result, as in TF.js: MaxPool never picks a pad, and AveragePool divides by the real cells
 * (count_include_pad = 0).
 */
function emitPool(opType: 'MaxPool' | 'AveragePool'): OnnxEmitter {
  return (context) => {
    const p = paramsOf<PoolParams>(context);
    const { id, inputShapes, outputShape } = context.node;
    const [height, width] = inputShapes[0] as [number, number, number];
    const spec = { kernel: p.poolSize, stride: p.strides, dilation: 1, padding: p.padding };
    const rows = windowAxis(height, spec)!;
    const cols = windowAxis(width, spec)!;
    const pads = [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter];
    if (pads.some((pad) => pad >= p.poolSize)) refuseWidePadding(context, Math.max(...pads), p.poolSize);
    return context.graph.addNode(opType, [onlyInput(context)], {
      name: id,
      output: id,
      dims: onnxDims(outputShape),
      attributes: {
        kernel_shape: { ints: [p.poolSize, p.poolSize] },
        strides: { ints: [p.strides, p.strides] },
        pads: { ints: pads },
        ...(opType === 'AveragePool' ? { count_include_pad: int(0) } : {}),
      },
    });
  };
}

function refuseWidePadding(context: EmitContext, pad: number, window: number): never {
  const { id, kind } = context.node;
  throw new StudioError('invalid-graph', `${kind} ${id} pads its input by ${pad}, which is not less than its ${window}x${window} window; ONNX cannot write windows made only of padding.`, {
    hint: `Set the padding of ${id} below ${window}.`,
    where: id,
  });
}

export const emitMaxPool2d = emitPool('MaxPool');
export const emitAvgPool2d = emitPool('AveragePool');

/** GlobalAvgPool/GlobalMaxPool → the global pool (`[batch, C, 1, 1]`) then Squeeze to `[batch, C]`. */
function emitGlobalPool(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): OnnxEmitter {
  return (context) => {
    const { id, outputShape } = context.node;
    const channels = outputShape[0]!;
    const pooled = context.graph.addNode(opType, [onlyInput(context)], { name: id, output: `${id}/pooled`, dims: [BATCH_DIM, channels, 1, 1] });
    return context.graph.squeeze(pooled, [2, 3], { name: `${id}/squeeze`, output: id, dims: onnxDims(outputShape) });
  };
}

export const emitGlobalAvgPool = emitGlobalPool('GlobalAveragePool');
export const emitGlobalMaxPool = emitGlobalPool('GlobalMaxPool');
