import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { Maps } from '../../../shared/insight/grids';
import type { ExplainableNode } from '../../../shared/insight/node-explainer';
import { EXPLAINABLE_KINDS } from '../../../shared/insight/node-explainer';
import { useProjectStore } from './project-store';
import { useWorkspaceStore } from './workspace-store';

/** True for the kinds the explainer steps through (Conv2D, max and average pooling). */
export function isExplainable(kind: string): boolean {
  return (EXPLAINABLE_KINDS as readonly string[]).includes(kind);
}

/**
 * The convolution explainer: which Conv2D or pooling node of the open project it explains, and the
 * example input when the user has changed the default one (cells clicked on and off).
 */
export const useExplainerStore = defineStore('explainer', () => {
  const project = useProjectStore();
  const workspace = useWorkspaceStore();
  const chosen = ref<string | null>(null);
  /** The example input with the user's changes, or null for the node's default example. */
  const input = shallowRef<Maps | null>(null);

  /**
   * Every node the explainer can step through, with its input shape: from the expanded network when it
   * has no errors (block layers included, as `block.inner`), else the top-level nodes whose input has a shape.
   */
  const nodes = computed<ExplainableNode[]>(() => {
    const flat = project.analysis.flat;
    if (flat) return flat.nodes.filter((n) => isExplainable(n.kind) && n.inputShapes[0]).map((n) => ({ id: n.id, kind: n.kind, params: n.params, inputShape: n.inputShapes[0]! }));
    return project.graph.nodes.flatMap((n) => {
      if (!isExplainable(n.kind)) return [];
      const edge = project.graph.edges.find((e) => e.to === n.id);
      const shape = edge ? project.analysis.edgeShapes[`${edge.from}->${n.id}`] : undefined;
      return shape ? [{ id: n.id, kind: n.kind, params: n.params, inputShape: shape }] : [];
    });
  });
  const node = computed(() => nodes.value.find((n) => n.id === chosen.value) ?? nodes.value[0] ?? null);

  /** Opens the explainer on a node (the inspector's "Explain" action). */
  function open(id: string): void {
    chosen.value = id;
    workspace.show('explainer');
  }

  function choose(id: string): void {
    chosen.value = id;
  }

  function setInput(next: Maps | null): void {
    input.value = next;
  }

  // Another node (or a changed window) needs its own example, so the input starts again.
  watch(() => JSON.stringify(node.value), () => (input.value = null));

  return { chosen, input, nodes, node, open, choose, setInput };
});
