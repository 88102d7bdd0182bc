import { StudioError } from '../../../../../shared/errors';
import type { AttributeProtoData, TensorProtoData, ValueInfoProtoData } from '../../../../../shared/onnx/model-proto';
import { ATTRIBUTE_TYPES, TENSOR_TYPES } from '../../../../../shared/onnx/model-proto';
import { decodeModelProto } from '../onnx-proto';

/** A constant tensor of the file (initializer or Constant node), values widened to doubles. */
export interface ConstTensor {
  dims: number[];
  /** Row-major values; float tensors keep float32 precision. */
  values: Float64Array;
  isFloat: boolean;
}

export type AttributeValue = number | string | number[] | string[] | ConstTensor;

export interface ReadNode {
  /** The node's name, or `OpType #index` when the file gives none. */
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

/** A graph input or output: its name, element type and dimensions (a string for a symbolic one). */
export interface ReadValueInfo {
  name: string;
  elemType: number;
  dims: (number | string)[] | null;
}

/** The parts of an ONNX model the importer works with, checked for consistency. */
export interface ReadModel {
  fileName: string;
  irVersion: number;
  /** Version of the default (ai.onnx) operator set. */
  opset: number;
  producer: string;
  inputs: ReadValueInfo[];
  outputs: ReadValueInfo[];
  initializers: Map<string, ConstTensor>;
  nodes: ReadNode[];
  metadata: Record<string, string>;
}

function damaged(fileName: string, what: string): StudioError {
  return new StudioError('onnx-invalid', `${fileName} is a damaged ONNX model: ${what}.`, { hint: 'Export it again from its source.', where: fileName });
}

/** Decodes and checks an ONNX file; every inconsistency is a sentence naming the file and the part at fault. */
export function readOnnxModel(bytes: Uint8Array, fileName: string): ReadModel {
  if (bytes.byteLength === 0) throw new StudioError('onnx-invalid', `${fileName} is empty.`, { hint: 'Choose an .onnx model file.', where: fileName });
  const proto = decodeModelProto(bytes, fileName);
  const graph = proto.graph;
  if (!graph || !(graph.node?.length ?? 0)) {
    throw new StudioError('onnx-invalid', `${fileName} holds no ONNX graph (no nodes were found).`, {
      hint: 'The file may be of another format or truncated; export it again as ONNX.',
      where: fileName,
    });
  }
  const defaultOpset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!defaultOpset?.version) throw damaged(fileName, 'it does not say which ONNX operator set it uses (opset_import)');
  const initializers = new Map<string, ConstTensor>();
  for (const [i, tensor] of (graph.initializer ?? []).entries()) {
    if (!tensor.name) throw damaged(fileName, `initializer ${i + 1} has no name`);
    initializers.set(tensor.name, readTensor(tensor, fileName, `initializer ${tensor.name}`));
  }
  const nodes: ReadNode[] = (graph.node ?? []).map((node, index) => {
    if (!node.opType) throw damaged(fileName, `node ${index + 1} (${node.name || 'unnamed'}) has no operator type`);
    const name = node.name || `${node.opType} #${index + 1}`;
    const attributes = new Map<string, AttributeValue>();
    for (const attribute of node.attribute ?? []) attributes.set(attribute.name, readAttribute(attribute, fileName, name));
    return { name, opType: node.opType, domain: node.domain ?? '', inputs: node.input ?? [], outputs: node.output ?? [], attributes };
  });
  const metadata: Record<string, string> = {};
  for (const entry of proto.metadataProps ?? []) if (entry.key) metadata[entry.key] = entry.value ?? '';
  return {
    fileName,
    irVersion: proto.irVersion ?? 0,
    opset: defaultOpset.version,
    producer: [proto.producerName, proto.producerVersion].filter(Boolean).join(' '),
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(readValueInfo),
    outputs: (graph.output ?? []).map(readValueInfo),
    initializers,
    nodes,
    metadata,
  };
}

function readValueInfo(info: ValueInfoProtoData): ReadValueInfo {
  const tensor = info.type?.tensorType;
  const dims = tensor?.shape ? (tensor.shape.dim ?? []).map((d) => (d.dimValue !== undefined ? d.dimValue : (d.dimParam ?? '?'))) : null;
  return { name: info.name, elemType: tensor?.elemType ?? 0, dims };
}

