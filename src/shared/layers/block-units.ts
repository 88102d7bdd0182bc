import type { Padding } from './params';
import type { InnerEdge, InnerNode } from './types';

/** Nodes and edges of a piece of a block's inner graph, with the id of its last node. */
export interface InnerChain {
  nodes: InnerNode[];
  edges: InnerEdge[];
  last: string;
}

export interface ConvUnitOptions {
  id: string;
  from: string;
  filters: number;
  kernel: number;
  strides?: number;
  padding?: Padding;
  /** Conv without bias, then BatchNorm, then the activation (ResNet, BN-Inception); else conv with bias and activation. */
  batchNorm: boolean;
  activation: 'relu' | 'linear';
  trainable: boolean;
}

/**
 * One convolution "unit" of a block: `id` (Conv2D) [→ `id_bn` (BatchNorm) → `id_relu`]. Inner ids are
 * stable, because weights are matched to nodes by id across runs and exports.
 */
export function convUnit(o: ConvUnitOptions): InnerChain {
  const conv: InnerNode = {
    id: o.id,
    kind: 'Conv2D',
    params: {
      filters: o.filters,
      kernelSize: o.kernel,
      strides: o.strides ?? 1,
      padding: o.padding ?? 'valid',
      useBias: !o.batchNorm,
      activation: o.batchNorm ? 'linear' : o.activation,
      trainable: o.trainable,
    },
  };
  if (!o.batchNorm) return { nodes: [conv], edges: [{ from: o.from, to: o.id }], last: o.id };
  const bn: InnerNode = { id: `${o.id}_bn`, kind: 'BatchNorm', params: { trainable: o.trainable } };
  const nodes = [conv, bn];
  const edges = [
    { from: o.from, to: conv.id },
    { from: conv.id, to: bn.id },
  ];
  if (o.activation === 'linear') return { nodes, edges, last: bn.id };
  const relu: InnerNode = { id: `${o.id}_relu`, kind: 'Activation', params: { activation: 'relu' } };
  return { nodes: [...nodes, relu], edges: [...edges, { from: bn.id, to: relu.id }], last: relu.id };
}

/** Concatenates chains into one node and edge list. */
export function joinChains(...chains: InnerChain[]): { nodes: InnerNode[]; edges: InnerEdge[] } {
  return { nodes: chains.flatMap((c) => c.nodes), edges: chains.flatMap((c) => c.edges) };
}
