import { isIdentityOrder, nchwFlattenOrder } from '../../../../../../shared/onnx/weight-layout';
import type { ImportContext, MapValue, Value, VectorValue } from '../import-context';
import { constInput, idHints, inputValue, intAttribute, intsAttribute, padded, patternError, setOutput, stringAttribute } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';

/** The ONNX dimensions of a value; the batch is NaN when symbolic. */
export function onnxDimsOf(context: ImportContext, value: Exclude<Value, { kind: 'const' }>): number[] {
  const batch = context.batch ?? NaN;
  if (value.kind === 'vector') return value.asMap ? [batch, value.size, 1, 1] : [batch, value.size];
  const [h, w, c] = value.shape;
  const [top, left, bottom, right] = value.pad?.pads ?? [0, 0, 0, 0];
  return value.layout === 'nchw' ? [batch, c, h + top + bottom, w + left + right] : [batch, h, w, c];
}

function computed(context: ImportContext, node: ReadNode): Exclude<Value, { kind: 'const' }> {
  const value = inputValue(context, node, 0);
  if (!value || value.kind === 'const') throw patternError(context, node, 'is applied to a constant instead of the network\'s data');
  return value;
}

/**
 * A map made into a `[batch, H·W·C]` vector. A channels-first map flattens channel by channel, so the
 * vector remembers where each value sits in the studio's channels-last Flatten (the Dense after it is
 * permuted to match); a channels-last map (our own exports) flattens in the studio's order already.
 */
function flattenValue(context: ImportContext, node: ReadNode, input: Exclude<Value, { kind: 'const' }>): VectorValue {
  if (input.kind === 'vector') return { ...input, asMap: false };
  const value = padded(context, node, input);
  const [h, w, c] = value.shape;
  const created = context.assembler.add('Flatten', {}, [value.node], idHints(node), node.name);
  const order = value.layout === 'nchw' ? nchwFlattenOrder(h, w, c) : null;
  return { kind: 'vector', node: created.id, size: h * w * c, order: isIdentityOrder(order) ? null : order, asMap: false };
}

/** Flatten(axis 1) → Flatten (or nothing, for a vector or a pooled `[N, C, 1, 1]`). */
export function importFlatten(context: ImportContext, node: ReadNode): void {
  const value = computed(context, node);
  const rank = onnxDimsOf(context, value).length;
  const raw = intAttribute(node, 'axis', 1);
  if ((raw < 0 ? raw + rank : raw) !== 1) throw patternError(context, node, `flattens from axis ${raw}; only flattening everything after the batch (axis 1) is supported`);
  setOutput(context, node, flattenValue(context, node, value));
}

/**
 * Reshape to `[batch, features]` → Flatten, whatever spelling the exporter used for the batch: the
 * symbolic size from a Shape/Gather chain, its fixed size, 0 (copy) or -1 (infer). A reshape to the same
 * shape is nothing; any other is refused.
 */
export function importReshape(context: ImportContext, node: ReadNode): void {
  const value = computed(context, node);
  const target = [...constInput(context, node, 1, 'target shape').values];
  const dims = onnxDimsOf(context, value);
  const resolved = target.map((t, i) => (t === 0 ? dims[i]! : t));
  const features = dims.slice(1).reduce((p, d) => p * d, 1);
  const batchLike = (v: number) => Number.isNaN(v) || (context.batch !== null && v === context.batch);
  const [first, second] = resolved as [number, number];
  if (resolved.length === 2 && ((batchLike(first) && (second === features || second === -1)) || (first === -1 && second === features))) {
    return setOutput(context, node, flattenValue(context, node, value));
  }
  const same = resolved.length === dims.length && resolved.every((d, i) => d === dims[i] || (i === 0 && (batchLike(d) || d === -1)) || (d === -1 && resolved.filter((r) => r === -1).length === 1));
  if (same) return setOutput(context, node, value);
  throw patternError(context, node, `reshapes [${dims.map((d) => (Number.isNaN(d) ? 'batch' : d)).join(', ')}] to [${target.map((d) => (Number.isNaN(d) ? 'batch' : d)).join(', ')}]; only a flatten to [batch, features] is supported`);
}

