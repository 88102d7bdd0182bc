import { StudioError } from '../../../shared/errors';
import type { GraphNode, ModelGraph } from '../../../shared/graph/model-graph';
import { freshNodeId } from '../../../shared/graph/model-graph';
import { findLayer, isComposite } from '../../../shared/layers';
import { parseParams } from '../../../shared/layers/parse-params';
import type { InnerGraph } from '../../../shared/layers/types';
import { ShapeError } from '../../../shared/layers/types';
import type { GraphAnalysis } from '../../../shared/shapes/analyze';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import type { Shape } from '../../../shared/tensor-shape';

/** The node id standing for a block's own input in an inner view. */
export const BLOCK_INPUT_ID = '$input';

/**
 * The inner graph of a block node (Inception, Residual, a Group) for the given input shapes. Throws a
 * StudioError with the block's sentence when it cannot be expanded (bad parameters, an unfit input).
 */
export function expandBlockNode(node: Pick<GraphNode, 'id' | 'kind' | 'params'>, inputShapes: readonly Shape[]): InnerGraph {
  const decl = findLayer(node.kind);
  if (!decl || !isComposite(decl)) throw new StudioError('invalid-graph', `Layer ${node.id} is not a block.`, { where: node.id });
  const params = parseParams(decl, node.params);
  if (!params.ok) {
    throw new StudioError('invalid-graph', `${decl.label} ${node.id}: ${params.problems[0]}.`, { hint: 'Correct it in the inspector.', where: node.id });
  }
  try {
    return decl.expand(params.value as never, inputShapes);
  } catch (e) {
    if (e instanceof ShapeError) throw new StudioError('invalid-graph', `${decl.label} ${node.id}: ${e.message}`, { hint: e.hint, where: node.id });
    throw e;
  }
}

/** An inner graph analysed on its own: the same shapes and counts the whole network gets. */
export interface InnerAnalysis {
  /** The inner layers as a graph (their `$input` connections come from `BLOCK_INPUT_ID`). */
  graph: ModelGraph;
  /** Reports, issues and edge shapes of the inner layers only (edges from the block input keyed `$input->id`). */
  analysis: GraphAnalysis;
}

/**
 * Analyses one level of a block: the inner layers become a network of their own, fed by stand-in
 * layers that produce exactly `inputShape` and closed by a Flatten and an Output. The analyser then
 * gives every inner layer's shape and parameters (nested blocks stay collapsed, to be opened in turn),
 * with no second implementation of shape inference. The stand-ins are removed from the result.
 */
export function analyzeInnerGraph(inner: InnerGraph, inputShape: Shape): InnerAnalysis {
  const taken: Pick<ModelGraph, 'nodes'> = { nodes: inner.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params })) };
  const probe = (stem: string, kind: string, params: Record<string, unknown>): GraphNode => {
    const node = { id: freshNodeId(taken, stem), kind, params };
    taken.nodes.push(node);
    return node;
  };
  const feed: GraphNode[] = [];
  if (inputShape.length === 3) {
    const [height, width, channels] = inputShape as [number, number, number];
    const direct = channels === 1 || channels === 3;
    feed.push(probe('probeInput', 'Input', { height, width, channels: direct ? channels : 1 }));
    if (!direct) feed.push(probe('probeWiden', 'Conv2D', { filters: channels, kernelSize: 1, activation: 'linear' }));
  } else {
    feed.push(probe('probeInput', 'Input', { height: 1, width: 1, channels: 1 }));
    feed.push(probe('probeFlatten', 'Flatten', {}));
    feed.push(probe('probeDense', 'Dense', { units: inputShape[0] ?? 1, activation: 'linear' }));
  }
  const flatten = probe('probeFlatten', 'Flatten', {});
  const output = probe('probeOutput', 'Output', { classes: 2 });
  const source = feed[feed.length - 1]!.id;
  const probeIds = new Set([...feed, flatten, output].map((n) => n.id));

  const edgesIn = inner.edges.map((e) => ({ from: e.from === BLOCK_INPUT_ID ? source : e.from, to: e.to }));
  const chain = [...feed.slice(1).map((n, i) => ({ from: feed[i]!.id, to: n.id }))];
  const whole: ModelGraph = {
    nodes: [...feed, ...inner.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params })), flatten, output],
    edges: [...chain, ...edgesIn, { from: inner.output, to: flatten.id }, { from: flatten.id, to: output.id }],
  };
  const full = analyzeGraph(whole);
  const isInner = (id: string | undefined) => id !== undefined && !probeIds.has(id);
  const edgeShapes: Record<string, Shape> = {};
  for (const [key, shape] of Object.entries(full.edgeShapes)) {
    const [from, to] = key.split('->') as [string, string];
    if (!isInner(to)) continue;
    edgeShapes[`${from === source ? BLOCK_INPUT_ID : from}->${to}`] = shape;
  }
  const nodes = full.nodes.filter((n) => isInner(n.id)).map((n) => ({ ...n, issues: n.issues.filter((i) => i.code !== 'disconnected') }));
  const issues = full.issues.filter((i) => isInner(i.nodeId) && i.code !== 'disconnected');
  const totals = nodes.reduce(
    (t, n) => ({ trainable: t.trainable + n.params.trainable, nonTrainable: t.nonTrainable + n.params.nonTrainable }),
    { trainable: 0, nonTrainable: 0 },
  );
  return {
    graph: { nodes: inner.nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params })), edges: inner.edges.map((e) => ({ ...e })) },
    analysis: { nodes, issues, totals: { ...totals, total: totals.trainable + totals.nonTrainable }, flat: null, edgeShapes },
  };
}
