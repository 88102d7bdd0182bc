import type { ModelGraph } from './model-graph';
import { topologicalOrder } from './model-graph';

export interface LayoutOptions {
  /** Horizontal distance between layers. */
  columnGap: number;
  /** Vertical distance between nodes of one column. */
  rowGap: number;
  /**
   * Columns per row of the layout. A longer network continues on a new row below, still reading left
   * to right like lines of text, so a 50-layer VGG fits a window at a readable zoom. Default: one row.
   */
  wrapColumns?: number;
}

/**
 * Room for the studio canvas's nodes (200 x about 80 pixels) with the shape label of each connection
 * between them; files laid out by the CLI or the services open readable on the canvas.
 */
export const DEFAULT_LAYOUT: LayoutOptions = { columnGap: 284, rowGap: 124 };

/**
 * Left-to-right layered layout: a node's column is the length of the longest path from a source to it;
 * the nodes of a column are stacked around the row's centre line, ordered by where their inputs sit
 * (the barycentre heuristic, which keeps branches from crossing). Returns new positions by id.
 */
export function layoutGraph(graph: ModelGraph, options: LayoutOptions = DEFAULT_LAYOUT): Map<string, { x: number; y: number }> {
  const { order, cyclic } = topologicalOrder(graph);
  const sequence = [...order, ...cyclic];
  const rank = new Map(sequence.map((id, i) => [id, i]));
  const column = new Map<string, number>();
  for (const id of sequence) {
    const preds = graph.edges.filter((e) => e.to === id).map((e) => column.get(e.from) ?? -1);
    column.set(id, preds.length ? Math.max(...preds) + 1 : 0);
  }
  const columns: string[][] = [];
  for (const id of sequence) {
    const c = column.get(id)!;
    (columns[c] ??= []).push(id);
  }

  // Place columns left to right; within one, order by the mean slot of the inputs already placed.
  const slot = new Map<string, number>();
  for (const ids of columns) {
    if (!ids) continue;
    const key = (id: string) => {
      const from = graph.edges.filter((e) => e.to === id && slot.has(e.from)).map((e) => slot.get(e.from)!);
      return from.length ? from.reduce((a, b) => a + b, 0) / from.length : Number.POSITIVE_INFINITY;
    };
    const keys = new Map(ids.map((id) => [id, key(id)]));
    ids.sort((a, b) => keys.get(a)! - keys.get(b)! || rank.get(a)! - rank.get(b)!);
    ids.forEach((id, row) => slot.set(id, row - (ids.length - 1) / 2));
  }

  const wrap = Math.max(1, Math.floor(options.wrapColumns ?? Number.POSITIVE_INFINITY));
  const positions = new Map<string, { x: number; y: number }>();
  let bandTop = 0;
  for (let start = 0; start < columns.length; start += Number.isFinite(wrap) ? wrap : columns.length) {
    const band = columns.slice(start, Number.isFinite(wrap) ? start + wrap : columns.length);
    const tallest = Math.max(1, ...band.map((ids) => ids?.length ?? 0));
    const centre = bandTop + ((tallest - 1) * options.rowGap) / 2;
    band.forEach((ids, i) => {
      ids?.forEach((id) => positions.set(id, { x: i * options.columnGap, y: Math.round(centre + slot.get(id)! * options.rowGap) }));
    });
    bandTop += tallest * options.rowGap + options.rowGap / 2;
  }
  // Keep the first row's centre line at y = 0, as a one-row layout has it.
  const firstTallest = Math.max(1, ...columns.slice(0, Number.isFinite(wrap) ? wrap : columns.length).map((ids) => ids?.length ?? 0));
  const shift = ((firstTallest - 1) * options.rowGap) / 2;
  for (const p of positions.values()) p.y = Math.round(p.y - shift);
  return positions;
}

/** The graph with every node placed by `layoutGraph`. */
export function withLayout(graph: ModelGraph): ModelGraph {
  const positions = layoutGraph(graph);
  return { nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? { x: 0, y: 0 } })), edges: graph.edges };
}
