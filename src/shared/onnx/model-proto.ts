/**
 * The parts of ONNX's ModelProto (onnx.proto, IR version 6–8) that the studio writes and reads, as plain
 * objects with protobufjs's camelCase field names. Integers that are int64 in the schema are numbers
 * here: every dimension, attribute and shape value the studio meets fits a double exactly.
 */

/** `TensorProto.DataType` values the studio handles. */
export const TENSOR_TYPES = {
  float: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  double: 11,
} as const;

/** `AttributeProto.AttributeType`. */
export const ATTRIBUTE_TYPES = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;

export interface TensorProtoData {
  name?: string;
  dims?: number[];
  dataType?: number;
  /** Little-endian values; how the studio writes every tensor. */
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  /** 1 = EXTERNAL: the values live in another file. */
  dataLocation?: number;
}

export interface AttributeProtoData {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProtoData;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProtoData {
  name?: string;
  opType: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProtoData[];
  docString?: string;
}

/** One dimension: a fixed size or a symbolic name such as `batch`. */
export interface DimensionData {
  dimValue?: number;
  dimParam?: string;
}

export interface ValueInfoProtoData {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimensionData[] } } };
  docString?: string;
}

export interface GraphProtoData {
  name?: string;
  node?: NodeProtoData[];
  initializer?: TensorProtoData[];
  input?: ValueInfoProtoData[];
  output?: ValueInfoProtoData[];
  valueInfo?: ValueInfoProtoData[];
  docString?: string;
}

export interface ModelProtoData {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProtoData;
  metadataProps?: { key?: string; value?: string }[];
}
