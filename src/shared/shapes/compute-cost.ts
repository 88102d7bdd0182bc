import type { FlatGraph } from './analyze';

/**
 * Multiply-adds of one image's forward pass, approximately: each layer's weights times the positions
 * they are applied at (a convolution's kernel at every output pixel, a Dense layer's matrix once).
 * Element-wise layers are left out; they are cheap beside the layers with weights.
 */
export function multiplyAddsPerImage(flat: FlatGraph): number {
  let total = 0;
  for (const node of flat.nodes) {
    const weights = node.paramCount.trainable + node.paramCount.nonTrainable;
    if (!weights) continue;
    const shape = node.outputShape;
    const positions = shape.length === 3 ? shape[0]! * shape[1]! : 1;
    total += weights * positions;
  }
  return total;
}
