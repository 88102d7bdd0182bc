import type { AttributeProtoData, NodeProtoData, TensorProtoData, ValueInfoProtoData } from '../../../../shared/onnx/model-proto';
import { ATTRIBUTE_TYPES, TENSOR_TYPES } from '../../../../shared/onnx/model-proto';
import type { ExportOpset } from '../../../../shared/onnx/opsets';
import type { Shape } from '../../../../shared/tensor-shape';

/** The symbolic batch dimension of every exported tensor. */
export const BATCH_DIM = 'batch';

/** A dimension: fixed, or the symbolic batch. */
export type Dim = number | typeof BATCH_DIM;

/** A studio shape (NHWC without batch) as the exported graph holds it: maps `[batch, C, H, W]`, vectors `[batch, n]`. */
export function onnxDims(shape: Shape): Dim[] {
  if (shape.length === 3) return [BATCH_DIM, shape[2]!, shape[0]!, shape[1]!];
  return [BATCH_DIM, ...shape];
}

/** An attribute value; the builder picks its ONNX type from the JavaScript one. */
export type AttributeValue = number | string | { ints: readonly number[] } | { floats: readonly number[] };

/** A whole-number attribute (ONNX INT), as opposed to a float one. */
export function int(value: number): { int: number } {
  return { int: value };
}

type AttributeInput = AttributeValue | { int: number };

export interface NodeOptions {
  /** Base of the node's name (made unique). */
  name: string;
  /** Base of the output tensor's name (made unique). */
  output: string;
  /** The output's dimensions, for its value_info. */
  dims: Dim[];
  attributes?: Record<string, AttributeInput>;
}

/**
 * Collects the nodes, initializers and tensor shapes of an ONNX graph while emitters add to it, keeping
 * every name unique and readable, and hides the operators whose signature changed across opsets 11–17.
 */
export class OnnxGraphBuilder {
  readonly nodes: NodeProtoData[] = [];
  readonly initializers: TensorProtoData[] = [];
  /** Names of the graph's inputs, in order. */
  readonly graphInputs: string[] = [];
  private readonly dims = new Map<string, { dims: Dim[]; elemType: number }>();
  private readonly nodeNames = new Set<string>();

  constructor(readonly opset: ExportOpset) {}

  /** Adds a float graph input; returns its name. */
  addGraphInput(base: string, dims: Dim[]): string {
    const name = this.uniqueTensorName(base);
    this.dims.set(name, { dims, elemType: TENSOR_TYPES.float });
    this.graphInputs.push(name);
    return name;
  }

  /** The dimensions of a tensor added before. */
  dimsOf(name: string): Dim[] {
    const info = this.dims.get(name);
    if (!info) throw new Error(`The ONNX tensor ${name} is used before it is produced.`);
    return info.dims;
  }

  /** A float32 initializer (little-endian raw data); returns its name. */
  addFloatInitializer(base: string, dims: readonly number[], values: Float32Array): string {
    const name = this.uniqueTensorName(base);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.initializers.push({ name, dims: [...dims], dataType: TENSOR_TYPES.float, rawData: raw });
    this.dims.set(name, { dims: [...dims], elemType: TENSOR_TYPES.float });
    return name;
  }

