import type { Padding } from '../../../../../../shared/layers/params';
import { oihwToHwio } from '../../../../../../shared/onnx/weight-layout';
import type { MapShape } from '../../../../../../shared/tensor-shape';
import type { ImportContext, MapValue } from '../import-context';
import { constInput, float32, idHints, intAttribute, intsAttribute, mapInput, padded, patternError, setOutput, soleConsumer } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';
import type { WindowGeometry } from '../padding';
import { nodePads, studioPadding } from '../padding';

/**
 * The studio padding of a Conv node on its input. A Pad node before it folds in when the sum is one
 * of the studio's paddings; otherwise its zeros become a ZeroPadding2D node and the Conv keeps its own.
 */
function convPadding(context: ImportContext, node: ReadNode, input: MapValue, geometry: WindowGeometry): { x: MapValue; padding: Padding } {
  let x = input;
  const fit = (value: MapValue) => {
    const size: [number, number] = [value.shape[0], value.shape[1]];
    const pads = nodePads(node, size, geometry, value.pad?.pads);
    return { pads, padding: pads && studioPadding(size, geometry, pads) };
  };
  let result = fit(x);
  if ((result.padding === null || result.padding === undefined) && x.pad && x.pad.value === 0) {
    x = padded(context, node, x);
    result = fit(x);
  }
  if (result.padding === null || result.padding === undefined) {
    throw patternError(context, node, `pads its input by [${result.pads?.join(', ') ?? '?'}] (top, left, bottom, right), which no "valid", "same" or equal padding reproduces`);
  }
  return { x, padding: result.padding };
}

/**
 * Conv → Conv2D (group 1) or DepthwiseConv2D (group = input channels: ONNX's and PyTorch's depthwise
 * convolution, weight `[C·M, 1, n, n]`), linear: a following activation folds in later. OIHW weights
 * become HWIO; a depthwise weight read as `[1, C·M, n, n]` becomes the studio's `[n, n, C, M]`. A 1x1
 * Conv straight after a bias-free, linear DepthwiseConv2D that nothing else reads makes the two a
 * SeparableConv2D (Keras's, as tf2onnx writes it; the studio's own exports).
 */
export function importConv(context: ImportContext, node: ReadNode): void {
  const input = mapInput(context, node, 0, { allowPad: true });
  const weight = constInput(context, node, 1, 'weights');
  if (weight.dims.length !== 4) throw patternError(context, node, `has ${weight.dims.length}-D weights; only 2-D convolutions (4-D weights) are supported`);
  const [filters, weightChannels, kh, kw] = weight.dims as [number, number, number, number];
  const channels = input.shape[2];
  const group = intAttribute(node, 'group', 1);
  const depthwise = group > 1 && group === channels && weightChannels === 1 && filters % channels === 0;
  if (group !== 1 && !depthwise) {
    throw patternError(context, node, `is a grouped convolution (${group} groups of ${weightChannels} of the ${channels} channels); the studio has ordinary (1 group) and depthwise (one group per channel) convolutions`);
  }
  if (!depthwise && weightChannels !== channels) throw patternError(context, node, `has weights for ${weightChannels} input channels but receives ${channels}`);
  if (kh !== kw) throw patternError(context, node, `has a ${kh}x${kw} kernel; the studio's kernels are square`);
  const strides = intsAttribute(node, 'strides') ?? [1, 1];
  const dilations = intsAttribute(node, 'dilations') ?? [1, 1];
  if (strides[0] !== strides[1]) throw patternError(context, node, `has strides ${strides.join('x')}; the studio's strides are the same on both axes`);
  if (dilations[0] !== dilations[1]) throw patternError(context, node, `has dilations ${dilations.join('x')}; the studio's dilations are the same on both axes`);
  if (input.pad && input.pad.value !== 0) throw patternError(context, node, `reads the Pad node ${input.pad.source}, which pads with ${input.pad.value} instead of zeros`);
  const geometry = { kernel: kh, stride: strides[0]!, dilation: dilations[0]! };
  const { x, padding } = convPadding(context, node, input, geometry);
  const bias = node.inputs[2] ? constInput(context, node, 2, 'bias') : undefined;
  const biasWeight = bias ? { bias: { shape: [filters], values: float32(bias) } } : {};
  if (depthwise) {
    const multiplier = filters / channels;
    const kernel = { shape: [kh, kw, channels, multiplier], values: oihwToHwio(float32(weight), [1, filters, kh, kw]) };
    const params = { kernelSize: kh, depthMultiplier: multiplier, strides: geometry.stride, padding, dilation: geometry.dilation, useBias: bias !== undefined, activation: 'linear' };
    const created = context.assembler.add('DepthwiseConv2D', params, [x.node], idHints(node, node.inputs[1]), node.name, { kernel, ...biasWeight });
    setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: 'nchw' });
    return;
  }
  const kernel = { shape: [kh, kw, channels, filters], values: oihwToHwio(float32(weight), weight.dims) };
  if (kh === 1 && geometry.stride === 1 && padding === 'valid' && foldIntoSeparable(context, node, x, kernel, bias ? float32(bias) : null)) return;
  const params = { filters, kernelSize: kh, strides: geometry.stride, padding, dilation: geometry.dilation, useBias: bias !== undefined, activation: 'linear' };
  const created = context.assembler.add('Conv2D', params, [x.node], idHints(node, node.inputs[1]), node.name, { kernel, ...biasWeight });
  setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: 'nchw' });
}

/**
 * A 1x1 Conv on a bare depthwise convolution's output: the two become one SeparableConv2D, named after
 * the 1x1 Conv (the studio's own export names that one after the node).
 */
function foldIntoSeparable(context: ImportContext, node: ReadNode, x: MapValue, pointwise: { shape: number[]; values: Float32Array }, bias: Float32Array | null): boolean {
  const producer = context.assembler.nodes.get(x.node);
  if (!producer || producer.kind !== 'DepthwiseConv2D' || producer.params.useBias !== false || producer.params.activation !== 'linear' || !soleConsumer(context, node.inputs[0]!)) return false;
  const depthwise = context.assembler.weights[producer.id]!.kernel!;
  const filters = pointwise.shape[3]!;
  const { kernelSize, depthMultiplier, strides, padding, dilation } = producer.params;
  context.assembler.remove(producer.id);
  const params = { filters, kernelSize, depthMultiplier, strides, padding, dilation, useBias: bias !== null, activation: 'linear' };
  const weights = { depthwiseKernel: depthwise, pointwiseKernel: pointwise, ...(bias ? { bias: { shape: [filters], values: bias } } : {}) };
  const created = context.assembler.add('SeparableConv2D', params, producer.inputs, [...idHints(node, node.inputs[1]), producer.id], `${producer.source} and ${node.name}`, weights);
  setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: 'nchw' });
  return true;
}
