import type * as tf from '@tensorflow/tfjs';
import type { FlatNode } from '../../../../shared/shapes/analyze';

/** What a builder gets besides its inputs. */
export interface LayerBuildContext {
  node: FlatNode;
  /** TF.js name of the node's main layer (the one that holds its weights). */
  name: string;
  /** Seed for one weight's initialiser (by role), undefined when the run is unseeded. */
  seed(role: string): number | undefined;
}

/** The layers a builder made for one flat node and the tensor it outputs. */
export interface BuiltNode {
  output: tf.SymbolicTensor;
  /** The node's layers, main layer first (an extra activation layer may follow). */
  layers: tf.layers.Layer[];
}

/** Builds the TF.js layer(s) of one primitive kind, applied to the node's inputs in edge order. */
export type LayerBuilder = (inputs: tf.SymbolicTensor[], context: LayerBuildContext) => BuiltNode;

/** Applies `layer` and returns it with its output (single-output layers only). */
export function applyLayer(layer: tf.layers.Layer, inputs: tf.SymbolicTensor | tf.SymbolicTensor[]): BuiltNode {
  return { output: layer.apply(inputs) as tf.SymbolicTensor, layers: [layer] };
}

/** The node's params, typed as its kind declares them (the analyser validated and defaulted them). */
export function paramsOf<P>(context: LayerBuildContext): P {
  return context.node.params as P;
}

/** The one input of a single-input kind. */
export function onlyInput(inputs: tf.SymbolicTensor[], context: LayerBuildContext): tf.SymbolicTensor {
  if (inputs.length !== 1) throw new Error(`${context.node.id} (${context.node.kind}) expects one input, got ${inputs.length}.`);
  return inputs[0]!;
}
