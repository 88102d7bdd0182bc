import type { ActivationName } from '../../../../../../shared/layers/activations';
import { LEAKY_RELU_DEFAULT_ALPHA } from '../../../../../../shared/layers/activations';
import type { ImportContext, MapValue, Value, VectorValue } from '../import-context';
import { constInput, float32, floatAttribute, idHints, inputValue, intAttribute, padded, patternError, setOutput, soleConsumer } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';

/** A map or vector the network computes (not a constant, not waiting for a Pad to fold). */
function dataInput(context: ImportContext, node: ReadNode, index: number): MapValue | VectorValue {
  const value = inputValue(context, node, index);
  if (!value || value.kind === 'const') throw patternError(context, node, 'is applied to a constant instead of the network\'s data');
  if (value.kind === 'map' && value.layout !== 'nchw') throw patternError(context, node, 'is applied to a channels-last (NHWC) tensor');
  return value.kind === 'map' ? padded(context, node, value) : value;
}

/** The same value, now produced by another studio node. */
function producedBy(value: MapValue | VectorValue, node: string): MapValue | VectorValue {
  return { ...value, node };
}

/** The alpha Conv2D and Dense use for leaky-relu and elu (they have no alpha parameter). */
function builtInAlpha(activation: ActivationName): number {
  return activation === 'elu' ? 1 : LEAKY_RELU_DEFAULT_ALPHA;
}

