import { StudioError } from '../../../../../shared/errors';
import type { ModelGraph } from '../../../../../shared/graph/model-graph';
import { readOnnxMetadata } from '../../../../../shared/onnx/metadata';
import { TENSOR_TYPES } from '../../../../../shared/onnx/model-proto';
import type { InputLayout } from '../../../../../shared/onnx/opsets';
import type { Preprocessing } from '../../../../../shared/project/preprocessing';
import { analyzeGraph } from '../../../../../shared/shapes/analyze';
import type { WeightSet } from '../../../../../shared/weights';
import { GraphAssembler } from './graph-assembler';
import type { ImportContext } from './import-context';
import type { ReadModel } from './onnx-model-reader';
import { readOnnxModel } from './onnx-model-reader';
import { LAYER_OPERATORS, OP_IMPORTERS, importNode } from './ops';

/** An ONNX model made into a studio graph. */
export interface OnnxImport {
  /** Primitive kinds only, ids readable and unique. */
  graph: ModelGraph;
  /** By node id, TF.js layouts (Conv2D kernels HWIO, Dense kernels `[inputs, units]`). */
  weights: WeightSet;
  /** From the file's metadata (the studio's own exports carry them). */
  labels?: string[];
  preprocessing?: Preprocessing;
  /** The layout of the file's input. */
  inputLayout: InputLayout;
  /** Sentences about what was changed or left out. */
  warnings: string[];
  /** producer_name and version, for the project's "imported from" note. */
  producer: string;
  opset: number;
}

/** At most this many node names per operator in the "unsupported operators" sentence. */
const NAMES_PER_OPERATOR = 5;

/**
 * Turns an ONNX model into a studio graph and its weights: Conv, pooling, Gemm/MatMul(+Add),
 * activations, BatchNormalization, Add, Concat, Flatten/Reshape/Squeeze, Dropout/Identity, Pad folded
 * into the next Conv or pool, a Transpose at an NHWC input, and the constant shape arithmetic PyTorch
 * writes. Unsupported operators are listed in one error; a damaged file is a sentence, never a crash.
 */
export function importOnnx(bytes: Uint8Array, fileName: string): OnnxImport {
  try {
    return importModel(readOnnxModel(bytes, fileName));
  } catch (error) {
    if (error instanceof StudioError) throw error;
    // Bytes that decode as protobuf but hold nonsense (a field of the wrong kind, absurd sizes) are a damaged file.
    throw new StudioError('onnx-invalid', `${fileName} is a damaged ONNX model: it cannot be read (${error instanceof Error ? error.message : String(error)}).`, {
      hint: 'Export it again from its source.',
      where: fileName,
      cause: error,
    });
  }
}

function importModel(model: ReadModel): OnnxImport {
  const { fileName } = model;
  refuseUnsupportedOperators(model);
  const assembler = new GraphAssembler(fileName);
  const consumers = new Map<string, number>();
  for (const node of model.nodes) for (const input of node.inputs) if (input) consumers.set(input, (consumers.get(input) ?? 0) + 1);
  for (const output of model.outputs) consumers.set(output.name, (consumers.get(output.name) ?? 0) + 1);
  const context: ImportContext = { model, assembler, values: new Map(), consumers, batch: null, warnings: [] };
  for (const [name, tensor] of model.initializers) context.values.set(name, { kind: 'const', tensor });
  const inputLayout = addInput(context);
  for (const node of model.nodes) {
    try {
      importNode(context, node);
    } catch (error) {
      if (error instanceof StudioError) throw error;
      throw new StudioError('onnx-invalid', `${fileName} is a damaged ONNX model: node ${node.name} (${node.opType}) cannot be read (${error instanceof Error ? error.message : String(error)}).`, {
        hint: 'Export it again from its source.',
        where: node.name,
        cause: error,
      });
    }
  }
  const outputId = addOutput(context);
  const { graph, weights, dropped } = assembler.finish(outputId);
  if (dropped.length) {
    context.warnings.push(`${fileName}: ${dropped.map((n) => n.source).join(', ')} ${dropped.length === 1 ? 'does' : 'do'} not lead to the output and ${dropped.length === 1 ? 'was' : 'were'} left out.`);
  }
  const analysis = analyzeGraph(graph);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length || !analysis.flat) {
    throw new StudioError('internal', `${fileName} was translated into a graph the studio rejects: ${errors.map((e) => e.message).join(' ')}`, {
      hint: 'Report this as a defect, with the model file.',
      where: fileName,
    });
  }
  const result: OnnxImport = { graph, weights, inputLayout, warnings: context.warnings, producer: model.producer, opset: model.opset };
  addMetadata(result, model, analysis.flat.nodes.find((n) => n.id === analysis.flat!.inputId)!.outputShape, graph.nodes.find((n) => n.kind === 'Output')!.params.classes as number);
  return result;
}

