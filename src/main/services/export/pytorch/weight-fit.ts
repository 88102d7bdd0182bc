import { StudioError } from '../../../../shared/errors';
import { weightShapesOf } from '../../../../shared/layers/weight-shapes';
import type { FlatGraph, FlatNode } from '../../../../shared/shapes/analyze';
import type { WeightRole, WeightSet } from '../../../../shared/weights';

/** The weights a flat node holds, by role, with their shapes in the studio's (TF.js) layouts. */
export function expectedWeightShapes(node: FlatNode): Partial<Record<WeightRole, number[]>> {
  return weightShapesOf(node);
}

/**
 * Checks that a weight set fits the network: every weight present with its shape. A mismatch is a
 * StudioError naming `source`, the layer, the role and both shapes.
 */
export function checkWeightsFit(flat: FlatGraph, weights: WeightSet, source: string): void {
  for (const node of flat.nodes) {
    for (const [role, shape] of Object.entries(expectedWeightShapes(node)) as [WeightRole, number[]][]) {
      const tensor = weights[node.id]?.[role];
      if (!tensor) {
        throw new StudioError('run-invalid', `${source} hold no ${role} for layer ${node.id} (expected [${shape.join(', ')}]).`, {
          hint: 'The weights belong to another network: use weights trained with this graph, or train again.',
          where: `${node.id}/${role}`,
        });
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i]) || tensor.values.length !== size) {
        throw new StudioError('run-invalid', `${source} give layer ${node.id} a ${role} of shape [${tensor.shape.join(', ')}], but the layer needs [${shape.join(', ')}].`, {
          hint: 'The layer was changed since these weights were trained: undo the change, or train again.',
          where: `${node.id}/${role}`,
        });
      }
    }
  }
}