/** Kinds with an activation parameter, into which a following activation node folds. */
const FOLDS_ACTIVATION = new Set<string>(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

/**
 * Applies an activation: folded into the Conv2D, DepthwiseConv2D, SeparableConv2D or Dense that produced the input when nothing else
 * reads that output and the alpha is the one those layers use, else an Activation node.
 */
function applyActivation(context: ImportContext, node: ReadNode, activation: ActivationName, alpha: number): void {
  const x = dataInput(context, node, 0);
  const producer = context.assembler.nodes.get(x.node)!;
  const foldable =
    FOLDS_ACTIVATION.has(producer.kind) &&
    producer.params.activation === 'linear' &&
    soleConsumer(context, node.inputs[0]!) &&
    (activation !== 'leaky-relu' && activation !== 'elu' ? true : Math.abs(alpha - builtInAlpha(activation)) < 1e-6);
  if (foldable) {
    context.assembler.update(producer.id, { activation });
    setOutput(context, node, x);
    return;
  }
  const params = activation === 'leaky-relu' || activation === 'elu' ? { activation, alpha: Math.fround(alpha) } : { activation };
  const created = context.assembler.add('Activation', params, [x.node], idHints(node), node.name);
  setOutput(context, node, producedBy(x, created.id));
}

const ACTIVATION_OPS: Record<string, { activation: ActivationName; alpha: number }> = {
  Relu: { activation: 'relu', alpha: 0 },
  LeakyRelu: { activation: 'leaky-relu', alpha: 0.01 },
  Elu: { activation: 'elu', alpha: 1 },
  Sigmoid: { activation: 'sigmoid', alpha: 0 },
  Tanh: { activation: 'tanh', alpha: 0 },
};

/** Relu, LeakyRelu, Elu, Sigmoid, Tanh. */
export function importActivation(context: ImportContext, node: ReadNode): void {
  const { activation, alpha } = ACTIVATION_OPS[node.opType]!;
  applyActivation(context, node, activation, floatAttribute(node, 'alpha', alpha));
}

/** A number of a Clip bound: the attribute before opset 11, an optional constant input from 11 on. */
function clipBound(context: ImportContext, node: ReadNode, name: 'min' | 'max', index: number): number | null {
  if (context.model.opset < 11) {
    const value = node.attributes.get(name);
    return typeof value === 'number' ? value : null;
  }
  if (!node.inputs[index]) return null;
  const tensor = constInput(context, node, index, `${name} bound`);
  if (tensor.values.length !== 1) throw patternError(context, node, `has a ${name} bound of ${tensor.values.length} values instead of one`);
  return tensor.values[0]!;
}

/**
 * Clip(0, 6) → relu6 (PyTorch's ReLU6, Keras's relu6, as both exporters write it); Clip(0) without an
 * upper bound → relu. Other bounds are not an activation the studio has.
 */
export function importClip(context: ImportContext, node: ReadNode): void {
  const min = clipBound(context, node, 'min', 1);
  const max = clipBound(context, node, 'max', 2);
  const unbounded = max === null || max >= 3.4e38;
  if (min === 0 && max === 6) return applyActivation(context, node, 'relu6', 0);
  if (min === 0 && unbounded) return applyActivation(context, node, 'relu', 0);
  throw patternError(context, node, `clips to [${min ?? '-inf'}, ${max ?? 'inf'}]; the studio's activations clip only to [0, 6] (relu6) or [0, inf) (relu)`);
}

/**
 * Softmax over the channels (the studio's softmax). Before opset 13, Softmax normalises all axes from
 * `axis` on together, which is the channels alone only for vectors and 1x1 maps.
 */
export function importSoftmax(context: ImportContext, node: ReadNode): void {
  const x = dataInput(context, node, 0);
  const rank = x.kind === 'vector' && !x.asMap ? 2 : 4;
  const raw = intAttribute(node, 'axis', context.model.opset < 13 ? 1 : -1);
  const axis = raw < 0 ? raw + rank : raw;
  const pixels = x.kind === 'map' ? x.shape[0] * x.shape[1] : 1;
  const overChannels = axis === 1 && (context.model.opset >= 13 || rank === 2 || pixels === 1);
  if (!overChannels && !(rank === 2 && axis === 1)) {
    throw patternError(context, node, `normalises over axis ${raw}${context.model.opset < 13 && axis === 1 ? ' and every axis after it (opset < 13)' : ''}, not over the channels alone`);
  }
  applyActivation(context, node, 'softmax', 0);
}

function sameOrder(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Checks that merged inputs agree in kind, layout and element order. */
function mergeInputs(context: ImportContext, node: ReadNode, values: (MapValue | VectorValue)[]): void {
  const first = values[0]!;
  for (const value of values) {
    if (value.kind !== first.kind) throw patternError(context, node, 'joins a feature map with a vector');
    if (value.kind === 'vector' && first.kind === 'vector' && (!sameOrder(value.order, first.order) || value.asMap !== first.asMap)) {
      throw patternError(context, node, 'joins vectors whose values come in different orders');
    }
  }
}

/**
 * Add/Sum of computed tensors → Add. Add of a constant folds into the bias of the Conv2D or Dense
 * before it (MatMul + Add, or a Conv exported without bias); any other constant is refused.
 */
export function importAdd(context: ImportContext, node: ReadNode): void {
  // A damaged file can leave a join with nothing to join.
  if (!node.inputs.some(Boolean)) throw patternError(context, node, 'has no inputs');
  const operands = node.inputs.map((_, i) => inputValue(context, node, i)!);
  const constIndex = operands.findIndex((v) => v.kind === 'const');
  if (node.opType === 'Add' && constIndex >= 0) return addBias(context, node, constIndex);
  const values = node.inputs.map((_, i) => dataInput(context, node, i));
  if (values.length === 1) return setOutput(context, node, values[0]!);
  mergeInputs(context, node, values);
  const created = context.assembler.add('Add', {}, values.map((v) => v.node), idHints(node), node.name);
  setOutput(context, node, producedBy(values[0]!, created.id));
}

function addBias(context: ImportContext, node: ReadNode, constIndex: number): void {
  const constant = inputValue(context, node, constIndex) as Extract<Value, { kind: 'const' }>;
  const x = dataInput(context, node, 1 - constIndex);
  const producer = context.assembler.nodes.get(x.node)!;
  const dims = constant.tensor.dims.filter((d, i, all) => !(d === 1 && i < all.length - (x.kind === 'map' ? 3 : 1)));
  const channels = x.kind === 'map' ? x.shape[2] : x.size;
  const perChannel = x.kind === 'map' ? dims.length === 3 && dims[0] === channels && dims[1] === 1 && dims[2] === 1 : dims.length === 1 && dims[0] === channels;
  const foldable =
    perChannel &&
    soleConsumer(context, node.inputs[1 - constIndex]!) &&
    ((producer.kind === 'Conv2D' && x.kind === 'map') || (producer.kind === 'Dense' && x.kind === 'vector' && x.order === null)) &&
    producer.params.useBias === false &&
    producer.params.activation === 'linear';
  if (!foldable) throw patternError(context, node, 'adds a constant that is not the bias of the Conv or Gemm/MatMul before it');
  context.assembler.update(producer.id, { useBias: true }, { bias: { shape: [channels], values: float32(constant.tensor) } });
  setOutput(context, node, x);
}

/** Concat of computed tensors along the channels (maps) or values (vectors) → Concatenate. */
export function importConcat(context: ImportContext, node: ReadNode): void {
  if (!node.inputs.some(Boolean)) throw patternError(context, node, 'has no inputs');
  const values = node.inputs.map((_, i) => dataInput(context, node, i));
  mergeInputs(context, node, values);
  const first = values[0]!;
  const rank = first.kind === 'vector' && !first.asMap ? 2 : 4;
  const raw = intAttribute(node, 'axis', 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis !== 1) throw patternError(context, node, `joins along axis ${raw}; the studio concatenates channels (axis 1) only`);
  if (first.kind === 'vector' && first.order !== null) throw patternError(context, node, 'joins vectors flattened channels-first');
  const created = context.assembler.add('Concatenate', {}, values.map((v) => v.node), idHints(node), node.name);
  if (first.kind === 'map') setOutput(context, node, { kind: 'map', node: created.id, shape: created.shape as MapValue['shape'], layout: 'nchw' });
  else setOutput(context, node, { kind: 'vector', node: created.id, size: created.shape[0]!, order: null, asMap: first.asMap });
}
