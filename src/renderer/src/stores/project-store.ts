import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { StudioError } from '../../../shared/errors';
import { freezeUntil as frozenUntil, replaceHead as withNewHead } from '../../../shared/finetune/graph-surgery';
import { layoutGraph } from '../../../shared/graph/layout';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import { findLayer } from '../../../shared/layers';
import type { Project } from '../../../shared/project/project';
import { createProject } from '../../../shared/project/project';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { inspectGraph } from '../../../shared/shapes/report';
import { connectionRefusal } from '../graph-edits/connection-rules';
import type { CustomBlock } from '../graph-edits/custom-blocks';
import { readCustomBlocks, uniqueBlockName, withCustomBlock, withoutCustomBlock } from '../graph-edits/custom-blocks';
import type { GraphFragment } from '../graph-edits/graph-fragment';
import { insertFragment } from '../graph-edits/graph-fragment';
import { groupNodes, ungroupNode } from '../graph-edits/grouping';
import { expandBlockNode } from '../graph-edits/inner-graph';
import type { Point } from '../graph-edits/node-edits';
import { addEdge, addNode, moveNodes, nodeIdProblem, patchParams, removeElements, renameNode, reorderInput } from '../graph-edits/node-edits';
import { companionParams, paramValueProblem } from '../graph-edits/param-values';
import type { ProjectSnapshot } from './history-store';
import { useHistoryStore } from './history-store';
import { useSelectionStore } from './selection-store';

/** A fresh key for the recovery copy of a document. */
function newDocumentKey(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  return `doc-${random}`;
}

/** The empty project the window starts with. */
export function untitledProject(): Project {
  return createProject('Untitled', { nodes: [], edges: [] });
}

/** True when some layer has no position yet (a graph made by the CLI or a template). */
function needsLayout(graph: ModelGraph): boolean {
  return graph.nodes.some((n) => !n.position);
}

function laidOut(graph: ModelGraph, layout: (graph: ModelGraph) => ReadonlyMap<string, Point>): ModelGraph {
  const positions = layout(graph);
  return { nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? { x: 0, y: 0 } })), edges: graph.edges };
}

/**
 * The open project and every edit of it. The project is immutable data in a shallow ref: an edit
 * builds a new project (sharing what it does not change), records the old one in the history, and
 * the analysis (shapes, parameter counts, problems) follows as a computed value.
 */
