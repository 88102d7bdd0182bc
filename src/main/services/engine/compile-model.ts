import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../shared/errors';
import type { PrimitiveKind } from '../../../shared/layers';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import type { WeightRole } from '../../../shared/weights';
import { WEIGHT_ROLES } from '../../../shared/weights';
import { layerNameForNode } from './layer-names';
import { LAYER_BUILDERS } from './layers';
import { weightSeed } from './seeds';
import { registerStudioLayers } from './studio-layers';

export interface CompileOptions {
  /** The run's seed: initial weights (and dropout masks) depend only on it and the node ids. Null or absent: unseeded. */
  seed?: number | null;
}

/** One flat node in the compiled model. */
export interface CompiledNode {
  id: string;
  kind: PrimitiveKind;
  /** TF.js name of the node's main layer. */
  layerName: string;
  /** The node's TF.js layers, main layer first. */
  layers: tf.layers.Layer[];
  /** The node's output in the functional graph (for feature maps: build a second model on it). */
  output: tf.SymbolicTensor;
  /** The node's weights by role (`kernel`, `bias`, `gamma`, ...); empty for kinds without weights. */
  weights: Partial<Record<WeightRole, tf.LayerVariable>>;
}

/** A graph compiled to a TF.js functional model, with the way back from layers to flat node ids. */
export interface CompiledModel {
  model: tf.LayersModel;
  /** Flat nodes in topological order, by id. */
  nodes: ReadonlyMap<string, CompiledNode>;
  /** Flat node id → TF.js layer name. */
  layerNames: ReadonlyMap<string, string>;
  /** TF.js layer name (helper layers included) → flat node id. */
  nodeIds: ReadonlyMap<string, string>;
  /** Scalar weights, as `analyzeGraph(graph).totals` counts them. */
  counts: { trainable: number; nonTrainable: number };
  inputId: string;
  outputId: string;
  seed: number | null;
}

/**
 * Compiles an expanded graph (`analyzeGraph(graph).flat`) into a TF.js functional model: one builder
 * per primitive kind, inputs in edge order, layer names from node ids, seeded initialisation. Runs on
 * the active backend; call `loadBackend` first. Dispose with `model.dispose()`.
 */
export function compileModel(flat: FlatGraph, options: CompileOptions = {}): CompiledModel {
  registerStudioLayers();
  const seed = options.seed ?? null;
  const nodes = new Map<string, CompiledNode>();
  const layerNames = new Map<string, string>();
  const nodeIds = new Map<string, string>();
  for (const node of flat.nodes) {
    const name = layerNameForNode(node.id);
    if (nodeIds.has(name)) throw internal(`two nodes map to the TF.js layer name "${name}" (${nodeIds.get(name)} and ${node.id})`);
    const inputs = node.inputs.map((id) => nodes.get(id)?.output ?? missingInput(node.id, id));
    const built = LAYER_BUILDERS[node.kind](inputs, { node, name, seed: (role) => weightSeed(seed, node.id, role) });
    for (const layer of built.layers) {
      if (nodeIds.has(layer.name)) throw internal(`the TF.js layer name "${layer.name}" of ${node.id} is taken by ${nodeIds.get(layer.name)}`);
      nodeIds.set(layer.name, node.id);
    }
    layerNames.set(node.id, name);
    nodes.set(node.id, { id: node.id, kind: node.kind, layerName: name, layers: built.layers, output: built.output, weights: weightsByRole(node.id, built.layers) });
  }
  const input = nodes.get(flat.inputId);
  const output = nodes.get(flat.outputId);
  if (!input || !output) throw internal(`the input ${flat.inputId} or the output ${flat.outputId} is not among the flat nodes`);
  const model = tf.model({ inputs: input.output, outputs: output.output, name: 'cnn-studio-model' });
  return { model, nodes, layerNames, nodeIds, counts: countWeights(model), inputId: flat.inputId, outputId: flat.outputId, seed };
}

/** Trainable and non-trainable scalar weights of a model (frozen layers count as non-trainable). */
export function countWeights(model: tf.LayersModel): { trainable: number; nonTrainable: number } {
  const size = (weights: tf.LayerVariable[]) => weights.reduce((sum, w) => sum + w.shape.reduce((p: number, d) => p * (d ?? 0), 1), 0);
  return { trainable: size(model.trainableWeights), nonTrainable: size(model.nonTrainableWeights) };
}

/** A layer variable's role from its name (`conv1/kernel`, TF.js may add `_1` when names repeat). */
function weightsByRole(nodeId: string, layers: tf.layers.Layer[]): Partial<Record<WeightRole, tf.LayerVariable>> {
  const out: Partial<Record<WeightRole, tf.LayerVariable>> = {};
  for (const layer of layers) {
    for (const variable of layer.weights) {
      const role = variable.originalName.split('/').pop() as WeightRole;
      if (!WEIGHT_ROLES.includes(role)) throw internal(`the weight ${variable.originalName} of ${nodeId} has no known role`);
      if (out[role]) throw internal(`${nodeId} has two ${role} weights`);
      out[role] = variable;
    }
  }
  return out;
}

function missingInput(nodeId: string, inputId: string): never {
  throw internal(`${nodeId} takes its input from ${inputId}, which comes later or not at all`);
}

function internal(what: string): StudioError {
  return new StudioError('internal', `The graph could not be compiled: ${what}.`, { hint: 'Report this as a defect, with the project file.' });
}
