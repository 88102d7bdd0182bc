import { StudioError } from '../../../shared/errors';
import type { FlatGraph, FlatNode } from '../../../shared/shapes/analyze';
import { formatShape } from '../../../shared/tensor-shape';

/** What a view needs of a layer: any node, a Conv2D (filters), or a node with a feature map (Grad-CAM). */
export type LayerRequirement = 'any' | 'conv' | 'map';

const LISTS: Record<LayerRequirement, { noun: string; keep: (n: FlatNode) => boolean }> = {
  any: { noun: 'Its layers', keep: () => true },
  conv: { noun: 'Its convolution layers', keep: (n) => n.kind === 'Conv2D' },
  map: { noun: 'Its layers with feature maps', keep: (n) => n.outputShape.length === 3 },
};

/**
 * The flat node a view was asked for. An unknown id, a block's own id, or a node of the wrong kind is
 * a StudioError whose sentence lists the ids that would do (`where`: the option that named it).
 */
export function requireLayer(flat: FlatGraph, id: string, requirement: LayerRequirement, where = '--layer'): FlatNode {
  const { noun, keep } = LISTS[requirement];
  const valid = flat.nodes.filter(keep);
  const list = `${noun}: ${valid.map((n) => n.id).join(', ') || 'none'}.`;
  const node = flat.nodes.find((n) => n.id === id);
  if (!node) {
    const inner = flat.nodes.filter((n) => n.owner === id);
    if (inner.length) {
      const innerValid = inner.filter(keep);
      throw new StudioError('invalid-argument', `"${id}" is a block, not a single layer; its layers are named "${id}.…": ${(innerValid.length ? innerValid : inner).map((n) => n.id).join(', ')}.`, {
        hint: 'Give one of those ids.',
        where,
      });
    }
    throw new StudioError('invalid-argument', `The network has no layer "${id}". ${list}`, { hint: 'Give one of those ids (blocks\' inner layers are "block.inner").', where });
  }
  if (requirement === 'conv' && node.kind !== 'Conv2D') {
    throw new StudioError('invalid-argument', `Layer ${id} is a ${node.kind}, not a Conv2D, so it has no filters. ${list}`, { hint: 'Give one of those ids.', where });
  }
  if (requirement === 'map' && node.outputShape.length !== 3) {
    throw new StudioError('invalid-argument', `Layer ${id} outputs a vector of ${formatShape(node.outputShape)} values, not a feature map. ${list}`, { hint: 'Give one of those ids.', where });
  }
  return node;
}

/**
 * Grad-CAM's default layer: the last Conv2D (in the network's order) whose map is larger than 1x1;
 * inside a block (a residual or inception block), the block's output instead, which is what the
 * block's convolutions feed (after the residual addition and its ReLU).
 */
export function defaultGradCamLayer(flat: FlatGraph): FlatNode {
  const convs = flat.nodes.filter((n) => n.kind === 'Conv2D' && n.outputShape.length === 3 && n.outputShape[0]! * n.outputShape[1]! > 1);
  const last = convs.at(-1) ?? flat.nodes.filter((n) => n.outputShape.length === 3 && n.kind !== 'Input').at(-1);
  if (!last) {
    throw new StudioError('invalid-argument', 'The network has no layer with a feature map, so Grad-CAM has nothing to look at.', {
      hint: 'Use the gradient method instead.',
      where: '--layer',
    });
  }
  if (last.owner === last.id) return last;
  const blockOut = flat.nodes.filter((n) => n.owner === last.owner).at(-1)!;
  return blockOut.outputShape.length === 3 ? blockOut : last;
}

/** The first Conv2D of the network (the hand-crafted comparison's default). */
export function firstConvLayer(flat: FlatGraph): FlatNode {
  const first = flat.nodes.find((n) => n.kind === 'Conv2D');
  if (!first) throw new StudioError('invalid-argument', 'The network has no Conv2D layer to compare hand-crafted filters with.', { hint: 'Add a Conv2D after the Input.', where: '--layer' });
  return first;
}
