import * as tf from '@tensorflow/tfjs';
import type { FlatGraph, FlatNode } from '../../../shared/shapes/analyze';
import type { CompiledModel } from '../engine';

/**
 * Runs a compiled network node by node on concrete tensors (inference mode: dropout off, BatchNorm on
 * its running statistics), so a gradient can be taken with respect to any node's output: Grad-CAM
 * needs ∂score/∂A for a layer's maps A, which a functional model cannot give. The same layers and
 * weights as the model, so the values are the model's.
 */

/** Node outputs by flat id. */
export type NodeValues = Map<string, tf.Tensor>;

/**
 * Computes the nodes `flat.nodes[from…to)` from `values` (which must hold their inputs) and adds them
 * to `values`. With `logits`, the Output node gives the class scores before softmax.
 */
export function runNodes(compiled: CompiledModel, flat: FlatGraph, values: NodeValues, from: number, to: number, options: { logits?: boolean } = {}): NodeValues {
  for (let i = from; i < to; i++) {
    const node = flat.nodes[i]!;
    values.set(node.id, applyNode(compiled, node, values, options.logits ?? false));
  }
  return values;
}

/** Every node's output for a batch `x` (NHWC, normalised): the Input node's is `x` itself. */
export function runGraph(compiled: CompiledModel, flat: FlatGraph, x: tf.Tensor4D, options: { logits?: boolean; until?: string } = {}): NodeValues {
  const values: NodeValues = new Map([[flat.inputId, x]]);
  const end = options.until === undefined ? flat.nodes.length : flat.nodes.findIndex((n) => n.id === options.until) + 1;
  const start = flat.nodes.findIndex((n) => n.id === flat.inputId) + 1;
  return runNodes(compiled, flat, values, start, end, options);
}

function applyNode(compiled: CompiledModel, node: FlatNode, values: NodeValues, logits: boolean): tf.Tensor {
  const built = compiled.nodes.get(node.id);
  if (!built) throw new Error(`the compiled model has no node ${node.id}`);
  const inputs = node.inputs.map((id) => {
    const value = values.get(id);
    if (!value) throw new Error(`${node.id} needs ${id}, which has not been computed`);
    return value;
  });
  if (logits && node.kind === 'Output') {
    // The Output is a dense layer with softmax fused in: its scores are x·W + b.
    const kernel = built.weights.kernel!.read() as tf.Tensor2D;
    const bias = built.weights.bias?.read();
    const scores = tf.matMul(inputs[0] as tf.Tensor2D, kernel);
    return bias ? tf.add(scores, bias) : scores;
  }
  let out = built.layers[0]!.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: false }) as tf.Tensor;
  for (const layer of built.layers.slice(1)) out = layer.apply(out, { training: false }) as tf.Tensor;
  return out;
}