/** Squeeze of a pooled `[N, C, 1, 1]` (axes 2 and 3) → the vector it is. */
export function importSqueeze(context: ImportContext, node: ReadNode): void {
  const value = computed(context, node);
  const axes = context.model.opset < 13 ? intsAttribute(node, 'axes') : node.inputs[1] ? [...constInput(context, node, 1, 'axes').values] : undefined;
  const normal = axes?.map((a) => (a < 0 ? a + 4 : a)).sort();
  if (value.kind === 'vector' && value.asMap && (normal === undefined || (normal.length === 2 && normal[0] === 2 && normal[1] === 3))) {
    return setOutput(context, node, { ...value, asMap: false });
  }
  throw patternError(context, node, `removes axes ${axes ? `[${axes.join(', ')}]` : '(all of size 1)'} of a tensor that is not a pooled [batch, C, 1, 1]`);
}

/** Transpose: NHWC → NCHW at an NHWC input, NCHW → NHWC before a Flatten (our own exports). */
export function importTranspose(context: ImportContext, node: ReadNode): void {
  const value = computed(context, node);
  const perm = (intsAttribute(node, 'perm') ?? []).join(',');
  if (value.kind === 'map' && !value.pad && value.layout === 'nhwc' && perm === '0,3,1,2') return setOutput(context, node, { ...value, layout: 'nchw' });
  if (value.kind === 'map' && !value.pad && value.layout === 'nchw' && perm === '0,2,3,1') return setOutput(context, node, { ...value, layout: 'nhwc' });
  if (value.kind === 'vector' && !value.asMap && perm === '0,1') return setOutput(context, node, value);
  throw patternError(context, node, `permutes the axes as [${perm}], which only means something to the studio between NHWC and NCHW images`);
}

/** Pad with constant zeros (or the lowest value, before a MaxPool) → kept until the next Conv or pool takes it. */
export function importPad(context: ImportContext, node: ReadNode): void {
  const value = computed(context, node);
  if (value.kind !== 'map' || value.layout !== 'nchw') throw patternError(context, node, 'pads something other than a channels-first feature map');
  const mode = stringAttribute(node, 'mode', 'constant');
  if (mode !== 'constant') throw patternError(context, node, `pads in "${mode}" mode; only constant padding folds into a Conv or pool`);
  if (node.inputs[3]) throw patternError(context, node, 'pads chosen axes (the axes input)');
  const pads = context.model.opset < 11 ? intsAttribute(node, 'pads') : [...constInput(context, node, 1, 'pads').values];
  const padValue = context.model.opset < 11 ? (typeof node.attributes.get('value') === 'number' ? (node.attributes.get('value') as number) : 0) : node.inputs[2] ? constInput(context, node, 2, 'value').values[0] ?? 0 : 0;
  if (!pads || pads.length !== 8) throw patternError(context, node, 'does not pad a 4-D tensor');
  const [nBefore, cBefore, top, left, nAfter, cAfter, bottom, right] = pads as [number, number, number, number, number, number, number, number];
  if (nBefore || cBefore || nAfter || cAfter) throw patternError(context, node, 'pads the batch or channel axis');
  if ([top, left, bottom, right].some((p) => p < 0)) throw patternError(context, node, 'crops (negative pads)');
  const before = value.pad;
  if (before && before.value !== padValue) throw patternError(context, node, `follows the Pad node ${before.source}, which pads with another value`);
  const sum = [top, left, bottom, right].map((p, i) => p + (before?.pads[i] ?? 0)) as [number, number, number, number];
  setOutput(context, node, { ...(value as MapValue), pad: { pads: sum, value: padValue, source: before ? `${before.source} and ${node.name}` : node.name, hints: before?.hints ?? idHints(node) } });
}

/** Dropout and Identity do nothing at prediction time: the output is the input. */
export function importPassThrough(context: ImportContext, node: ReadNode): void {
  const value = inputValue(context, node, 0);
  if (!value) throw patternError(context, node, 'has no input');
  if (node.outputs.slice(1).some((o) => o && (context.consumers.get(o) ?? 0) > 0)) throw patternError(context, node, 'has its mask output used');
  setOutput(context, node, value);
}
