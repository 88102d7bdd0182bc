import type { MapShape } from '../../../../../../shared/tensor-shape';
import type { ImportContext } from '../import-context';
import { constInput, idHints, intAttribute, intsAttribute, mapInput, padded, patternError, setOutput } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';
import { nodePads, studioPadding } from '../padding';

/** The lowest float32: a Pad with it before a MaxPool is the same as the pool's own (ignored) padding. */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

/**
 * MaxPool/AveragePool → MaxPool2D/AvgPool2D. The studio never counts padding, so an AveragePool
 * that counts it (count_include_pad = 1) maps only when it pads nothing; PyTorch's AdaptiveAvgPool2d
 * arrives here as an AveragePool when its output divides the input.
 */
function importPool(kind: 'MaxPool2D' | 'AvgPool2D') {
  return (context: ImportContext, node: ReadNode): void => {
    const input = mapInput(context, node, 0, { allowPad: kind === 'MaxPool2D' });
    if (node.outputs[1] && (context.consumers.get(node.outputs[1]) ?? 0) > 0) throw patternError(context, node, 'has its indices output used, which the studio cannot provide');
    // Zeros take part in the maximum: they stay a ZeroPadding2D node before the pool.
    const x = input.pad && input.pad.value === 0 ? padded(context, node, input) : input;
    if (x.pad && x.pad.value > LOWEST_FLOAT32) throw patternError(context, node, `reads the Pad node ${x.pad.source}, whose padding of ${x.pad.value} would take part in the maximum`);
    const kernel = intsAttribute(node, 'kernel_shape') ?? [];
    if (kernel.length !== 2 || kernel[0] !== kernel[1]) throw patternError(context, node, `has the window ${kernel.join('x') || '(none)'}; the studio's pooling windows are square`);
    const strides = intsAttribute(node, 'strides') ?? [1, 1];
    if (strides[0] !== strides[1]) throw patternError(context, node, `has strides ${strides.join('x')}; the studio's strides are the same on both axes`);
    const dilations = intsAttribute(node, 'dilations') ?? [1, 1];
    if (dilations.some((d) => d !== 1)) throw patternError(context, node, `has dilations ${dilations.join('x')}; the studio's pooling windows are not dilated`);
    const geometry = { kernel: kernel[0]!, stride: strides[0]!, dilation: 1 };
    const size: [number, number] = [x.shape[0], x.shape[1]];
    const pads = nodePads(node, size, geometry, x.pad?.pads);
    if (kind === 'AvgPool2D' && intAttribute(node, 'count_include_pad', 0) === 1 && pads?.some((p) => p > 0)) {
      throw patternError(context, node, 'counts its padding in the averages (count_include_pad = 1); the studio\'s average pooling never does', 'Export the model with count_include_pad=False (PyTorch: nn.AvgPool2d(..., count_include_pad=False)).');
    }
    const ceilMode = intAttribute(node, 'ceil_mode', 0) === 1;
    // With ceil_mode a last window may hang over the input's end; like a "same" window, it takes only the real cells.
    const padding = pads && studioPadding(size, geometry, pads, ceilMode);
    if (padding === null || padding === undefined) {
      throw patternError(context, node, `pads its input by [${pads?.join(', ') ?? '?'}]${ceilMode ? ' with ceil_mode' : ''}, which no "valid", "same" or equal padding reproduces`);
    }
    const params = { poolSize: geometry.kernel, strides: geometry.stride, padding };
    const created = context.assembler.add(kind, params, [x.node], idHints(node), node.name);
    setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: 'nchw' });
  };
}

export const importMaxPool = importPool('MaxPool2D');
export const importAveragePool = importPool('AvgPool2D');

/** GlobalAveragePool/GlobalMaxPool → the studio's global pool (a vector); ONNX keeps `[N, C, 1, 1]` until a Flatten. */
function importGlobalPool(kind: 'GlobalAvgPool' | 'GlobalMaxPool') {
  return (context: ImportContext, node: ReadNode): void => {
    const x = mapInput(context, node);
    const created = context.assembler.add(kind, {}, [x.node], idHints(node), node.name);
    setOutput(context, node, { kind: 'vector', node: created.id, size: x.shape[2], order: null, asMap: true });
  };
}

export const importGlobalAveragePool = importGlobalPool('GlobalAvgPool');

/**
 * ReduceMean over the height and width of a channels-first map (what tf2onnx may write for Keras's
 * GlobalAveragePooling2D) → GlobalAvgPool; keepdims leaves it as `[N, C, 1, 1]` until a Flatten.
 */
export function importReduceMean(context: ImportContext, node: ReadNode): void {
  const x = mapInput(context, node);
  const axes = context.model.opset < 18 ? intsAttribute(node, 'axes') : node.inputs[1] ? [...constInput(context, node, 1, 'axes').values] : undefined;
  const normal = axes?.map((a) => (a < 0 ? a + 4 : a)).sort();
  if (!normal || normal.length !== 2 || normal[0] !== 2 || normal[1] !== 3) {
    throw patternError(context, node, `averages over axes [${axes?.join(', ') ?? 'all'}]; only the average over height and width (axes 2 and 3, a global average pooling) is supported`);
  }
  const created = context.assembler.add('GlobalAvgPool', {}, [x.node], idHints(node), node.name);
  setOutput(context, node, { kind: 'vector', node: created.id, size: x.shape[2], order: null, asMap: intAttribute(node, 'keepdims', 1) === 1 });
}
export const importGlobalMaxPool = importGlobalPool('GlobalMaxPool');
