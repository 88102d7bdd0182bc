import type { Shape } from '../tensor-shape';
import type { WeightRole } from '../weights';
import type { PrimitiveKind } from './index';

/** The weights one node holds, by role, with their shapes in the studio's (TF.js) layouts. */
export type WeightShapes = Partial<Record<WeightRole, number[]>>;

type WeightShapeRule = (inputs: readonly Shape[], params: Record<string, unknown>, output: Shape) => WeightShapes;

const none: WeightShapeRule = () => ({});

function fullyConnected(inputs: readonly Shape[], params: Record<string, unknown>, output: Shape): WeightShapes {
  const units = output[0]!;
  return { kernel: [inputs[0]![0]!, units], ...(params.useBias ? { bias: [units] } : {}) };
}

/**
 * The weights of every primitive kind, keyed like the engines' builders: a Record over PrimitiveKind,
 * so a new kind does not compile until it says what it holds. Used to match weights to nodes (a run's
 * weights on a changed graph, an imported model) and to check weight files before an export.
 */
export const WEIGHT_SHAPES: Readonly<Record<PrimitiveKind, WeightShapeRule>> = {
  Input: none,
  Conv2D: ([input], p) => {
    const k = p.kernelSize as number;
    const filters = p.filters as number;
    return { kernel: [k, k, input![2]!, filters], ...(p.useBias ? { bias: [filters] } : {}) };
  },
  DepthwiseConv2D: ([input], p) => {
    const k = p.kernelSize as number;
    const multiplier = p.depthMultiplier as number;
    const channels = input![2]!;
    return { kernel: [k, k, channels, multiplier], ...(p.useBias ? { bias: [channels * multiplier] } : {}) };
  },
  SeparableConv2D: ([input], p) => {
    const k = p.kernelSize as number;
    const multiplier = p.depthMultiplier as number;
    const channels = input![2]!;
    const filters = p.filters as number;
    return { depthwiseKernel: [k, k, channels, multiplier], pointwiseKernel: [1, 1, channels * multiplier, filters], ...(p.useBias ? { bias: [filters] } : {}) };
  },
  ZeroPadding2D: none,
  MaxPool2D: none,
  AvgPool2D: none,
  GlobalAvgPool: none,
  GlobalMaxPool: none,
  Flatten: none,
  Dense: fullyConnected,
  Output: fullyConnected,
  Dropout: none,
  BatchNorm: ([input]) => {
    const c = [input![input!.length - 1]!];
    return { gamma: c, beta: [...c], movingMean: [...c], movingVariance: [...c] };
  },
  Activation: none,
  Add: none,
  Concatenate: none,
};

/** The weights a node of the expanded graph holds, by role. */
export function weightShapesOf(node: { kind: PrimitiveKind; inputShapes: readonly Shape[]; params: Record<string, unknown>; outputShape: Shape }): WeightShapes {
  return WEIGHT_SHAPES[node.kind](node.inputShapes, node.params, node.outputShape);
}
