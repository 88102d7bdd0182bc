import type { ModelGraph } from '../graph/model-graph';
import type { DatasetSettings, TrainingSettings } from './settings';
import { datasetSettingsSchema, trainingSettingsSchema } from './settings';

/** A project in memory: the graph and the settings that live beside it. */
export interface Project {
  name: string;
  graph: ModelGraph;
  dataset: DatasetSettings;
  training: TrainingSettings;
  ui: Record<string, unknown>;
}

/** A new project around a graph, with default settings. */
export function createProject(name: string, graph: ModelGraph, overrides: { dataset?: Partial<DatasetSettings>; training?: Partial<TrainingSettings> } = {}): Project {
  return {
    name,
    graph,
    dataset: datasetSettingsSchema.parse(overrides.dataset ?? {}),
    training: trainingSettingsSchema.parse(overrides.training ?? {}),
    ui: {},
  };
}
