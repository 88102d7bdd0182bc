import type { GraphEdge, GraphNode, ModelGraph } from '../../../shared/graph/model-graph';
import { NODE_ID_PATTERN, freshNodeId } from '../../../shared/graph/model-graph';

/**
 * Edits of the model graph as pure functions: each returns a new graph and leaves its argument alone,
 * so the history can keep old graphs by reference and Vue sees every change.
 */

export interface Point {
  x: number;
  y: number;
}

/** The key of an edge, the same `from->to` the analyser uses for `edgeShapes`. */
export function edgeKey(edge: GraphEdge): string {
  return `${edge.from}->${edge.to}`;
}

// Readable stems for new ids (`conv3`, `pool2`); a kind not listed uses its name in lower case.
const ID_STEMS: Record<string, string> = {
  Conv2D: 'conv',
  MaxPool2D: 'maxpool',
  AvgPool2D: 'avgpool',
  GlobalAvgPool: 'gap',
  GlobalMaxPool: 'gmp',
  BatchNorm: 'bn',
  Activation: 'act',
  Concatenate: 'concat',
  Residual: 'res',
  Group: 'block',
};

/** A fresh, readable id for a new layer of `kind` (`input` and `output` stay bare while free). */
export function newNodeId(graph: Pick<ModelGraph, 'nodes'>, kind: string): string {
  const stem = ID_STEMS[kind] ?? kind.toLowerCase();
  if ((kind === 'Input' || kind === 'Output') && !graph.nodes.some((n) => n.id === stem)) return stem;
  return freshNodeId(graph, stem);
}

/** Adds a layer; returns the new graph and the new node's id. */
export function addNode(graph: ModelGraph, kind: string, position: Point, params: Record<string, unknown> = {}, id = newNodeId(graph, kind)): { graph: ModelGraph; id: string } {
  const node: GraphNode = { id, kind, params, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { graph: { nodes: [...graph.nodes, node], edges: graph.edges }, id };
}

/** Adds `from → to` at the end of the edge list, so it becomes the last input of a merge. */
export function addEdge(graph: ModelGraph, from: string, to: string): ModelGraph {
  return { nodes: graph.nodes, edges: [...graph.edges, { from, to }] };
}

/** Removes layers (with their connections) and connections given by `edgeKey`. */
export function removeElements(graph: ModelGraph, nodeIds: readonly string[], edgeKeys: readonly string[] = []): ModelGraph {
  const nodes = new Set(nodeIds);
  const keys = new Set(edgeKeys);
  if (!nodes.size && !keys.size) return graph;
  return {
    nodes: graph.nodes.filter((n) => !nodes.has(n.id)),
    edges: graph.edges.filter((e) => !nodes.has(e.from) && !nodes.has(e.to) && !keys.has(edgeKey(e))),
  };
}

/** Replaces some parameters of one layer. */
export function patchParams(graph: ModelGraph, id: string, patch: Record<string, unknown>): ModelGraph {
  return {
    nodes: graph.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...patch } } : n)),
    edges: graph.edges,
  };
}

/** Moves layers to new positions (rounded to whole pixels so saved files stay tidy). */
export function moveNodes(graph: ModelGraph, positions: ReadonlyMap<string, Point>): ModelGraph {
  const changed = graph.nodes.some((n) => {
    const p = positions.get(n.id);
    return p && (Math.round(p.x) !== n.position?.x || Math.round(p.y) !== n.position?.y);
  });
  if (!changed) return graph;
  return {
    nodes: graph.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    }),
    edges: graph.edges,
  };
}

/** Why `newId` cannot replace `oldId`, as a sentence, or null when it can. */
export function nodeIdProblem(graph: ModelGraph, oldId: string, newId: string): string | null {
  if (newId === oldId) return null;
  if (!newId) return 'An id cannot be empty.';
  if (!NODE_ID_PATTERN.test(newId)) {
    return `"${newId}" is not a valid id: start with a letter, then use letters, digits, _ or - (at most 64 characters).`;
  }
  if (graph.nodes.some((n) => n.id === newId)) return `Another layer already has the id "${newId}".`;
  return null;
}

/** Renames a layer and every connection to and from it (check `nodeIdProblem` first). */
export function renameNode(graph: ModelGraph, oldId: string, newId: string): ModelGraph {
  if (oldId === newId) return graph;
  const rename = (id: string) => (id === oldId ? newId : id);
  return {
    nodes: graph.nodes.map((n) => (n.id === oldId ? { ...n, id: newId } : n)),
    edges: graph.edges.map((e) => (e.from === oldId || e.to === oldId ? { from: rename(e.from), to: rename(e.to) } : e)),
  };
}

/**
 * Moves the connection `from → to` one place earlier (-1) or later (+1) among the connections into
 * `to`: the order of a merge's inputs is the order of its edges.
 */
export function reorderInput(graph: ModelGraph, to: string, from: string, delta: -1 | 1): ModelGraph {
  const positions = graph.edges.map((e, i) => (e.to === to ? i : -1)).filter((i) => i >= 0);
  const at = positions.findIndex((i) => graph.edges[i]!.from === from);
  const other = at + delta;
  if (at < 0 || other < 0 || other >= positions.length) return graph;
  const edges = [...graph.edges];
  const a = positions[at]!;
  const b = positions[other]!;
  [edges[a], edges[b]] = [edges[b]!, edges[a]!];
  return { nodes: graph.nodes, edges };
}
