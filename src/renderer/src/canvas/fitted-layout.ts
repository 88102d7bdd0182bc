import type { LayoutOptions } from '../../../shared/graph/layout';
import { DEFAULT_LAYOUT, layoutGraph } from '../../../shared/graph/layout';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import type { Point } from '../graph-edits/node-edits';
import { NODE_SIZE } from './drop-position';

/** Room between layers for the shape labels on the connections (the shared layout's, made for these nodes). */
export const LAYOUT_GAPS: LayoutOptions = DEFAULT_LAYOUT;

/** The zoom above which fitting gains nothing (the nodes are readable at 1). */
const ENOUGH_ZOOM = 1;

/**
 * How many columns per row make the network largest on a canvas of this size: a short network stays
 * on one row; a long chain (VGG, ResNet) wraps into rows, still read left to right.
 */
export function wrapColumnsFor(graph: ModelGraph, view: { width: number; height: number }): number {
  const single = layoutGraph(graph, LAYOUT_GAPS);
  const perColumn = new Map<number, number>();
  for (const p of single.values()) {
    const c = Math.round(p.x / LAYOUT_GAPS.columnGap);
    perColumn.set(c, (perColumn.get(c) ?? 0) + 1);
  }
  const columns = perColumn.size;
  if (columns <= 1 || view.width <= 0 || view.height <= 0) return Math.max(1, columns);
  const tallest = (from: number, to: number) => Math.max(1, ...[...perColumn].filter(([c]) => c >= from && c < to).map(([, n]) => n));
  let best = { wrap: columns, zoom: 0 };
  for (let wrap = columns; wrap >= 1; wrap--) {
    let height = 0;
    for (let start = 0; start < columns; start += wrap) height += tallest(start, start + wrap) * LAYOUT_GAPS.rowGap + LAYOUT_GAPS.rowGap / 2;
    const width = (wrap - 1) * LAYOUT_GAPS.columnGap + NODE_SIZE.width;
    const zoom = Math.min(view.width / width, view.height / height, ENOUGH_ZOOM);
    // Fewer rows win ties: a row break costs the eye more than a little zoom.
    if (zoom > best.zoom * 1.02) best = { wrap, zoom };
  }
  return best.wrap;
}

/** Positions for every layer, left to right, wrapped to suit a canvas of this size. */
export function fittedLayout(graph: ModelGraph, view: { width: number; height: number }): Map<string, Point> {
  return layoutGraph(graph, { ...LAYOUT_GAPS, wrapColumns: wrapColumnsFor(graph, view) });
}

/** Beyond this many layers the crowding check is skipped (it compares every pair). */
const CROWDING_CHECK_LIMIT = 2000;
/** The least room beside a layer for the shape label of its connection. */
const LABEL_ROOM = 40;

/**
 * True when some layers overlap or sit too close side by side for the shape label between them:
 * positions made for smaller nodes (an older layout, another tool), not a layout someone arranged on
 * this canvas. Such a project is laid out again when it opens.
 */
export function layoutIsCrowded(graph: ModelGraph): boolean {
  const placed = graph.nodes.filter((n) => n.position).map((n) => n.position!);
  if (placed.length > CROWDING_CHECK_LIMIT) return false;
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i]!;
      const b = placed[j]!;
      if (Math.abs(a.x - b.x) < NODE_SIZE.width + LABEL_ROOM && Math.abs(a.y - b.y) < NODE_SIZE.height) return true;
    }
  }
  return false;
}