function readAttribute(attribute: AttributeProtoData, fileName: string, nodeName: string): AttributeValue {
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  switch (attribute.type) {
    case ATTRIBUTE_TYPES.float:
      return attribute.f ?? 0;
    case ATTRIBUTE_TYPES.int:
      return attribute.i ?? 0;
    case ATTRIBUTE_TYPES.string:
      return text(attribute.s ?? new Uint8Array());
    case ATTRIBUTE_TYPES.tensor:
      if (!attribute.t) throw damaged(fileName, `the attribute ${attribute.name} of node ${nodeName} holds no tensor`);
      return readTensor(attribute.t, fileName, `the attribute ${attribute.name} of node ${nodeName}`);
    case ATTRIBUTE_TYPES.floats:
      return attribute.floats ?? [];
    case ATTRIBUTE_TYPES.ints:
      return attribute.ints ?? [];
    case ATTRIBUTE_TYPES.strings:
      return (attribute.strings ?? []).map(text);
    default:
      // Graphs and other kinds belong to operators the importer refuses anyway (If, Loop, ...).
      return [];
  }
}

/** Reads a tensor's values from raw_data or the typed fields, checking their count against the dims. */
export function readTensor(tensor: TensorProtoData, fileName: string, what: string): ConstTensor {
  const dims = tensor.dims ?? [];
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw damaged(fileName, `${what} has an invalid shape [${dims.join(', ')}]`);
  const size = dims.reduce((p, d) => p * d, 1);
  if (tensor.dataLocation === 1) {
    throw new StudioError('onnx-unsupported', `${fileName} keeps the values of ${what} in a separate file (external data), which the importer does not read.`, {
      hint: 'Save the model as one file (onnx.save_model(model, path, save_as_external_data=False)) and import that.',
      where: fileName,
    });
  }
  const type = tensor.dataType ?? 0;
  const raw = tensor.rawData;
  const isFloat = type === TENSOR_TYPES.float || type === TENSOR_TYPES.double || type === TENSOR_TYPES.float16;
  const width: Partial<Record<number, number>> = {
    [TENSOR_TYPES.float]: 4,
    [TENSOR_TYPES.double]: 8,
    [TENSOR_TYPES.int64]: 8,
    [TENSOR_TYPES.int32]: 4,
    [TENSOR_TYPES.int8]: 1,
    [TENSOR_TYPES.uint8]: 1,
    [TENSOR_TYPES.bool]: 1,
    [TENSOR_TYPES.float16]: 2,
  };
  const bytesPer = width[type];
  if (bytesPer === undefined) throw new StudioError('onnx-unsupported', `${what} in ${fileName} has data type ${type}, which the importer does not read.`, { hint: 'Convert the model to float32 weights.', where: fileName });
  if (raw && raw.byteLength > 0) {
    if (raw.byteLength !== size * bytesPer) throw damaged(fileName, `${what} holds ${raw.byteLength} bytes for ${size} values of ${bytesPer} bytes`);
    const values = new Float64Array(size);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < size; i++) {
      const at = i * bytesPer;
      switch (type) {
        case TENSOR_TYPES.float:
          values[i] = view.getFloat32(at, true);
          break;
        case TENSOR_TYPES.double:
          values[i] = view.getFloat64(at, true);
          break;
        case TENSOR_TYPES.int64:
          values[i] = Number(view.getBigInt64(at, true));
          break;
        case TENSOR_TYPES.int32:
          values[i] = view.getInt32(at, true);
          break;
        case TENSOR_TYPES.int8:
          values[i] = view.getInt8(at);
          break;
        case TENSOR_TYPES.float16:
          values[i] = halfToFloat(view.getUint16(at, true));
          break;
        default:
          values[i] = view.getUint8(at);
      }
    }
    return { dims, values, isFloat };
  }
  const typed =
    type === TENSOR_TYPES.float ? tensor.floatData : type === TENSOR_TYPES.double ? tensor.doubleData : type === TENSOR_TYPES.int64 ? tensor.int64Data : tensor.int32Data;
  const list = typed ?? [];
  if (list.length !== size) throw damaged(fileName, `${what} holds ${list.length} values for its shape [${dims.join(', ')}] of ${size}`);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = type === TENSOR_TYPES.float16 ? halfToFloat(list[i]!) : list[i]!;
  if (type === TENSOR_TYPES.float) for (let i = 0; i < size; i++) values[i] = Math.fround(values[i]!);
  return { dims, values, isFloat };
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
