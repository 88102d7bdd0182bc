import type { ImportContext, VectorValue } from '../import-context';
import { constInput, floatAttribute, idHints, inputValue, intAttribute, patternError, setOutput } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';

/**
 * A fully-connected node on `x`: the kernel as `[inputs, units]` in the studio's element order (rows
 * moved where a channels-first Flatten put them), scaled by Gemm's alpha; the bias scaled by beta.
 */
function addDense(context: ImportContext, node: ReadNode, x: VectorValue, kernelAt: (input: number, unit: number) => number, units: number, bias: Float32Array | null): void {
  const kernel = new Float32Array(x.size * units);
  for (let i = 0; i < x.size; i++) {
    const row = x.order ? x.order[i]! : i;
    for (let o = 0; o < units; o++) kernel[row * units + o] = kernelAt(i, o);
  }
  const weights = { kernel: { shape: [x.size, units], values: kernel }, ...(bias ? { bias: { shape: [units], values: bias } } : {}) };
  const created = context.assembler.add('Dense', { units, activation: 'linear', useBias: bias !== null }, [x.node], idHints(node, node.inputs[1]), node.name, weights);
  setOutput(context, node, { kind: 'vector', node: created.id, size: units, order: null, asMap: false });
}

function vectorInput(context: ImportContext, node: ReadNode): VectorValue {
  const x = inputValue(context, node, 0);
  if (x?.kind !== 'vector' || x.asMap) {
    throw patternError(context, node, 'needs a vector [batch, n] as its first input (a Flatten, Reshape or global pooling first)');
  }
  return x;
}

/** Gemm → Dense: B as `[in, out]` (or `[out, in]` with transB), C as the bias. */
export function importGemm(context: ImportContext, node: ReadNode): void {
  const x = vectorInput(context, node);
  if (intAttribute(node, 'transA', 0) !== 0) throw patternError(context, node, 'transposes its input (transA = 1)');
  const b = constInput(context, node, 1, 'weights');
  if (b.dims.length !== 2) throw patternError(context, node, `has ${b.dims.length}-D weights instead of a matrix`);
  const transB = intAttribute(node, 'transB', 0) === 1;
  const [rows, cols] = b.dims as [number, number];
  const inputs = transB ? cols : rows;
  const units = transB ? rows : cols;
  if (inputs !== x.size) throw patternError(context, node, `has weights for ${inputs} inputs but receives ${x.size} values`);
  const alpha = floatAttribute(node, 'alpha', 1);
  const beta = floatAttribute(node, 'beta', 1);
  let bias: Float32Array | null = null;
  if (node.inputs[2]) {
    const c = constInput(context, node, 2, 'bias');
    const size = c.values.length;
    if (size !== units && size !== 1) throw patternError(context, node, `has a bias of ${size} values for ${units} units`);
    bias = Float32Array.from({ length: units }, (_, o) => beta * c.values[size === 1 ? 0 : o]!);
  }
  addDense(context, node, x, (i, o) => alpha * b.values[transB ? o * inputs + i : i * units + o]!, units, bias);
}

/** MatMul with a constant `[in, out]` matrix → Dense without bias (an Add after it becomes the bias). */
export function importMatMul(context: ImportContext, node: ReadNode): void {
  const x = vectorInput(context, node);
  const b = constInput(context, node, 1, 'weights');
  if (b.dims.length !== 2) throw patternError(context, node, `multiplies by a ${b.dims.length}-D tensor instead of a weight matrix`);
  const [inputs, units] = b.dims as [number, number];
  if (inputs !== x.size) throw patternError(context, node, `has weights for ${inputs} inputs but receives ${x.size} values`);
  addDense(context, node, x, (i, o) => b.values[i * units + o]!, units, null);
}
