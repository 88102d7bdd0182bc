import { StudioError } from '../errors';
import type { GraphNode, ModelGraph } from '../graph/model-graph';
import { freshNodeId } from '../graph/model-graph';
import { findLayer } from '../layers';
import { analyzeGraph } from '../shapes/analyze';

/** The ids of a node and of every node it depends on (its ancestors), in the graph's node order. */
export function upstreamOf(graph: ModelGraph, id: string): Set<string> {
  const keep = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const next = stack.pop()!;
    if (keep.has(next)) continue;
    keep.add(next);
    for (const e of graph.edges) if (e.to === next) stack.push(e.from);
  }
  return keep;
}

/** The ids of a node and of every node that depends on it (its descendants). */
export function downstreamOf(graph: ModelGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const e of graph.edges) if (e.from === next) stack.push(e.to);
  }
  return seen;
}

/** A top-level node by id, or a StudioError naming the graph's nodes when there is none. */
export function requireNode(graph: ModelGraph, id: string, option: string): GraphNode {
  const node = graph.nodes.find((n) => n.id === id);
  if (node) return node;
  const inner = id.includes('.') ? ` "${id}" is a layer inside the block ${id.split('.')[0]}; name the block itself.` : '';
  throw new StudioError('invalid-argument', `The network has no layer "${id}" (${option}).${inner}`, {
    hint: `Choose one of its layers: ${graph.nodes.map((n) => n.id).slice(0, 30).join(', ')}${graph.nodes.length > 30 ? ', …' : ''}.`,
    where: option,
  });
}

export interface HeadReplacement {
  graph: ModelGraph;
  /** The node the kept body ends with. */
  cutAfter: string;
  /** The ids of the new head's nodes, in order (GlobalAvgPool when the body ends in a map, then the Output). */
  head: string[];
  /** Top-level nodes of the source that were left out. */
  removed: string[];
}

/**
 * "Replace head": keeps the body up to and including `cutAfter` (by default the layer that fed the
 * old Output, so only the classifier goes) and adds a new head: global average pooling when the body
 * ends in a feature map, then an Output (Dense with one unit per class and softmax). The kept nodes
 * keep their ids, so weights carry over by id; the new nodes' ids are fresh.
 */
export function replaceHead(source: ModelGraph, options: { classes: number; cutAfter?: string | undefined }): HeadReplacement {
  const output = source.nodes.find((n) => n.kind === 'Output');
  const defaultCut = output ? source.edges.find((e) => e.to === output.id)?.from : undefined;
  const cutAfter = options.cutAfter ?? defaultCut;
  if (!cutAfter) {
    throw new StudioError('invalid-argument', 'The network has no Output to replace, so the place to cut it is not known.', { hint: 'Name the last layer to keep with --cut-after NODE.', where: '--cut-after' });
  }
  const cutNode = requireNode(source, cutAfter, '--cut-after');
  if (cutNode.kind === 'Output') {
    throw new StudioError('invalid-argument', `${cutAfter} is the Output; the head replaces it.`, { hint: 'Name a layer before the Output with --cut-after.', where: '--cut-after' });
  }
  if (cutNode.kind === 'Input') {
    throw new StudioError('invalid-argument', `Cutting after the Input ${cutAfter} keeps no layer of the network.`, { hint: 'Name a later layer with --cut-after.', where: '--cut-after' });
  }
  const keep = upstreamOf(source, cutAfter);
  const nodes = source.nodes.filter((n) => keep.has(n.id)).map((n) => ({ ...n, params: structuredClone(n.params) }));
  const edges = source.edges.filter((e) => keep.has(e.from) && keep.has(e.to)).map((e) => ({ ...e }));
  const graph: ModelGraph = { nodes, edges };
  const analysis = analyzeGraph({ nodes: [...nodes, { id: '__probe', kind: 'Flatten', params: {} }], edges: [...edges, { from: cutAfter, to: '__probe' }] });
  const shape = analysis.nodes.find((n) => n.id === cutAfter)?.outputShape;
  if (!shape) {
    const problem = analysis.issues.find((i) => i.severity === 'error' && i.code !== 'no-output');
    throw new StudioError('invalid-graph', `The network up to ${cutAfter} is not valid${problem ? `: ${problem.message}` : ''}.`, { hint: 'Fix the network first, or cut it elsewhere.', where: cutAfter });
  }
  const position = cutNode.position;
  const place = (dx: number) => (position ? { position: { x: position.x + dx, y: position.y } } : {});
  const head: string[] = [];
  let last = cutAfter;
  if (shape.length === 3) {
    const id = graph.nodes.some((n) => n.id === 'head_pool') ? freshNodeId(graph, 'head_pool') : 'head_pool';
    graph.nodes.push({ id, kind: 'GlobalAvgPool', params: {}, ...place(284) });
    graph.edges.push({ from: last, to: id });
    head.push(id);
    last = id;
  }
  const outputId = graph.nodes.some((n) => n.id === 'head') ? freshNodeId(graph, 'head') : 'head';
  const loss = output?.params.loss;
  graph.nodes.push({ id: outputId, kind: 'Output', params: { classes: options.classes, ...(loss ? { loss } : {}) }, ...place(284 * (head.length + 1)) });
  graph.edges.push({ from: last, to: outputId });
  head.push(outputId);
  return { graph, cutAfter, head, removed: source.nodes.filter((n) => !keep.has(n.id)).map((n) => n.id) };
}

/** Sets `trainable` on a node that has weights (inside a custom block: on each of its layers). */
function withTrainable(node: GraphNode, trainable: boolean): GraphNode {
  const decl = findLayer(node.kind);
  if (!decl?.hasWeights) return node;
  if (node.kind === 'Group') {
    const inner = node.params.graph as { nodes: { id: string; kind: string; params: Record<string, unknown> }[] } | null | undefined;
    if (!inner) return node;
    return { ...node, params: { ...node.params, graph: { ...inner, nodes: inner.nodes.map((n) => withTrainable(n as GraphNode, trainable)) } } };
  }
  return { ...node, params: { ...node.params, trainable } };
}

/**
 * "Freeze up to here": the node and every node before it keep their weights during training (frozen
 * BatchNorm layers normalise with their running statistics). Returns the graph and the ids frozen.
 */
export function freezeUntil(graph: ModelGraph, id: string, option = '--freeze-until'): { graph: ModelGraph; frozen: string[] } {
  requireNode(graph, id, option);
  const upstream = upstreamOf(graph, id);
  const frozen: string[] = [];
  const nodes = graph.nodes.map((n) => {
    if (!upstream.has(n.id) || !findLayer(n.kind)?.hasWeights) return n;
    frozen.push(n.id);
    return withTrainable(n, false);
  });
  return { graph: { nodes, edges: graph.edges }, frozen };
}
