import type { depthwiseConv2dLayer } from '../../../../../shared/layers/depthwise-conv2d';
import type { ParamsOf } from '../../../../../shared/layers/params';
import type { separableConv2dLayer } from '../../../../../shared/layers/separable-conv2d';
import { windowAxis } from '../../../../../shared/layers/window';
import { hwioToOihw } from '../../../../../shared/onnx/weight-layout';
import type { Dim } from '../graph-builder';
import { BATCH_DIM, int, onnxDims } from '../graph-builder';
import { builtInAlpha, emitActivation } from './activation';
import type { EmitContext, OnnxEmitter } from './emitter';
import { onlyInput, paramsOf, requireWeight } from './emitter';

type DepthwiseParams = ParamsOf<typeof depthwiseConv2dLayer.params>;
type SeparableParams = ParamsOf<typeof separableConv2dLayer.params>;

interface DepthwiseSpec {
  kernelSize: number;
  depthMultiplier: number;
  strides: number;
  padding: DepthwiseParams['padding'];
  dilation: number;
}

/**
 * A depthwise convolution as ONNX writes it: a Conv with group = C whose weight is `[C·M, 1, n, n]`.
 * The studio's `[n, n, C, M]` kernel read as `[n, n, C·M, 1]` is that weight in HWIO (output channel
 * c·M + m in both), so the Conv2D transposition applies unchanged.
 */
function emitGroupedConv(context: EmitContext, p: DepthwiseSpec, kernel: { name: string; values: Float32Array }, bias: string | null, output: { name: string; output: string; dims: Dim[] }): string {
  const [height, width, channels] = context.node.inputShapes[0] as [number, number, number];
  const k = p.kernelSize;
  const middle = channels * p.depthMultiplier;
  const weight = context.graph.addFloatInitializer(kernel.name, [middle, 1, k, k], hwioToOihw(kernel.values, [k, k, middle, 1]));
  const spec = { kernel: k, stride: p.strides, dilation: p.dilation, padding: p.padding };
  const rows = windowAxis(height, spec)!;
  const cols = windowAxis(width, spec)!;
  return context.graph.addNode('Conv', bias === null ? [onlyInput(context), weight] : [onlyInput(context), weight, bias], {
    ...output,
    attributes: {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [p.strides, p.strides] },
      dilations: { ints: [p.dilation, p.dilation] },
      pads: { ints: [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter] },
      group: int(channels),
    },
  });
}

/** DepthwiseConv2D → Conv with group = C (+ its activation). */
export const emitDepthwiseConv2d: OnnxEmitter = (context) => {
  const p = paramsOf<DepthwiseParams>(context);
  const { id, inputShapes, outputShape } = context.node;
  const channels = inputShapes[0]![2]!;
  const middle = channels * p.depthMultiplier;
  const kernel = requireWeight(context, 'kernel', [p.kernelSize, p.kernelSize, channels, p.depthMultiplier]);
  const bias = p.useBias ? context.graph.addFloatInitializer(`${id}/bias`, [middle], requireWeight(context, 'bias', [middle])) : null;
  const dims = onnxDims(outputShape);
  const conv = emitGroupedConv(context, p, { name: `${id}/kernel`, values: kernel }, bias, { name: id, output: p.activation === 'linear' ? id : `${id}/conv`, dims });
  return emitActivation(context.graph, conv, p.activation, builtInAlpha(p.activation), { name: `${id}/${p.activation}`, output: id }, dims);
};

/** SeparableConv2D → the grouped Conv (no bias), a 1x1 Conv with the bias, then the activation. */
export const emitSeparableConv2d: OnnxEmitter = (context) => {
  const p = paramsOf<SeparableParams>(context);
  const { id, inputShapes, outputShape } = context.node;
  const channels = inputShapes[0]![2]!;
  const middle = channels * p.depthMultiplier;
  const [outH, outW] = outputShape as [number, number, number];
  const depthwise = requireWeight(context, 'depthwiseKernel', [p.kernelSize, p.kernelSize, channels, p.depthMultiplier]);
  const spatial = emitGroupedConv(context, p, { name: `${id}/depthwise_kernel`, values: depthwise }, null, { name: `${id}/depthwise`, output: `${id}/depthwise`, dims: [BATCH_DIM, middle, outH, outW] });
  const pointwiseShape = [1, 1, middle, p.filters];
  const pointwise = context.graph.addFloatInitializer(`${id}/pointwise_kernel`, [p.filters, middle, 1, 1], hwioToOihw(requireWeight(context, 'pointwiseKernel', pointwiseShape), pointwiseShape));
  const operands = [spatial, pointwise];
  if (p.useBias) operands.push(context.graph.addFloatInitializer(`${id}/bias`, [p.filters], requireWeight(context, 'bias', [p.filters])));
  const dims = onnxDims(outputShape);
  const conv = context.graph.addNode('Conv', operands, {
    name: id,
    output: p.activation === 'linear' ? id : `${id}/conv`,
    dims,
    attributes: { kernel_shape: { ints: [1, 1] }, strides: { ints: [1, 1] }, dilations: { ints: [1, 1] }, pads: { ints: [0, 0, 0, 0] }, group: int(1) },
  });
  return emitActivation(context.graph, conv, p.activation, builtInAlpha(p.activation), { name: `${id}/${p.activation}`, output: id }, dims);
};
