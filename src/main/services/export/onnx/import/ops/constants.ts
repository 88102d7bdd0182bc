import type { ConstValue, ImportContext } from '../import-context';
import { constInput, inputValue, intAttribute, intsAttribute, patternError, setOutput } from '../import-context';
import type { ConstTensor, ReadNode } from '../onnx-model-reader';
import { onnxDimsOf } from './shape-ops';

/**
 * Constant arithmetic: the shape chains exporters write (PyTorch's `x.view(x.size(0), -1)` becomes
 * Shape → Gather → Unsqueeze → Concat → Reshape) are evaluated here, with NaN standing for the
 * symbolic batch size, so that the Reshape at their end sees a plain target shape.
 */
function constant(dims: number[], values: ArrayLike<number>, isFloat: boolean): ConstValue {
  return { kind: 'const', tensor: { dims, values: Float64Array.from(values), isFloat } };
}

function normalAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Constant → its tensor (value, value_float(s), value_int(s)). */
export function importConstant(context: ImportContext, node: ReadNode): void {
  const attributes = node.attributes;
  const tensor = attributes.get('value');
  if (tensor && typeof tensor === 'object' && !Array.isArray(tensor)) return setOutput(context, node, { kind: 'const', tensor });
  const scalarFloat = attributes.get('value_float');
  if (typeof scalarFloat === 'number') return setOutput(context, node, constant([], [scalarFloat], true));
  const scalarInt = attributes.get('value_int');
  if (typeof scalarInt === 'number') return setOutput(context, node, constant([], [scalarInt], false));
  for (const [key, isFloat] of [['value_floats', true], ['value_ints', false]] as const) {
    const list = attributes.get(key);
    if (Array.isArray(list)) return setOutput(context, node, constant([list.length], list as number[], isFloat));
  }
  throw patternError(context, node, 'holds a kind of constant the importer does not read');
}

/** Shape of a computed tensor → its dimensions (start/end from opset 15). */
export function importShape(context: ImportContext, node: ReadNode): void {
  const value = inputValue(context, node, 0);
  if (!value) throw patternError(context, node, 'has no input');
  const dims = value.kind === 'const' ? value.tensor.dims : onnxDimsOf(context, value);
  const start = normalAxis(intAttribute(node, 'start', 0), dims.length);
  const endRaw = node.attributes.has('end') ? intAttribute(node, 'end', dims.length) : dims.length;
  const end = normalAxis(endRaw, dims.length);
  const slice = dims.slice(Math.max(0, start), Math.min(dims.length, end));
  setOutput(context, node, constant([slice.length], slice, false));
}

/** Whether every input a node has is a constant (then it folds, whatever the op). */
export function allInputsConstant(context: ImportContext, node: ReadNode): boolean {
  const present = node.inputs.filter(Boolean);
  return present.length > 0 && present.every((name) => context.values.get(name)?.kind === 'const');
}

function elementwise(context: ImportContext, node: ReadNode, op: (a: number, b: number) => number): ConstValue {
  const a = constInput(context, node, 0, 'first operand');
  const b = constInput(context, node, 1, 'second operand');
  const size = Math.max(a.values.length, b.values.length);
  if (a.values.length !== size && a.values.length !== 1) throw patternError(context, node, 'combines constants of shapes that do not broadcast simply');
  if (b.values.length !== size && b.values.length !== 1) throw patternError(context, node, 'combines constants of shapes that do not broadcast simply');
  const isFloat = a.isFloat || b.isFloat;
  const values = Float64Array.from({ length: size }, (_, i) => {
    const v = op(a.values[a.values.length === 1 ? 0 : i]!, b.values[b.values.length === 1 ? 0 : i]!);
    return isFloat ? Math.fround(v) : Math.trunc(v);
  });
  const dims = a.values.length >= b.values.length ? a.dims : b.dims;
  return { kind: 'const', tensor: { dims, values, isFloat } };
}