  /** A 1-D int64 initializer (axes, shapes); returns its name. */
  addInt64Initializer(base: string, values: readonly number[]): string {
    const name = this.uniqueTensorName(base);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dims: [values.length], dataType: TENSOR_TYPES.int64, rawData: raw });
    this.dims.set(name, { dims: [values.length], elemType: TENSOR_TYPES.int64 });
    return name;
  }

  /** Adds one node with one float output; returns the output's name. */
  addNode(opType: string, inputs: readonly string[], options: NodeOptions): string {
    for (const input of inputs) this.dimsOf(input);
    const output = this.uniqueTensorName(options.output);
    this.dims.set(output, { dims: options.dims, elemType: TENSOR_TYPES.float });
    const node: NodeProtoData = { name: this.uniqueNodeName(options.name), opType, input: [...inputs], output: [output] };
    const attributes = Object.entries(options.attributes ?? {}).map(([name, value]) => attribute(name, value));
    if (attributes.length) node.attribute = attributes;
    this.nodes.push(node);
    return output;
  }

  /** Drops axes of size 1: axes are an attribute before opset 13 and an int64 input from 13 on. */
  squeeze(input: string, axes: readonly number[], options: Omit<NodeOptions, 'attributes'>): string {
    if (this.opset < 13) return this.addNode('Squeeze', [input], { ...options, attributes: { axes: { ints: axes } } });
    const axesName = this.addInt64Initializer(`${options.name}/axes`, axes);
    return this.addNode('Squeeze', [input, axesName], options);
  }

  /**
   * Softmax over one axis only. From opset 13 Softmax works on `axis` alone; before, it flattened
   * every axis from `axis` on, which is only the same when `axis` is the last one, so a feature map's
   * channels are moved last, normalised, and moved back.
   */
  softmax(input: string, axis: number, options: Omit<NodeOptions, 'attributes'>): string {
    const rank = options.dims.length;
    if (this.opset >= 13 || axis === rank - 1) return this.addNode('Softmax', [input], { ...options, attributes: { axis: int(axis) } });
    const toLast = [...Array(rank).keys()].filter((a) => a !== axis).concat(axis);
    const back = toLast.map((_, i) => toLast.indexOf(i));
    const moved = this.addNode('Transpose', [input], {
      name: `${options.name}/channels_last`,
      output: `${options.output}/channels_last`,
      dims: toLast.map((a) => options.dims[a]!),
      attributes: { perm: { ints: toLast } },
    });
    const normalised = this.addNode('Softmax', [moved], {
      name: options.name,
      output: `${options.output}/softmax`,
      dims: toLast.map((a) => options.dims[a]!),
      attributes: { axis: int(rank - 1) },
    });
    return this.addNode('Transpose', [normalised], { name: `${options.name}/channels_first`, output: options.output, dims: options.dims, attributes: { perm: { ints: back } } });
  }

  /** value_info for every tensor that is neither a graph input, a graph output nor an initializer. */
  valueInfo(exclude: ReadonlySet<string>): ValueInfoProtoData[] {
    const initializers = new Set(this.initializers.map((t) => t.name));
    return [...this.dims.entries()].filter(([name]) => !exclude.has(name) && !initializers.has(name)).map(([name, info]) => valueInfoOf(name, info.dims, info.elemType));
  }

  /** The value_info of one tensor (graph inputs and outputs). */
  valueInfoOf(name: string): ValueInfoProtoData {
    const info = this.dims.get(name)!;
    return valueInfoOf(name, info.dims, info.elemType);
  }

  private uniqueTensorName(base: string): string {
    return unique(base, (name) => this.dims.has(name));
  }

  private uniqueNodeName(base: string): string {
    const name = unique(base, (n) => this.nodeNames.has(n));
    this.nodeNames.add(name);
    return name;
  }
}

function unique(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}_${i}`)) return `${base}_${i}`;
}

function valueInfoOf(name: string, dims: Dim[], elemType: number): ValueInfoProtoData {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function attribute(name: string, value: AttributeInput): AttributeProtoData {
  if (typeof value === 'number') return { name, type: ATTRIBUTE_TYPES.float, f: value };
  if (typeof value === 'string') return { name, type: ATTRIBUTE_TYPES.string, s: new TextEncoder().encode(value) };
  if ('int' in value) return { name, type: ATTRIBUTE_TYPES.int, i: value.int };
  if ('ints' in value) return { name, type: ATTRIBUTE_TYPES.ints, ints: [...value.ints] };
  return { name, type: ATTRIBUTE_TYPES.floats, floats: [...value.floats] };
}
