import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../../shared/errors';
import type { Preprocessing } from '../../../../shared/project/preprocessing';
import type { FlatGraph } from '../../../../shared/shapes/analyze';
import type { WeightSet } from '../../../../shared/weights';
import { layerNameForNode } from '../../engine/layer-names';
import { STANDARD_BUILDERS, layerWeights } from './standard-layers';

/** The files of a TF.js export, as `tf.loadLayersModel('…/model.json')` reads them. */
export const TFJS_FILES = { model: 'model.json', labels: 'labels.json', preprocessing: 'preprocessing.json' } as const;

/** Weight shards of 4 MiB, as tensorflowjs_converter writes them, so browsers cache and fetch them in parallel. */
const SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsExportOptions {
  flat: FlatGraph;
  weights: WeightSet;
  labels?: readonly string[] | undefined;
  preprocessing?: Preprocessing | undefined;
  producerVersion: string;
}

/** One file of the export: a name inside the export folder and its bytes. */
export interface ExportFile {
  name: string;
  data: Uint8Array;
}

/**
 * Builds the graph from tf.layers' standard classes and sets its weights, so the model needs nothing
 * of the studio to load. Runs on the active TF.js backend; dispose the model when done.
 */
export function buildStandardModel(flat: FlatGraph, weights: WeightSet): tf.LayersModel {
  const outputs = new Map<string, tf.SymbolicTensor>();
  const pending: { layer: tf.layers.Layer; values: () => tf.Tensor[] }[] = [];
  for (const node of flat.nodes) {
    const inputs = node.inputs.map((id) => outputs.get(id)!);
    const built = STANDARD_BUILDERS[node.kind](node, inputs, layerNameForNode(node.id));
    outputs.set(node.id, built.output);
    for (const { layer, roles } of built.weighted) pending.push({ layer, values: () => layerWeights(node, layer, roles, weights[node.id]) });
  }
  const model = tf.model({ inputs: outputs.get(flat.inputId)!, outputs: outputs.get(flat.outputId)!, name: 'cnn-studio-model' });
  try {
    for (const { layer, values } of pending) {
      const tensors = values();
      layer.setWeights(tensors);
      tf.dispose(tensors);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * A TF.js LayersModel export for web deployment: model.json (topology and weights manifest), the weights
 * in 4 MiB shards, labels.json and preprocessing.json when known. Same inputs, same bytes.
 */
export async function exportTfjs(options: TfjsExportOptions): Promise<ExportFile[]> {
  const model = buildStandardModel(options.flat, options.weights);
  let artifacts: tf.io.ModelArtifacts | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || artifacts.weightData === undefined) {
    throw new StudioError('internal', 'TensorFlow.js did not hand over the model to save.', { hint: 'Report this as a defect, with the project file.' });
  }
  const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const shardCount = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  const shards = Array.from({ length: shardCount }, (_, i) => ({
    name: `group1-shard${i + 1}of${shardCount}.bin`,
    data: data.slice(i * SHARD_BYTES, Math.min(data.byteLength, (i + 1) * SHARD_BYTES)),
  }));
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: `cnn-studio ${options.producerVersion}`,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: shards.map((s) => s.name), weights: artifacts.weightSpecs }],
  };
  const text = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const files: ExportFile[] = [{ name: 'model.json', data: new TextEncoder().encode(JSON.stringify(modelJson)) }, ...shards];
  if (options.labels) files.push({ name: TFJS_FILES.labels, data: text(options.labels) });
  if (options.preprocessing) files.push({ name: TFJS_FILES.preprocessing, data: text(options.preprocessing) });
  return files;
}
