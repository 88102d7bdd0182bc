import { oihwToHwio } from '../../../../../../shared/onnx/weight-layout';
import type { MapShape } from '../../../../../../shared/tensor-shape';
import type { ImportContext } from '../import-context';
import { constInput, float32, idHints, intAttribute, intsAttribute, mapInput, patternError, setOutput } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';
import { nodePads, studioPadding } from '../padding';

/** Conv → Conv2D (linear; a following activation folds in later). OIHW weights become HWIO. */
export function importConv(context: ImportContext, node: ReadNode): void {
  const x = mapInput(context, node, 0, { allowPad: true });
  const weight = constInput(context, node, 1, 'weights');
  const [filters, inChannels, kh, kw] = weight.dims as [number, number, number, number];
  if (weight.dims.length !== 4) throw patternError(context, node, `has ${weight.dims.length}-D weights; only 2-D convolutions (4-D weights) are supported`);
  const group = intAttribute(node, 'group', 1);
  if (group !== 1) throw patternError(context, node, `is a grouped or depthwise convolution (group = ${group}), which the studio's Conv2D does not have`);
  if (inChannels !== x.shape[2]) throw patternError(context, node, `has weights for ${inChannels} input channels but receives ${x.shape[2]}`);
  if (kh !== kw) throw patternError(context, node, `has a ${kh}x${kw} kernel; the studio's kernels are square`);
  const strides = intsAttribute(node, 'strides') ?? [1, 1];
  const dilations = intsAttribute(node, 'dilations') ?? [1, 1];
  if (strides[0] !== strides[1]) throw patternError(context, node, `has strides ${strides.join('x')}; the studio's strides are the same on both axes`);
  if (dilations[0] !== dilations[1]) throw patternError(context, node, `has dilations ${dilations.join('x')}; the studio's dilations are the same on both axes`);
  if (x.pad && x.pad.value !== 0) throw patternError(context, node, `reads the Pad node ${x.pad.source}, which pads with ${x.pad.value} instead of zeros`);
  const geometry = { kernel: kh, stride: strides[0]!, dilation: dilations[0]! };
  const size: [number, number] = [x.shape[0], x.shape[1]];
  const pads = nodePads(node, size, geometry, x.pad?.pads);
  const padding = pads && studioPadding(size, geometry, pads);
  if (padding === null || padding === undefined) throw patternError(context, node, `pads its input by [${pads?.join(', ') ?? '?'}] (top, left, bottom, right), which no "valid", "same" or equal padding reproduces`);
  const bias = node.inputs[2] ? constInput(context, node, 2, 'bias') : undefined;
  const weights = {
    kernel: { shape: [kh, kw, inChannels, filters], values: oihwToHwio(float32(weight), weight.dims) },
    ...(bias ? { bias: { shape: [filters], values: float32(bias) } } : {}),
  };
  const params = { filters, kernelSize: kh, strides: geometry.stride, padding, dilation: geometry.dilation, useBias: bias !== undefined, activation: 'linear' };
  const created = context.assembler.add('Conv2D', params, [x.node], idHints(node, node.inputs[1]), node.name, weights);
  setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: 'nchw' });
}
