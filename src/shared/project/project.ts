import type { ModelGraph } from '../graph/model-graph';
import type { InitialWeights } from './schema';
import type { DatasetSettings, TrainingSettings } from './settings';
import { datasetSettingsSchema, trainingSettingsSchema } from './settings';

/** A project in memory: the graph and the settings that live beside it. */
export interface Project {
  name: string;
  graph: ModelGraph;
  dataset: DatasetSettings;
  training: TrainingSettings;
  /** Weights to start from (imported or carried over from a run); null for a fresh initialisation. */
  initialWeights: InitialWeights | null;
  ui: Record<string, unknown>;
}

/** A new project around a graph, with default settings. */
export function createProject(name: string, graph: ModelGraph, overrides: { dataset?: Partial<DatasetSettings>; training?: Partial<TrainingSettings> } = {}): Project {
  return {
    name,
    graph,
    dataset: datasetSettingsSchema.parse(overrides.dataset ?? {}),
    training: trainingSettingsSchema.parse(overrides.training ?? {}),
    initialWeights: null,
    ui: {},
  };
}