export const useProjectStore = defineStore('project', () => {
  const history = useHistoryStore();
  const selection = useSelectionStore();

  const project = shallowRef<Project>(untitledProject());
  /** Where the project is saved; null until it is. */
  const path = ref<string | null>(null);
  /** Names the recovery copy of this document. */
  const documentKey = ref(newDocumentKey());
  const revision = ref(0);
  const savedRevision = ref(0);
  let nextRevision = 1;

  const graph = computed(() => project.value.graph);
  const analysis = computed(() => analyzeGraph(project.value.graph));
  const report = computed(() => inspectGraph(project.value.graph, analysis.value));
  const dirty = computed(() => revision.value !== savedRevision.value);
  const customBlocks = computed<CustomBlock[]>(() => readCustomBlocks(project.value.ui));
  const errorCount = computed(() => analysis.value.issues.filter((i) => i.severity === 'error').length);
  const warningCount = computed(() => analysis.value.issues.length - errorCount.value);

  const snapshot = (): ProjectSnapshot => ({ project: project.value, revision: revision.value });

  /**
   * Replaces the document (opened, created, recovered): history starts again. Layers without a
   * position are laid out (all of them, with `relayout`, for a project just made from a template).
   */
  function load(next: Project, options: { path: string | null; dirty?: boolean; key?: string; layout?: (graph: ModelGraph) => ReadonlyMap<string, Point>; relayout?: boolean }): void {
    const layout = options.layout ?? ((g: ModelGraph) => layoutGraph(g));
    const graphWithPositions = options.relayout || needsLayout(next.graph) ? laidOut(next.graph, layout) : next.graph;
    project.value = { ...next, graph: graphWithPositions };
    path.value = options.path;
    documentKey.value = options.key ?? newDocumentKey();
    revision.value = nextRevision++;
    savedRevision.value = options.dirty ? -1 : revision.value;
    history.reset();
    selection.clear();
  }

  /** Records that the state `savedAt` is what lies at `where` now. */
  function markSaved(where: string, savedAt: number = revision.value): void {
    path.value = where;
    savedRevision.value = savedAt;
  }

  /**
   * Applies an edit: `update` returns the new project, or the same object when nothing changes (then
   * nothing is recorded). Edits with one `key` in quick succession undo as one step.
   */
  function change(label: string, update: (current: Project) => Project, key: string | null = null): boolean {
    const before = snapshot();
    const next = update(project.value);
    if (next === project.value) return false;
    history.record(before, label, key);
    project.value = next;
    revision.value = nextRevision++;
    selection.prune(next.graph);
    return true;
  }

  function changeGraph(label: string, update: (current: ModelGraph) => ModelGraph, key: string | null = null): boolean {
    return change(label, (p) => {
      const next = update(p.graph);
      return next === p.graph ? p : { ...p, graph: next };
    }, key);
  }

  function restore(to: ProjectSnapshot | null): boolean {
    if (!to) return false;
    project.value = to.project;
    revision.value = to.revision;
    selection.prune(to.project.graph);
    return true;
  }

  function undo(): boolean {
    return restore(history.undo(snapshot()));
  }

  function redo(): boolean {
    return restore(history.redo(snapshot()));
  }

  function node(id: string) {
    return project.value.graph.nodes.find((n) => n.id === id);
  }

  /** Adds a layer of `kind` at `position` and selects it; returns its id. */
  function addLayer(kind: string, position: Point, params: Record<string, unknown> = {}): string {
    if (!findLayer(kind)) throw new StudioError('invalid-argument', `There is no layer kind "${kind}".`, { hint: 'Choose a layer from the palette.' });
    let id = '';
    changeGraph(`Add ${kind}`, (g) => {
      const added = addNode(g, kind, position, params);
      id = added.id;
      return added.graph;
    });
    selection.select([id]);
    return id;
  }

  /** Connects `from → to`; returns why not as a sentence, or null when connected. */
  function connect(from: string, to: string): string | null {
    const refusal = connectionRefusal(project.value.graph, from, to);
    if (refusal) return refusal;
    changeGraph('Connect', (g) => addEdge(g, from, to));
    return null;
  }

  /** Deletes layers (with their connections) and connections. */
  function deleteElements(nodeIds: readonly string[], edgeKeys: readonly string[] = []): boolean {
    const what = nodeIds.length ? (nodeIds.length === 1 ? `Delete ${nodeIds[0]}` : `Delete ${nodeIds.length} layers`) : 'Delete connection';
    return changeGraph(what, (g) => removeElements(g, nodeIds, edgeKeys));
  }

  /** Sets one parameter after checking it; returns the problem as the declaration words it, or null. */
  function setParam(id: string, key: string, value: unknown): string | null {
    const target = node(id);
    const decl = target && findLayer(target.kind);
    if (!target || !decl) return `There is no layer ${id}.`;
    const problem = paramValueProblem(decl, key, value);
    if (problem) return problem;
    if (JSON.stringify(target.params[key]) === JSON.stringify(value)) return null;
    const label = decl.params[key]?.spec.label ?? key;
    const patch = { [key]: value, ...companionParams(target.kind, key, value, target.params) };
    changeGraph(`Change ${label} of ${id}`, (g) => patchParams(g, id, patch), `param:${id}:${key}`);
    return null;
  }

  /** Sets several parameters at once (a preset that also sets the number of filters), as one step. */
  function setParams(id: string, patch: Record<string, unknown>, label: string): string | null {
    const target = node(id);
    const decl = target && findLayer(target.kind);
    if (!target || !decl) return `There is no layer ${id}.`;
    for (const [key, value] of Object.entries(patch)) {
      const problem = paramValueProblem(decl, key, value);
      if (problem) return `${decl.params[key]?.spec.label ?? key} ${problem}`;
    }
    changeGraph(label, (g) => patchParams(g, id, patch));
    return null;
  }

  /** Renames a layer; returns why not, or null. */
  function renameLayer(oldId: string, newId: string): string | null {
    const problem = nodeIdProblem(project.value.graph, oldId, newId);
    if (problem) return problem;
    if (oldId === newId) return null;
    const wasSelected = selection.nodeIds.includes(oldId);
    changeGraph(`Rename ${oldId} to ${newId}`, (g) => renameNode(g, oldId, newId));
    if (wasSelected) selection.select(selection.nodeIds.filter((n) => n !== oldId).concat(newId));
    return null;
  }

  /** Commits the positions of moved layers: one step per drag; a run of arrow-key nudges (`key`) is one step too. */
  function moveLayers(positions: ReadonlyMap<string, Point>, key: string | null = null): boolean {
    return changeGraph(positions.size === 1 ? `Move ${[...positions.keys()][0]}` : `Move ${positions.size} layers`, (g) => moveNodes(g, positions), key);
  }

  /** Moves one input of a merge earlier or later. */
  function moveInput(to: string, from: string, delta: -1 | 1): boolean {
    return changeGraph(`Reorder the inputs of ${to}`, (g) => reorderInput(g, to, from, delta));
  }

  /** Lays every layer out left to right (with the canvas's layout, which wraps long networks). */
  function autoLayout(layout: (graph: ModelGraph) => ReadonlyMap<string, Point> = (g) => layoutGraph(g)): boolean {
    return changeGraph('Auto-layout', (g) => moveNodes(g, layout(g)));
  }

  /** Adds a copied or dragged-in piece of graph, selects it, and returns the new ids. */
  function insert(fragment: GraphFragment, placement: { at: Point } | { offset: Point }, label = 'Paste'): string[] {
    if (!fragment.nodes.length) return [];
    let ids: string[] = [];
    changeGraph(label, (g) => {
      const result = insertFragment(g, fragment, placement);
      ids = result.ids;
      return result.graph;
    });
    selection.select(ids);
    return ids;
  }

  /** Groups the given layers into a named block, adds it to the palette, selects it; returns its id. */
  function group(ids: readonly string[], name: string): string {
    const blockName = uniqueBlockName(customBlocks.value, name);
    const result = groupNodes(project.value.graph, ids, blockName);
    change(`Group into ${blockName}`, (p) => ({
      ...p,
      graph: result.graph,
      ui: withCustomBlock(p.ui, { name: blockName, graph: result.inner }),
    }));
    selection.select([result.id]);
    return result.id;
  }

  /** Replaces a block by its inner layers (its input shape must be known); returns their ids. */
  function ungroup(id: string): string[] {
    const target = node(id);
    if (!target) throw new StudioError('invalid-graph', `There is no layer ${id} to ungroup.`, { where: id });
    const inputs = project.value.graph.edges.filter((e) => e.to === id).map((e) => analysis.value.edgeShapes[`${e.from}->${id}`]);
    if (target.kind !== 'Group' && (inputs.length === 0 || inputs.some((s) => !s))) {
      throw new StudioError('invalid-graph', `The layers inside ${id} depend on its input, which has no shape yet.`, {
        hint: 'Connect the block and fix the problems before it, then ungroup it.',
        where: id,
      });
    }
    const inner = expandBlockNode(target, inputs.filter((s) => s !== undefined));
    let ids: string[] = [];
    changeGraph(`Ungroup ${id}`, (g) => {
      const result = ungroupNode(g, id, inner);
      ids = result.ids;
      return result.graph;
    });
    selection.select(ids);
    return ids;
  }

  /** "Freeze up to here": the layer and every layer before it keep their weights in training; returns the frozen ids. */
  function freezeUntil(id: string): string[] {
    let frozen: string[] = [];
    changeGraph(`Freeze up to ${id}`, (g) => {
      const result = frozenUntil(g, id, 'freeze up to here');
      frozen = result.frozen;
      const changed = result.graph.nodes.some((n, i) => JSON.stringify(n.params) !== JSON.stringify(g.nodes[i]!.params));
      return changed ? result.graph : g;
    });
    return frozen;
  }

  /**
   * "Replace head": keeps the layers up to `cutAfter` and adds global average pooling (after a feature
   * map) and an Output for `classes`; the project's starting weights still fit the kept layers by id.
   * Returns the new head's ids.
   */
  function replaceHead(cutAfter: string, classes: number): string[] {
    const result = withNewHead(project.value.graph, { cutAfter, classes });
    changeGraph(`Replace the head after ${cutAfter}`, () => result.graph);
    selection.select([result.head.at(-1)!]);
    return result.head;
  }

  /** Saves a block definition in the project's palette. */
  function saveCustomBlock(block: CustomBlock): void {
    change(`Add ${block.name} to the palette`, (p) => ({ ...p, ui: withCustomBlock(p.ui, block) }));
  }

  /** Removes a block definition from the palette (nodes already placed stay). */
  function removeCustomBlock(name: string): void {
    change(`Remove ${name} from the palette`, (p) => ({ ...p, ui: withoutCustomBlock(p.ui, name) }));
  }

  /** Renames the project. */
  function rename(name: string): string | null {
    const trimmed = name.trim();
    if (!trimmed) return 'A project needs a name.';
    if (trimmed.length > 200) return 'A project name has at most 200 characters.';
    change('Rename project', (p) => (p.name === trimmed ? p : { ...p, name: trimmed }));
    return null;
  }

  return {
    project,
    path,
    documentKey,
    revision,
    savedRevision,
    graph,
    analysis,
    report,
    dirty,
    customBlocks,
    errorCount,
    warningCount,
    load,
    markSaved,
    change,
    changeGraph,
    undo,
    redo,
    addLayer,
    connect,
    deleteElements,
    setParam,
    setParams,
    renameLayer,
    moveLayers,
    moveInput,
    autoLayout,
    insert,
    group,
    ungroup,
    freezeUntil,
    replaceHead,
    saveCustomBlock,
    removeCustomBlock,
    rename,
  };
});
