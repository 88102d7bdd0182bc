import type { ModelGraph } from './model-graph';
import { topologicalOrder } from './model-graph';

export interface LayoutOptions {
  /** Horizontal distance between layers. */
  columnGap: number;
  /** Vertical distance between nodes of one column. */
  rowGap: number;
}

/**
 * Left-to-right layered layout: a node's column is the length of the longest path from a source to it;
 * nodes of one column are stacked, centred on the row of the main path. Returns new positions by id.
 */
export function layoutGraph(graph: ModelGraph, options: LayoutOptions = { columnGap: 220, rowGap: 120 }): Map<string, { x: number; y: number }> {
  const { order, cyclic } = topologicalOrder(graph);
  const column = new Map<string, number>();
  for (const id of [...order, ...cyclic]) {
    const preds = graph.edges.filter((e) => e.to === id).map((e) => column.get(e.from) ?? -1);
    column.set(id, preds.length ? Math.max(...preds) + 1 : 0);
  }
  const columns = new Map<number, string[]>();
  for (const id of [...order, ...cyclic]) {
    const c = column.get(id)!;
    columns.set(c, [...(columns.get(c) ?? []), id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const [c, ids] of columns) {
    const offset = ((ids.length - 1) * options.rowGap) / 2;
    ids.forEach((id, row) => positions.set(id, { x: c * options.columnGap, y: row * options.rowGap - offset }));
  }
  return positions;
}

/** The graph with every node placed by `layoutGraph`. */
export function withLayout(graph: ModelGraph): ModelGraph {
  const positions = layoutGraph(graph);
  return { nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? { x: 0, y: 0 } })), edges: graph.edges };
}
