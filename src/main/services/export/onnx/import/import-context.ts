import { StudioError } from '../../../../../shared/errors';
import type { MapShape } from '../../../../../shared/tensor-shape';
import type { GraphAssembler } from './graph-assembler';
import type { AttributeValue, ConstTensor, ReadModel, ReadNode } from './onnx-model-reader';

/** Zeros (or another value) a Pad node adds, waiting to be folded into the Conv or pool that reads them. */
export interface PendingPad {
  /** `[top, left, bottom, right]`. */
  pads: [number, number, number, number];
  value: number;
  /** The Pad node, for messages. */
  source: string;
  /** Id candidates for a ZeroPadding2D node, should the padding not fold into what reads it. */
  hints: string[];
}

/** A constant (initializer, Constant, or computed from shapes). In shape arithmetic NaN stands for the symbolic batch size. */
export interface ConstValue {
  kind: 'const';
  tensor: ConstTensor;
}

/** A feature map produced by a studio node: `shape` is the studio's `[H, W, C]`; the ONNX tensor is NCHW or NHWC. */
export interface MapValue {
  kind: 'map';
  node: string;
  shape: MapShape;
  layout: 'nchw' | 'nhwc';
  pad?: PendingPad;
}

/**
 * A vector `[batch, n]` produced by a studio node. `order` is set when ONNX's element i is the studio
 * vector's element order[i] (a channels-first Flatten); `asMap` when ONNX still holds it as `[batch, n, 1, 1]`
 * (a global pool before its Flatten or Squeeze).
 */
export interface VectorValue {
  kind: 'vector';
  node: string;
  size: number;
  order: Int32Array | null;
  asMap: boolean;
}

export type Value = ConstValue | MapValue | VectorValue;

export interface ImportContext {
  model: ReadModel;
  assembler: GraphAssembler;
  values: Map<string, Value>;
  /** How many node inputs read each tensor (a graph output counts as one more). */
  consumers: Map<string, number>;
  /** The fixed batch size of the graph input, or null when it is symbolic. */
  batch: number | null;
  warnings: string[];
}

/** An ONNX node in an arrangement the studio cannot express: one sentence naming the file and the node. */
export function patternError(context: ImportContext, node: ReadNode, what: string, hint = 'The studio cannot express this; change the model in its source framework, or build the network on the canvas.'): StudioError {
  return new StudioError('onnx-unsupported', `${context.model.fileName}: node ${node.name} (${node.opType}) ${what}.`, { hint, where: node.name });
}

/** The value of a node's i-th input, or undefined for an omitted optional input. */
export function inputValue(context: ImportContext, node: ReadNode, index: number): Value | undefined {
  const name = node.inputs[index];
  if (!name) return undefined;
  const value = context.values.get(name);
  if (!value) {
    throw new StudioError('onnx-invalid', `${context.model.fileName} is a damaged ONNX model: node ${node.name} reads ${name}, which no earlier node, input or initializer produces.`, {
      hint: 'Export it again from its source (nodes must be in topological order).',
      where: node.name,
    });
  }
  return value;
}

/** The i-th input as a constant; a computed input here is a pattern the studio cannot express. */
export function constInput(context: ImportContext, node: ReadNode, index: number, what: string): ConstTensor {
  const value = inputValue(context, node, index);
  if (!value) throw patternError(context, node, `lacks its ${what}`);
  if (value.kind !== 'const') throw patternError(context, node, `takes its ${what} from the network's data instead of a constant`);
  return value.tensor;
}

/** The i-th input as a channels-first feature map without pending padding (unless allowed). */
export function mapInput(context: ImportContext, node: ReadNode, index = 0, options: { allowPad?: boolean } = {}): MapValue {
  const value = inputValue(context, node, index);
  if (value?.kind !== 'map' || value.layout !== 'nchw') {
    const got = !value ? 'nothing' : value.kind === 'const' ? 'a constant' : value.kind === 'vector' ? 'a vector' : 'a channels-last (NHWC) tensor';
    throw patternError(context, node, `needs a channels-first (NCHW) feature map but receives ${got}`);
  }
  return options.allowPad ? value : padded(context, node, value);
}