function refuseUnsupportedOperators(model: ReadModel): void {
  const unsupported = new Map<string, string[]>();
  for (const node of model.nodes) {
    const standard = node.domain === '' || node.domain === 'ai.onnx';
    if (standard && Object.hasOwn(OP_IMPORTERS, node.opType)) continue;
    const op = standard ? node.opType : `${node.domain}.${node.opType}`;
    unsupported.set(op, [...(unsupported.get(op) ?? []), node.name]);
  }
  if (!unsupported.size) return;
  const parts = [...unsupported.entries()].map(([op, names]) => {
    const shown = names.slice(0, NAMES_PER_OPERATOR).join(', ');
    const more = names.length > NAMES_PER_OPERATOR ? ` and ${names.length - NAMES_PER_OPERATOR} more` : '';
    return `${op} (node${names.length === 1 ? '' : 's'} ${shown}${more})`;
  });
  throw new StudioError('onnx-unsupported', `${model.fileName} uses operators the studio does not support: ${parts.join('; ')}.`, {
    hint: `The studio imports networks made of ${LAYER_OPERATORS.join(', ')}; replace those layers in the source framework, or build the network on the canvas.`,
    where: model.fileName,
  });
}

/** The graph input → the Input node; NHWC when every reader of it is a Transpose to NCHW. */
function addInput(context: ImportContext): InputLayout {
  const { model } = context;
  const fail = (what: string, hint = 'Export the model with one fixed-size image input (N x C x H x W).') =>
    new StudioError('onnx-unsupported', `${model.fileName} ${what}.`, { hint, where: model.fileName });
  if (model.inputs.length !== 1) throw fail(`has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ') || 'none'}); a studio network has one image input`);
  const input = model.inputs[0]!;
  if (input.elemType !== TENSOR_TYPES.float) throw fail(`takes its input ${input.name} as data type ${input.elemType}, not float32`);
  if (!input.dims || input.dims.length !== 4) throw fail(`takes its input ${input.name} with ${input.dims?.length ?? 'unknown'} dimensions; a studio network takes images (4 dimensions)`);
  const readers = model.nodes.filter((n) => n.inputs.includes(input.name));
  const nhwc = readers.length > 0 && readers.every((n) => n.opType === 'Transpose' && (n.attributes.get('perm') as number[] | undefined)?.join(',') === '0,3,1,2');
  const [batch, ...rest] = input.dims;
  const [height, width, channels] = (nhwc ? rest : [rest[1], rest[2], rest[0]]) as (number | string)[];
  if (typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
    throw fail(`takes images of variable size (${input.dims.join(' x ')})`, 'Export the model with a fixed image size (PyTorch: dynamic_axes only for the batch).');
  }
  if (channels !== 1 && channels !== 3) throw fail(`takes images with ${channels} channels; the studio's images have 1 (grey) or 3 (colour)`);
  context.batch = typeof batch === 'number' ? batch : null;
  const node = context.assembler.add('Input', { height, width, channels }, [], [input.name, 'input'], input.name);
  context.values.set(input.name, { kind: 'map', node: node.id, shape: [height, width, channels], layout: nhwc ? 'nhwc' : 'nchw' });
  return nhwc ? 'nhwc' : 'nchw';
}

/** The graph output must come from a fully-connected layer: it becomes the Output (softmax included). */
function addOutput(context: ImportContext): string {
  const { model, assembler } = context;
  if (model.outputs.length !== 1) {
    throw new StudioError('onnx-unsupported', `${model.fileName} has ${model.outputs.length} outputs (${model.outputs.map((o) => o.name).join(', ')}); a studio network has one.`, {
      hint: 'Export the model with its classifier output only.',
      where: model.fileName,
    });
  }
  const name = model.outputs[0]!.name;
  const value = context.values.get(name);
  const producer = value && value.kind !== 'const' ? assembler.nodes.get(value.node) : undefined;
  const usedElsewhere = producer && [...assembler.nodes.values()].some((n) => n.inputs.includes(producer.id));
  if (!producer || value?.kind !== 'vector' || value.asMap || value.order || producer.kind !== 'Dense' || usedElsewhere || !['linear', 'softmax'].includes(producer.params.activation as string)) {
    throw new StudioError('onnx-unsupported', `${model.fileName}: the output ${name} does not come straight from a fully-connected layer (Gemm or MatMul, optionally with Softmax); a studio network ends in one, its Output.`, {
      hint: 'Export the model up to its classifier (the logits or their softmax).',
      where: name,
    });
  }
  const classes = producer.params.units as number;
  if (classes < 2) throw new StudioError('onnx-unsupported', `${model.fileName}: the output ${name} has ${classes} value; a studio Output has at least 2 classes.`, { hint: 'Import a classifier with two or more classes.', where: name });
  if (producer.params.activation === 'linear') {
    context.warnings.push(`${model.fileName} returns logits (no softmax at its end); the studio's Output adds one, so the project returns probabilities. Export with --logits to get logits again.`);
  }
  assembler.retype(producer.id, 'Output', { classes, useBias: producer.params.useBias });
  return producer.id;
}

/** Labels and preprocessing from the metadata, when they fit the imported network. */
function addMetadata(result: OnnxImport, model: ReadModel, inputShape: readonly number[], classes: number): void {
  const metadata = readOnnxMetadata(model.metadata, model.fileName);
  result.warnings.push(...metadata.warnings);
  if (metadata.labels) {
    if (metadata.labels.length === classes) result.labels = metadata.labels;
    else result.warnings.push(`${model.fileName}: the metadata names ${metadata.labels.length} classes but the network has ${classes} outputs, so the labels are ignored.`);
  }
  const p = metadata.preprocessing;
  if (p) {
    if (p.height === inputShape[0] && p.width === inputShape[1] && p.channels === inputShape[2]) result.preprocessing = p;
    else result.warnings.push(`${model.fileName}: the metadata describes ${p.height}x${p.width}x${p.channels} images but the network takes ${inputShape.join('x')}, so its preprocessing is ignored.`);
  }
}
