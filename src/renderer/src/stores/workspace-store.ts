import { defineStore } from 'pinia';
import { ref } from 'vue';

/**
 * The studio's views, left to right in the order a project goes: build the network (and step through
 * its layers), choose the data, train, judge, look inside, set hand-crafted features beside it, try,
 * export. Only the network view shows the palette, canvas and inspector.
 */
export const WORKSPACE_VIEWS = [
  { id: 'network', label: 'Network' },
  { id: 'explainer', label: 'Explainer' },
  { id: 'dataset', label: 'Dataset' },
  { id: 'training', label: 'Training' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'insight', label: 'Insight' },
  { id: 'hog', label: 'HOG & baseline' },
  { id: 'prediction', label: 'Prediction' },
  { id: 'export', label: 'Export' },
] as const;
export type WorkspaceView = (typeof WORKSPACE_VIEWS)[number]['id'];

/** Which view the window shows. */
export const useWorkspaceStore = defineStore('workspace', () => {
  const view = ref<WorkspaceView>('network');

  function show(next: WorkspaceView): void {
    view.value = next;
  }

  return { view, show };
});
