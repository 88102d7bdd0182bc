/**
 * The shape of one example's tensor, without the batch dimension: `[height, width, channels]` for
 * feature maps (TF.js's NHWC order) and `[units]` for vectors.
 */
export type Shape = readonly number[];

/** A feature map's shape, `[height, width, channels]`. */
export type MapShape = readonly [number, number, number];

export function isMapShape(shape: Shape): shape is MapShape {
  return shape.length === 3;
}

export function isVectorShape(shape: Shape): shape is readonly [number] {
  return shape.length === 1;
}

/** `28x28x6` for maps, `120` for vectors: the notation the canvas and the CLI print. */
export function formatShape(shape: Shape): string {
  return shape.join('x');
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function shapeSize(shape: Shape): number {
  return shape.reduce((p, v) => p * v, 1);
}
