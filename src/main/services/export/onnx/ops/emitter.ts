import { StudioError } from '../../../../../shared/errors';
import type { InputLayout } from '../../../../../shared/onnx/opsets';
import type { FlatNode } from '../../../../../shared/shapes/analyze';
import type { NodeWeights, WeightRole } from '../../../../../shared/weights';
import type { OnnxGraphBuilder } from '../graph-builder';

/** What an emitter gets: its flat node, the ONNX names of its inputs (in edge order), its weights. */
export interface EmitContext {
  node: FlatNode;
  /** ONNX tensor names of the node's inputs: feature maps NCHW, vectors `[batch, n]`. */
  inputs: string[];
  weights: NodeWeights | undefined;
  graph: OnnxGraphBuilder;
  options: { layout: InputLayout; logits: boolean };
}

/**
 * Emits the ONNX nodes of one primitive kind and returns the name of the tensor that holds the node's
 * output (named after the node id where a node is emitted; the input's own name for kinds that vanish,
 * such as Dropout).
 */
export type OnnxEmitter = (context: EmitContext) => string;

/** The node's params, typed as its kind declares them (the analyser validated and defaulted them). */
export function paramsOf<P>(context: EmitContext): P {
  return context.node.params as P;
}

/** The one input of a single-input kind. */
export function onlyInput(context: EmitContext): string {
  const [input] = context.inputs;
  if (context.inputs.length !== 1 || input === undefined) throw new Error(`${context.node.id} (${context.node.kind}) expects one input, got ${context.inputs.length}.`);
  return input;
}

/** A weight of the node, checked against the shape the layer needs; a missing or misshapen one is a sentence. */
export function requireWeight(context: EmitContext, role: WeightRole, shape: readonly number[]): Float32Array {
  const { id } = context.node;
  const tensor = context.weights?.[role];
  const expected = `[${shape.join(', ')}]`;
  if (!tensor) {
    throw new StudioError('run-invalid', `The weights hold no ${role} for layer ${id} (expected ${expected}).`, {
      hint: 'The weights belong to another network: export the run that trained this graph.',
      where: `${id}/${role}`,
    });
  }
  const size = shape.reduce((p, d) => p * d, 1);
  if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i]) || tensor.values.length !== size) {
    throw new StudioError('run-invalid', `The weights give layer ${id} a ${role} of shape [${tensor.shape.join(', ')}], but the layer needs ${expected}.`, {
      hint: 'The layer was changed after these weights were trained: undo the change, or train again.',
      where: `${id}/${role}`,
    });
  }
  return tensor.values;
}
