import { StudioError } from '../../../../shared/errors';
import { buildOnnxMetadata } from '../../../../shared/onnx/metadata';
import type { ModelProtoData } from '../../../../shared/onnx/model-proto';
import type { InputLayout } from '../../../../shared/onnx/opsets';
import { DEFAULT_OPSET, EXPORT_OPSETS, irVersionForOpset, isExportOpset } from '../../../../shared/onnx/opsets';
import type { Preprocessing } from '../../../../shared/project/preprocessing';
import type { FlatGraph } from '../../../../shared/shapes/analyze';
import type { WeightSet } from '../../../../shared/weights';
import { OnnxGraphBuilder } from './graph-builder';
import { encodeModelProto } from './onnx-proto';
import { ONNX_EMITTERS } from './ops';

/** The producer_name of every model the studio writes. */
export const ONNX_PRODUCER = 'cnn-studio';

export interface OnnxExportOptions {
  /** The expanded graph (`analyzeGraph(graph).flat`). */
  flat: FlatGraph;
  /** Weights by flat node id, TF.js layouts (src/shared/weights.ts). */
  weights: WeightSet;
  /** Class names in output order; written to the metadata when known. */
  labels?: readonly string[] | undefined;
  /** The run's exact preprocessing; written to the metadata when known. */
  preprocessing?: Preprocessing | undefined;
  /** 11–17; 13 by default. */
  opset?: number;
  /** The graph input's layout; `nchw` by default. */
  layout?: InputLayout;
  /** Leave out the Output's softmax, so the model returns logits. */
  logits?: boolean;
  /** The studio's version, written as producer_version. */
  producerVersion: string;
  /** The graph's name (the project's name). */
  modelName?: string;
}

/**
 * Writes an ONNX model of an expanded graph and its weights: one emitter per primitive kind, in the
 * graph's topological order; maps NCHW inside, the batch dimension symbolic (`batch`), every tensor
 * with its value_info, names taken from node ids, and the metadata a deployer needs. Pure: the same
 * inputs always give the same bytes.
 */
export function exportOnnx(options: OnnxExportOptions): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!isExportOpset(opset)) {
    throw new StudioError('invalid-argument', `ONNX opset ${opset} cannot be written; the studio writes opsets ${EXPORT_OPSETS[0]} to ${EXPORT_OPSETS[EXPORT_OPSETS.length - 1]}.`, {
      hint: `Choose an opset from ${EXPORT_OPSETS[0]} to ${EXPORT_OPSETS[EXPORT_OPSETS.length - 1]} (${DEFAULT_OPSET} when unsure).`,
      where: 'opset',
    });
  }
  const layout = options.layout ?? 'nchw';
  const logits = options.logits ?? false;
  const { flat } = options;
  const outputNode = flat.nodes.find((n) => n.id === flat.outputId);
  const inputNode = flat.nodes.find((n) => n.id === flat.inputId);
  if (!outputNode || !inputNode) throw new StudioError('internal', 'The expanded graph has no Input or no Output node.', { hint: 'Report this as a defect, with the project file.' });
  const classes = outputNode.outputShape[0]!;
  if (options.labels && options.labels.length !== classes) {
    throw new StudioError('invalid-argument', `There are ${options.labels.length} class labels but the Output ${outputNode.id} has ${classes} classes.`, {
      hint: 'Export the run that trained this graph, or set the Output\'s classes to the number of labels.',
      where: outputNode.id,
    });
  }

  const graph = new OnnxGraphBuilder(opset);
  const produced = new Map<string, string>();
  for (const node of flat.nodes) {
    const inputs = node.inputs.map((id) => {
      const name = produced.get(id);
      if (name === undefined) throw new StudioError('internal', `Layer ${node.id} reads ${id} before it is written.`, { hint: 'Report this as a defect, with the project file.' });
      return name;
    });
    produced.set(node.id, ONNX_EMITTERS[node.kind]({ node, inputs, weights: options.weights[node.id], graph, options: { layout, logits } }));
  }
  const output = produced.get(flat.outputId)!;
  const ends = new Set([...graph.graphInputs, output]);
  const [height, width, channels] = inputNode.outputShape as [number, number, number];
  const model: ModelProtoData = {
    irVersion: irVersionForOpset(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: ONNX_PRODUCER,
    producerVersion: options.producerVersion,
    docString: `${options.modelName ?? 'A network'} exported by CNN Studio ${options.producerVersion}.`,
    graph: {
      name: options.modelName ?? 'cnn-studio-model',
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.graphInputs.map((name) => graph.valueInfoOf(name)),
      output: [graph.valueInfoOf(output)],
      valueInfo: graph.valueInfo(ends),
    },
    metadataProps: buildOnnxMetadata({ labels: options.labels, preprocessing: options.preprocessing, layout, input: { height, width, channels }, logits }),
  };
  return encodeModelProto(model);
}
