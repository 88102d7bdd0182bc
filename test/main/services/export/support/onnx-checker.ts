import type { ModelProtoData, NodeProtoData } from '../../../../../src/shared/onnx/model-proto';
import { ATTRIBUTE_TYPES, TENSOR_TYPES } from '../../../../../src/shared/onnx/model-proto';

/**
 * The rules of ONNX's checker (onnx/checker.cc) that the studio's files must satisfy, written out for
 * the tests so they need no Python: topological order, every input declared before use, unique
 * outputs, initializers whose data fits their dims, attributes and inputs valid for the opset, a
 * value_info for every intermediate tensor, and the IR version that goes with the opset.
 * Returns one sentence per problem (none for a valid model).
 */

type AttributeKind = 'int' | 'ints' | 'float' | 'string';

interface OpRule {
  /** Attributes the op may carry at this opset, with their types. */
  attributes: Record<string, AttributeKind>;
  /** Allowed input counts (optional trailing inputs included). */
  inputs: [number, number];
}

/** The ops the studio writes, as operators.md defines them for opsets 11–17. */
function opRule(op: string, opset: number): OpRule | null {
  const pads = { kernel_shape: 'ints', strides: 'ints', pads: 'ints', auto_pad: 'string' } as const;
  switch (op) {
    case 'Conv':
      return { attributes: { ...pads, dilations: 'ints', group: 'int' }, inputs: [2, 3] };
    case 'MaxPool':
      return { attributes: { ...pads, dilations: 'ints', ceil_mode: 'int', storage_order: 'int' }, inputs: [1, 1] };
    case 'AveragePool':
      return { attributes: { ...pads, ceil_mode: 'int', count_include_pad: 'int' }, inputs: [1, 1] };
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'Relu':
    case 'Sigmoid':
    case 'Tanh':
      return { attributes: {}, inputs: [1, 1] };
    case 'LeakyRelu':
    case 'Elu':
      return { attributes: { alpha: 'float' }, inputs: [1, 1] };
    case 'Softmax':
      return { attributes: { axis: 'int' }, inputs: [1, 1] };
    case 'Gemm':
      // C became optional in opset 11.
      return { attributes: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' }, inputs: [2, 3] };
    case 'BatchNormalization':
      return { attributes: opset >= 14 ? { epsilon: 'float', momentum: 'float', training_mode: 'int' } : { epsilon: 'float', momentum: 'float' }, inputs: [5, 5] };
    case 'Add':
      return { attributes: {}, inputs: [2, 2] };
    case 'Sum':
      return { attributes: {}, inputs: [1, Infinity] };
    case 'Concat':
      return { attributes: { axis: 'int' }, inputs: [1, Infinity] };
    case 'Flatten':
      return { attributes: { axis: 'int' }, inputs: [1, 1] };
    case 'Transpose':
      return { attributes: { perm: 'ints' }, inputs: [1, 1] };
    case 'Squeeze':
      // Axes moved from an attribute to an input in opset 13.
      return opset >= 13 ? { attributes: {}, inputs: [1, 2] } : { attributes: { axes: 'ints' }, inputs: [1, 1] };
    case 'Identity':
      return { attributes: {}, inputs: [1, 1] };
    case 'Clip':
      // min and max became optional inputs in opset 11.
      return { attributes: {}, inputs: [1, 3] };
    case 'Pad':
      // pads became an input in opset 11 (the constant value an optional third, axes a fourth from 18).
      return { attributes: { mode: 'string' }, inputs: [2, 3] };
    default:
      return null;
  }
}

const IR_FOR_OPSET: Record<number, number> = { 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8 };
const ATTRIBUTE_TYPE_OF: Record<AttributeKind, number> = { int: ATTRIBUTE_TYPES.int, ints: ATTRIBUTE_TYPES.ints, float: ATTRIBUTE_TYPES.float, string: ATTRIBUTE_TYPES.string };
const BYTES_PER: Partial<Record<number, number>> = { [TENSOR_TYPES.float]: 4, [TENSOR_TYPES.int64]: 8 };

export function checkOnnxModel(model: ModelProtoData): string[] {
  const problems: string[] = [];
  const opset = model.opsetImport?.find((o) => !o.domain)?.version;
  if (opset === undefined) return ['no default-domain opset_import'];
  if (model.irVersion !== IR_FOR_OPSET[opset]) problems.push(`ir_version ${model.irVersion} does not go with opset ${opset} (expected ${IR_FOR_OPSET[opset]})`);
  const graph = model.graph;
  if (!graph) return [...problems, 'no graph'];

  const available = new Set<string>();
  const initializers = new Set<string>();
  for (const tensor of graph.initializer ?? []) {
    if (!tensor.name) problems.push('an initializer has no name');
    else if (available.has(tensor.name)) problems.push(`initializer ${tensor.name} is declared twice`);
    available.add(tensor.name ?? '');
    initializers.add(tensor.name ?? '');
    const size = (tensor.dims ?? []).reduce((p, d) => p * d, 1);
    const width = BYTES_PER[tensor.dataType ?? 0];
    if (!width) problems.push(`initializer ${tensor.name} has data type ${tensor.dataType}`);
    else if ((tensor.rawData?.byteLength ?? 0) !== size * width) problems.push(`initializer ${tensor.name} holds ${tensor.rawData?.byteLength ?? 0} bytes for dims [${tensor.dims?.join(', ')}]`);
  }
  for (const input of graph.input ?? []) {
    if (available.has(input.name) && !initializers.has(input.name)) problems.push(`graph input ${input.name} is declared twice`);
    available.add(input.name);
  }

  const produced = new Set<string>();
  const nodeNames = new Set<string>();
  for (const [index, node] of (graph.node ?? []).entries()) {
    const where = `node ${index} (${node.name ?? '?'}, ${node.opType})`;
    if (!node.name) problems.push(`${where} has no name`);
    else if (nodeNames.has(node.name)) problems.push(`${where}: the node name is used twice`);
    nodeNames.add(node.name ?? '');
    for (const input of node.input ?? []) {
      if (input && !available.has(input)) problems.push(`${where} reads ${input} before it is produced (topological order)`);
    }
    for (const output of node.output ?? []) {
      if (available.has(output)) problems.push(`${where} writes ${output}, which already exists (outputs must be unique)`);
      available.add(output);
      produced.add(output);
    }
    problems.push(...checkNode(node, opset, where));
  }
  for (const output of graph.output ?? []) if (!available.has(output.name)) problems.push(`graph output ${output.name} is produced by no node`);

  const declared = new Set([...(graph.valueInfo ?? []).map((v) => v.name), ...(graph.input ?? []).map((v) => v.name), ...(graph.output ?? []).map((v) => v.name)]);
  for (const name of produced) if (!declared.has(name)) problems.push(`tensor ${name} has no value_info`);
  for (const info of [...(graph.valueInfo ?? []), ...(graph.input ?? []), ...(graph.output ?? [])]) {
    const dims = info.type?.tensorType?.shape?.dim;
    if (!dims) problems.push(`value_info ${info.name} has no shape`);
    else if (dims[0]?.dimParam !== 'batch') problems.push(`value_info ${info.name} does not start with the symbolic batch`);
    else if (dims.slice(1).some((d) => !(typeof d.dimValue === 'number' && d.dimValue > 0))) problems.push(`value_info ${info.name} has a dimension that is not fixed`);
  }
  return problems;
}

function checkNode(node: NodeProtoData, opset: number, where: string): string[] {
  const rule = opRule(node.opType, opset);
  if (!rule) return [`${where} uses ${node.opType}, which the checker does not know`];
  const problems: string[] = [];
  const count = (node.input ?? []).length;
  if (count < rule.inputs[0] || count > rule.inputs[1]) problems.push(`${where} has ${count} inputs; opset ${opset} allows ${rule.inputs[0]}–${rule.inputs[1]}`);
  for (const attribute of node.attribute ?? []) {
    const kind = rule.attributes[attribute.name];
    if (!kind) problems.push(`${where} has the attribute ${attribute.name}, which ${node.opType} does not have at opset ${opset}`);
    else if (attribute.type !== ATTRIBUTE_TYPE_OF[kind]) problems.push(`${where}: attribute ${attribute.name} has type ${attribute.type}, not ${kind}`);
  }
  const ints = (name: string) => node.attribute?.find((a) => a.name === name)?.ints;
  if (node.opType === 'Conv' || node.opType === 'MaxPool' || node.opType === 'AveragePool') {
    const kernel = ints('kernel_shape');
    const pads = ints('pads');
    if (node.opType !== 'Conv' && !kernel) problems.push(`${where} has no kernel_shape`);
    if (pads && pads.length !== 4) problems.push(`${where} has ${pads.length} pads for 2 spatial axes`);
    if (pads && kernel && node.opType !== 'Conv' && pads.some((p, i) => p >= kernel[i % 2]!)) problems.push(`${where} pads by as much as its window`);
  }
  return problems;
}
