import { createPinia, setActivePinia } from 'pinia';
import type { ModelGraph } from '../../../src/shared/graph/model-graph';
import { createProject } from '../../../src/shared/project/project';
import { useProjectStore } from '../../../src/renderer/src/stores/project-store';

/** Input 28x28x1 → conv (8@3x3) → pool → flatten → dense → output, positioned left to right. */
export function smallNet(): ModelGraph {
  const ids = ['input', 'conv1', 'pool1', 'flatten', 'dense1', 'output'];
  const kinds = ['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense', 'Output'];
  const params: Record<string, unknown>[] = [{ height: 28, width: 28, channels: 1 }, { filters: 8, kernelSize: 3 }, {}, {}, { units: 32 }, { classes: 10 }];
  return {
    nodes: ids.map((id, i) => ({ id, kind: kinds[i]!, params: params[i]!, position: { x: i * 284, y: 0 } })),
    edges: ids.slice(1).map((to, i) => ({ from: ids[i]!, to })),
  };
}

/** A fresh Pinia with the project store holding `graph` as a saved project. */
export function storeWith(graph: ModelGraph = smallNet()) {
  setActivePinia(createPinia());
  const project = useProjectStore();
  project.load(createProject('Test', graph), { path: '/tmp/test.cnnstudio' });
  return project;
}

/** The output shape of a layer in the store's analysis, as `28x28x8`, or null. */
export function shapeOf(project: ReturnType<typeof useProjectStore>, id: string): string | null {
  return project.analysis.nodes.find((n) => n.id === id)?.outputShape?.join('x') ?? null;
}
