import type { Point } from '../graph-edits/node-edits';

/** A layer node's size on the canvas (LayerNode.vue's width and a typical height), to centre drops. */
export const NODE_SIZE = { width: 200, height: 78 };

/** Where a dropped layer's top-left corner goes so that the layer sits centred under the pointer. */
export function centredDrop(pointer: Point): Point {
  return { x: Math.round(pointer.x - NODE_SIZE.width / 2), y: Math.round(pointer.y - NODE_SIZE.height / 2) };
}