/**
 * A map with its pending padding made real: zeros become a ZeroPadding2D node (Keras's asymmetric
 * padding, a Pad before a layer that cannot take it); any other value is a pattern the studio lacks.
 */
export function padded(context: ImportContext, node: ReadNode, value: MapValue): MapValue {
  const pad = value.pad;
  if (!pad) return value;
  if (pad.value !== 0) throw patternError(context, node, `reads the output of the Pad node ${pad.source}, which pads with ${pad.value} and cannot be folded into it`);
  const [top, left, bottom, right] = pad.pads;
  const created = context.assembler.add('ZeroPadding2D', { top, left, bottom, right }, [value.node], pad.hints, pad.source);
  return { kind: 'map', node: created.id, shape: created.shape as MapShape, layout: value.layout };
}

/** An INT attribute, or the operator's default. */
export function intAttribute(node: ReadNode, name: string, fallback: number): number {
  const value = node.attributes.get(name);
  return typeof value === 'number' ? value : fallback;
}

/** A FLOAT attribute, or the operator's default. */
export function floatAttribute(node: ReadNode, name: string, fallback: number): number {
  const value = node.attributes.get(name);
  return typeof value === 'number' ? value : fallback;
}

/** An INTS attribute, or undefined when absent. */
export function intsAttribute(node: ReadNode, name: string): number[] | undefined {
  const value: AttributeValue | undefined = node.attributes.get(name);
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
}

/** A STRING attribute, or the operator's default. */
export function stringAttribute(node: ReadNode, name: string, fallback: string): string {
  const value = node.attributes.get(name);
  return typeof value === 'string' ? value : fallback;
}

/** Sets a node's first output. */
export function setOutput(context: ImportContext, node: ReadNode, value: Value): void {
  const name = node.outputs[0];
  if (name) context.values.set(name, value);
}

/** True when only one node reads the tensor (so its producer may absorb the reader). */
export function soleConsumer(context: ImportContext, tensor: string): boolean {
  return (context.consumers.get(tensor) ?? 0) === 1;
}

/** Float32 copies of a constant's values. */
export function float32(tensor: ConstTensor): Float32Array {
  return Float32Array.from(tensor.values);
}

/** Operators whose node holds weights: PyTorch's module path alone names them well. */
const WEIGHTED_OPERATORS = new Set(['Conv', 'Gemm', 'MatMul', 'BatchNormalization']);

/**
 * The module path of a PyTorch scoped node name: `/layer2/downsample/downsample.0/Conv` →
 * `layer2.downsample.0` (a segment repeats its parent's name as a prefix), with the operator appended
 * for weightless nodes (`/layer1/Relu_1` → `layer1.relu_1`). Null for other names.
 */
function scopedPath(node: ReadNode): string | null {
  if (!node.name.startsWith('/')) return null;
  const segments = node.name.split('/').filter(Boolean);
  const op = segments.pop();
  let path = '';
  let previous = '';
  for (const segment of segments) {
    path = previous && segment.startsWith(`${previous}.`) ? `${path}${segment.slice(previous.length)}` : path ? `${path}.${segment}` : segment;
    previous = segment;
  }
  if (!path) return op ? op.toLowerCase() : null;
  return WEIGHTED_OPERATORS.has(node.opType) || !op ? path : `${path}.${op.toLowerCase()}`;
}

/** Readable id candidates for the studio node made from an ONNX node (and the weight it reads), best first. */
export function idHints(node: ReadNode, weightName?: string): string[] {
  const hints: string[] = [];
  const automatic = new RegExp(`^${node.opType}(_\\d+| #\\d+)?$`);
  // Our own exports name nodes after the studio's ids; other tools' plain names are kept too.
  if (!node.name.includes('/') && !automatic.test(node.name)) hints.push(node.name);
  const weight = weightName && /(\.weight|\/kernel)$/.exec(weightName) ? weightName.replace(/(\.weight|\/kernel)$/, '') : null;
  if (weight) hints.push(weight);
  const scoped = scopedPath(node);
  if (scoped) hints.push(scoped);
  if (!hints.length && !node.name.includes(' #')) hints.push(node.name);
  return hints;
}