/** Evaluates an op whose inputs are all constants. */
export function foldConstant(context: ImportContext, node: ReadNode): void {
  const input = (i: number, what: string): ConstTensor => constInput(context, node, i, what);
  switch (node.opType) {
    case 'Add':
      return setOutput(context, node, elementwise(context, node, (a, b) => a + b));
    case 'Sub':
      return setOutput(context, node, elementwise(context, node, (a, b) => a - b));
    case 'Mul':
      return setOutput(context, node, elementwise(context, node, (a, b) => a * b));
    case 'Div':
      return setOutput(context, node, elementwise(context, node, (a, b) => a / b));
    case 'Cast': {
      const x = input(0, 'input');
      const to = intAttribute(node, 'to', 1);
      const isFloat = to === 1 || to === 10 || to === 11;
      return setOutput(context, node, constant(x.dims, x.values.map((v) => (isFloat ? Math.fround(v) : Math.trunc(v))), isFloat));
    }
    case 'Unsqueeze': {
      const x = input(0, 'input');
      const axes = context.model.opset < 13 ? (intsAttribute(node, 'axes') ?? []) : [...input(1, 'axes').values];
      const rank = x.dims.length + axes.length;
      const dims = [...x.dims];
      for (const axis of axes.map((a) => normalAxis(a, rank)).sort((a, b) => a - b)) dims.splice(axis, 0, 1);
      return setOutput(context, node, constant(dims, x.values, x.isFloat));
    }
    case 'Squeeze': {
      const x = input(0, 'input');
      const axes = context.model.opset < 13 ? intsAttribute(node, 'axes') : node.inputs[1] ? [...input(1, 'axes').values] : undefined;
      const drop = new Set(axes?.map((a) => normalAxis(a, x.dims.length)) ?? x.dims.map((d, i) => (d === 1 ? i : -1)));
      return setOutput(context, node, constant(x.dims.filter((_, i) => !drop.has(i)), x.values, x.isFloat));
    }
    case 'Reshape': {
      const x = input(0, 'input');
      const target = [...input(1, 'shape').values].map((d, i) => (d === 0 ? x.dims[i]! : d));
      const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      return setOutput(context, node, constant(target.map((d) => (d === -1 ? x.values.length / known : d)), x.values, x.isFloat));
    }
    case 'Concat': {
      const parts = node.inputs.map((_, i) => input(i, 'input'));
      if (parts.some((p) => p.dims.length > 1)) throw patternError(context, node, 'joins constants of more than one dimension');
      const values = parts.flatMap((p) => [...p.values]);
      return setOutput(context, node, constant([values.length], values, parts.some((p) => p.isFloat)));
    }
    case 'Gather': {
      const data = input(0, 'data');
      const indices = input(1, 'indices');
      if (data.dims.length !== 1 || normalAxis(intAttribute(node, 'axis', 0), 1) !== 0) throw patternError(context, node, 'gathers from a constant of more than one dimension');
      const picked = [...indices.values].map((i) => data.values[normalAxis(i, data.values.length)]!);
      return setOutput(context, node, constant(indices.dims, picked, data.isFloat));
    }
    case 'Slice': {
      const data = input(0, 'data');
      if (data.dims.length !== 1) throw patternError(context, node, 'slices a constant of more than one dimension');
      const n = data.values.length;
      const starts = context.model.opset < 10 ? (intsAttribute(node, 'starts') ?? [0]) : [...input(1, 'starts').values];
      const ends = context.model.opset < 10 ? (intsAttribute(node, 'ends') ?? [n]) : [...input(2, 'ends').values];
      const step = context.model.opset >= 10 && node.inputs[4] ? input(4, 'steps').values[0]! : 1;
      if (step !== 1) throw patternError(context, node, 'slices with a step other than 1');
      const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
      const values = [...data.values].slice(clamp(starts[0]!), clamp(ends[0]!));
      return setOutput(context, node, constant([values.length], values, data.isFloat));
    }
    case 'Identity':
    case 'Dropout':
      return setOutput(context, node, { kind: 'const', tensor: input(0, 'input') });
    default:
      throw patternError(context, node, 'is applied to constants only, which the importer does not evaluate for this operator');
  }
}

/** Cast of computed data to float32 is nothing; to any other type the studio cannot follow. */
export function importCast(context: ImportContext, node: ReadNode): void {
  const value = inputValue(context, node, 0);
  if (!value) throw patternError(context, node, 'has no input');
  if (intAttribute(node, 'to', 1) !== 1) throw patternError(context, node, 'converts the network\'s data to a type other than float32');
  setOutput(context, node, value);
}
