import type { conv2dLayer } from '../../../../../shared/layers/conv2d';
import type { ParamsOf } from '../../../../../shared/layers/params';
import { windowAxis } from '../../../../../shared/layers/window';
import { hwioToOihw } from '../../../../../shared/onnx/weight-layout';
import { int, onnxDims } from '../graph-builder';
import { builtInAlpha, emitActivation } from './activation';
import type { OnnxEmitter } from './emitter';
import { onlyInput, paramsOf, requireWeight } from './emitter';

type Conv2DParams = ParamsOf<typeof conv2dLayer.params>;

/**
 * Conv2D → Conv (+ its activation). The kernel goes from TF.js's HWIO to ONNX's OIHW; every padding is
 * written as explicit pads computed as TF.js computes them ("same" puts an odd extra zero bottom/right).
 */
export const emitConv2d: OnnxEmitter = (context) => {
  const p = paramsOf<Conv2DParams>(context);
  const { id, inputShapes, outputShape } = context.node;
  const [height, width, channels] = inputShapes[0] as [number, number, number];
  const k = p.kernelSize;
  const hwio = [k, k, channels, p.filters];
  const kernel = context.graph.addFloatInitializer(`${id}/kernel`, [p.filters, channels, k, k], hwioToOihw(requireWeight(context, 'kernel', hwio), hwio));
  const inputs = [onlyInput(context), kernel];
  if (p.useBias) inputs.push(context.graph.addFloatInitializer(`${id}/bias`, [p.filters], requireWeight(context, 'bias', [p.filters])));
  const spec = { kernel: k, stride: p.strides, dilation: p.dilation, padding: p.padding };
  const rows = windowAxis(height, spec)!;
  const cols = windowAxis(width, spec)!;
  const dims = onnxDims(outputShape);
  const linear = p.activation === 'linear';
  const conv = context.graph.addNode('Conv', inputs, {
    name: id,
    output: linear ? id : `${id}/conv`,
    dims,
    attributes: {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [p.strides, p.strides] },
      dilations: { ints: [p.dilation, p.dilation] },
      pads: { ints: [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter] },
      group: int(1),
    },
  });
  return emitActivation(context.graph, conv, p.activation, builtInAlpha(p.activation), { name: `${id}/${p.activation}`, output: id }, dims);
};
