import type { ModelGraph } from '../../../shared/graph/model-graph';
import type { Project } from '../../../shared/project/project';
import { createProject } from '../../../shared/project/project';
import type { DatasetSettings, TrainingSettings } from '../../../shared/project/settings';

/** Node ids of a baseline's classifier network; the weights are stored under `classifier`. */
export const CLASSIFIER_NODES = { input: 'features', flatten: 'flatten', output: 'classifier' } as const;

/**
 * Multinomial logistic regression as a studio network: the feature vector as an Input of
 * `featureShape`, flattened, into the Output (a dense layer with softmax and cross-entropy).
 */
export function classifierGraph(featureShape: readonly [number, number, number], classes: number): ModelGraph {
  const [height, width, channels] = featureShape;
  return {
    nodes: [
      { id: CLASSIFIER_NODES.input, kind: 'Input', params: { height, width, channels } },
      { id: CLASSIFIER_NODES.flatten, kind: 'Flatten', params: {} },
      { id: CLASSIFIER_NODES.output, kind: 'Output', params: { classes, loss: 'softmax-cross-entropy' } },
    ],
    edges: [
      { from: CLASSIFIER_NODES.input, to: CLASSIFIER_NODES.flatten },
      { from: CLASSIFIER_NODES.flatten, to: CLASSIFIER_NODES.output },
    ],
  };
}

/** The project a baseline run keeps: its classifier network with the dataset and training settings it ran with. */
export function classifierProject(name: string, graph: ModelGraph, dataset: Partial<DatasetSettings>, training: TrainingSettings): Project {
  return createProject(name, graph, { dataset, training });
}
