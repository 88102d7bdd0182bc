import { encodeModelProto } from '../../../../../src/main/services/export/onnx/onnx-proto';
import type { AttributeProtoData, NodeProtoData, TensorProtoData } from '../../../../../src/shared/onnx/model-proto';
import { ATTRIBUTE_TYPES, TENSOR_TYPES } from '../../../../../src/shared/onnx/model-proto';

/** Hand-made ONNX models for the importer's tests: the arrangements other exporters write. */

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProtoData {
  return { name, dims, dataType: TENSOR_TYPES.float, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

export function int64Tensor(name: string, values: number[], dims = [values.length]): TensorProtoData {
  return { name, dims, dataType: TENSOR_TYPES.int64, rawData: new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer) };
}

/** Values in [-1, 1) from a seed, for weights. */
export function seeded(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2147483648 - 1;
  });
}

type Attr = number | string | number[] | { float: number } | { floats: number[] } | TensorProtoData;

export function node(opType: string, input: string[], output: string[], attributes: Record<string, Attr> = {}, name = output[0]!): NodeProtoData {
  const attribute: AttributeProtoData[] = Object.entries(attributes).map(([key, value]) => {
    if (typeof value === 'number') return { name: key, type: ATTRIBUTE_TYPES.int, i: value };
    if (typeof value === 'string') return { name: key, type: ATTRIBUTE_TYPES.string, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) return { name: key, type: ATTRIBUTE_TYPES.ints, ints: value };
    if ('float' in value) return { name: key, type: ATTRIBUTE_TYPES.float, f: value.float };
    if ('floats' in value) return { name: key, type: ATTRIBUTE_TYPES.floats, floats: value.floats };
    return { name: key, type: ATTRIBUTE_TYPES.tensor, t: value };
  });
  return { name, opType, input, output, attribute };
}

export interface HandModel {
  opset?: number;
  input?: { name: string; dims: (number | string)[] };
  output?: string;
  nodes: NodeProtoData[];
  initializers?: TensorProtoData[];
  metadata?: Record<string, string>;
  extraInputs?: { name: string; dims: (number | string)[] }[];
  extraOutputs?: string[];
}

/** Encodes a hand-made model: one float input, one float output, the nodes as given. */
export function handModel(model: HandModel): Uint8Array {
  const valueInfo = (name: string, dims: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType: TENSOR_TYPES.float, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const input = model.input ?? { name: 'x', dims: ['N', 3, 8, 8] };
  return encodeModelProto({
    irVersion: 7,
    opsetImport: [{ domain: '', version: model.opset ?? 13 }],
    producerName: 'hand',
    graph: {
      name: 'hand',
      node: model.nodes,
      initializer: model.initializers ?? [],
      input: [valueInfo(input.name, input.dims), ...(model.extraInputs ?? []).map((i) => valueInfo(i.name, i.dims))],
      output: [model.output ?? 'y', ...(model.extraOutputs ?? [])].map((name) => ({ name, type: { tensorType: { elemType: TENSOR_TYPES.float } } })),
    },
    metadataProps: Object.entries(model.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}
