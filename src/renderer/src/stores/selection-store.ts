import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import { edgeKey } from '../graph-edits/node-edits';

/** What is selected on the canvas: layer ids and connection keys (`from->to`). */
export const useSelectionStore = defineStore('selection', () => {
  const nodeIds = ref<string[]>([]);
  const edgeIds = ref<string[]>([]);

  /** The one selected layer the inspector shows; null for none or several. */
  const single = computed(() => (nodeIds.value.length === 1 && edgeIds.value.length === 0 ? nodeIds.value[0]! : null));
  const isEmpty = computed(() => nodeIds.value.length === 0 && edgeIds.value.length === 0);

  /** Replaces the selection. */
  function select(nodes: readonly string[], edges: readonly string[] = []): void {
    nodeIds.value = [...new Set(nodes)];
    edgeIds.value = [...new Set(edges)];
  }

  function clear(): void {
    select([]);
  }

  /** Applies one select/deselect from the canvas. */
  function setNodeSelected(id: string, selected: boolean): void {
    const has = nodeIds.value.includes(id);
    if (selected && !has) nodeIds.value = [...nodeIds.value, id];
    if (!selected && has) nodeIds.value = nodeIds.value.filter((n) => n !== id);
  }

  function setEdgeSelected(id: string, selected: boolean): void {
    const has = edgeIds.value.includes(id);
    if (selected && !has) edgeIds.value = [...edgeIds.value, id];
    if (!selected && has) edgeIds.value = edgeIds.value.filter((n) => n !== id);
  }

  /** Drops what no longer exists (after undo, delete, a new project). */
  function prune(graph: ModelGraph): void {
    const nodes = new Set(graph.nodes.map((n) => n.id));
    const edges = new Set(graph.edges.map(edgeKey));
    if (nodeIds.value.some((id) => !nodes.has(id))) nodeIds.value = nodeIds.value.filter((id) => nodes.has(id));
    if (edgeIds.value.some((id) => !edges.has(id))) edgeIds.value = edgeIds.value.filter((id) => edges.has(id));
  }

  return { nodeIds, edgeIds, single, isEmpty, select, clear, setNodeSelected, setEdgeSelected, prune };
});
