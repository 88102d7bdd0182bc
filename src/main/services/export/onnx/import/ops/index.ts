import type { ImportContext } from '../import-context';
import { patternError } from '../import-context';
import type { ReadNode } from '../onnx-model-reader';
import { importBatchNormalization } from './batch-norm';
import { allInputsConstant, foldConstant, importCast, importConstant, importShape } from './constants';
import { importConv } from './conv';
import { importGemm, importMatMul } from './dense';
import { importActivation, importAdd, importClip, importConcat, importSoftmax } from './elementwise';
import { importAveragePool, importGlobalAveragePool, importGlobalMaxPool, importMaxPool, importReduceMean } from './pooling';
import { importFlatten, importPad, importPassThrough, importReshape, importSqueeze, importTranspose } from './shape-ops';

export type OpImporter = (context: ImportContext, node: ReadNode) => void;

const constantsOnly: OpImporter = (context, node) => {
  throw patternError(context, node, 'is applied to the network\'s data; the studio evaluates it only on constants (shape arithmetic)');
};

/**
 * One importer per ONNX operator (default domain). Operators whose every input is a constant are
 * evaluated instead (shape arithmetic), whatever they are.
 */
export const OP_IMPORTERS: Readonly<Record<string, OpImporter>> = {
  Conv: importConv,
  MaxPool: importMaxPool,
  AveragePool: importAveragePool,
  GlobalAveragePool: importGlobalAveragePool,
  GlobalMaxPool: importGlobalMaxPool,
  ReduceMean: importReduceMean,
  Gemm: importGemm,
  MatMul: importMatMul,
  Add: importAdd,
  Sum: importAdd,
  Relu: importActivation,
  LeakyRelu: importActivation,
  Elu: importActivation,
  Sigmoid: importActivation,
  Tanh: importActivation,
  Clip: importClip,
  Softmax: importSoftmax,
  BatchNormalization: importBatchNormalization,
  Concat: importConcat,
  Flatten: importFlatten,
  Reshape: importReshape,
  Squeeze: importSqueeze,
  Transpose: importTranspose,
  Pad: importPad,
  Dropout: importPassThrough,
  Identity: importPassThrough,
  Cast: importCast,
  Constant: importConstant,
  Shape: importShape,
  Gather: constantsOnly,
  Unsqueeze: constantsOnly,
  Slice: constantsOnly,
  Mul: constantsOnly,
  Sub: constantsOnly,
  Div: constantsOnly,
};

/** The operators that make layers, for the hint of the "unsupported operators" error. */
export const LAYER_OPERATORS = [
  'Conv (group 1 or depthwise)',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'ReduceMean (over height and width)',
  'Gemm',
  'MatMul(+Add)',
  'Relu',
  'LeakyRelu',
  'Elu',
  'Sigmoid',
  'Tanh',
  'Clip (0 to 6: ReLU6)',
  'Softmax',
  'BatchNormalization',
  'Add',
  'Sum',
  'Concat',
  'Flatten',
  'Reshape',
  'Squeeze',
  'Dropout',
  'Identity',
  'Pad',
  'Transpose',
] as const;

/** Runs the importer of one node, folding it when all its inputs are constants. */
export function importNode(context: ImportContext, node: ReadNode): void {
  if (node.opType !== 'Shape' && node.opType !== 'Constant' && allInputsConstant(context, node)) return foldConstant(context, node);
  OP_IMPORTERS[node.opType]!(context, node);
}
