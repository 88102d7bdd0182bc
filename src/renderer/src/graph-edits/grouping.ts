import { StudioError } from '../../../shared/errors';
import { layoutGraph } from '../../../shared/graph/layout';
import type { GraphEdge, GraphNode, ModelGraph } from '../../../shared/graph/model-graph';
import { freshNodeId } from '../../../shared/graph/model-graph';
import type { InnerGraph } from '../../../shared/layers/types';
import type { Point } from './node-edits';
import { newNodeId } from './node-edits';

const refuse = (message: string, hint: string) => new StudioError('invalid-graph', message, { hint, where: 'selection' });

/**
 * The inner graph a selection would become as a block: its layers, its connections (those from the
 * one layer feeding the selection become `$input`), and the layer whose output leaves it. Throws a
 * StudioError saying why when the selection is not one-input, one-output.
 */
export function selectionAsInnerGraph(graph: ModelGraph, ids: readonly string[]): { inner: InnerGraph; source: string | null } {
  const chosen = new Set(ids);
  const members = graph.nodes.filter((n) => chosen.has(n.id));
  if (!members.length) throw refuse('Nothing is selected to group.', 'Select the layers that should become one block.');
  const boundary = members.find((n) => n.kind === 'Input' || n.kind === 'Output');
  if (boundary) throw refuse(`The ${boundary.kind} ${boundary.id} cannot go inside a block.`, `Leave ${boundary.id} out of the selection.`);

  const incoming = graph.edges.filter((e) => chosen.has(e.to) && !chosen.has(e.from));
  const sources = [...new Set(incoming.map((e) => e.from))];
  if (sources.length > 1) {
    throw refuse(
      `A block takes one input, but the selection is fed by ${sources.join(' and ')}.`,
      'Include the layers where those branches meet, or select a part with a single input.',
    );
  }
  const outgoing = graph.edges.filter((e) => chosen.has(e.from) && !chosen.has(e.to));
  const exits = [...new Set(outgoing.map((e) => e.from))];
  if (exits.length > 1) {
    throw refuse(
      `A block has one output, but ${exits.join(' and ')} both feed layers outside the selection.`,
      'Include the layer where they meet, or select a part with a single output.',
    );
  }
  let output = exits[0];
  if (!output) {
    const sinks = members.filter((n) => !graph.edges.some((e) => e.from === n.id && chosen.has(e.to)));
    if (sinks.length !== 1) {
      throw refuse(
        `The selection ends in ${sinks.length} layers (${sinks.map((n) => n.id).join(', ')}), so it has no single output.`,
        'Select a part of the network that ends in one layer.',
      );
    }
    output = sinks[0]!.id;
  }
  const feedsOutput = new Set([output]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of graph.edges) {
      if (chosen.has(e.from) && feedsOutput.has(e.to) && !feedsOutput.has(e.from)) {
        feedsOutput.add(e.from);
        grew = true;
      }
    }
  }
  const deadEnd = members.find((n) => !feedsOutput.has(n.id));
  if (deadEnd) {
    throw refuse(
      `Layer ${deadEnd.id} does not lead to ${output}, the layer the block would return, so it would be a dead end inside the block.`,
      `Leave ${deadEnd.id} out of the selection, or connect it.`,
    );
  }
  const source = sources[0] ?? null;
  const edges = graph.edges
    .filter((e) => chosen.has(e.to) && (chosen.has(e.from) || e.from === source))
    .map((e) => ({ from: chosen.has(e.from) ? e.from : '$input', to: e.to }));
  return {
    inner: { nodes: members.map((n) => ({ id: n.id, kind: n.kind as InnerGraph['nodes'][number]['kind'], params: structuredCloneJson(n.params) })), edges, output },
    source,
  };
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Replaces the selected layers with one `Group` block named `name`. Connections keep their places in
 * the edge list, so merges after the block keep their input order.
 */
export function groupNodes(graph: ModelGraph, ids: readonly string[], name: string): { graph: ModelGraph; id: string; inner: InnerGraph } {
  const { inner, source } = selectionAsInnerGraph(graph, ids);
  const chosen = new Set(ids);
  const id = newNodeId(graph, 'Group');
  const positions = graph.nodes.filter((n) => chosen.has(n.id) && n.position).map((n) => n.position!);
  const position: Point = positions.length
    ? { x: Math.min(...positions.map((p) => p.x)), y: Math.round(positions.reduce((s, p) => s + p.y, 0) / positions.length) }
    : { x: 0, y: 0 };
  const block: GraphNode = { id, kind: 'Group', params: { name, graph: inner }, position };

  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (!chosen.has(node.id)) nodes.push(node);
    else if (!nodes.includes(block)) nodes.push(block);
  }
  const edges: GraphEdge[] = [];
  let fed = false;
  for (const e of graph.edges) {
    const fromIn = chosen.has(e.from);
    const toIn = chosen.has(e.to);
    if (fromIn && toIn) continue;
    if (toIn) {
      if (!fed && e.from === source) edges.push({ from: source, to: id });
      fed = true;
      continue;
    }
    edges.push(fromIn ? { from: id, to: e.to } : e);
  }
  return { graph: { nodes, edges }, id, inner };
}

/**
 * Replaces a block node by its inner layers, laid out where the block was. Inner ids are kept where
 * free, else made fresh (`conv1` → `conv2`). Returns the new graph and the ids of the unpacked layers.
 */
export function ungroupNode(graph: ModelGraph, id: string, inner: InnerGraph): { graph: ModelGraph; ids: string[] } {
  const block = graph.nodes.find((n) => n.id === id);
  if (!block) throw refuse(`There is no layer ${id} to ungroup.`, 'Select a block.');
  const feeding = graph.edges.filter((e) => e.to === id).map((e) => e.from);
  const taken: Pick<ModelGraph, 'nodes'> = { nodes: graph.nodes.filter((n) => n.id !== id) };
  const rename = new Map<string, string>();
  const innerEdges = inner.edges.filter((e) => !e.from.startsWith('$'));
  const layout = layoutGraph({ nodes: inner.nodes.map((n) => ({ ...n })), edges: innerEdges });
  const xs = [...layout.values()].map((p) => p.x);
  const ys = [...layout.values()].map((p) => p.y);
  const origin = { x: Math.min(...xs), y: (Math.min(...ys) + Math.max(...ys)) / 2 };
  const at = block.position ?? { x: 0, y: 0 };
  const unpacked: GraphNode[] = [];
  // One clash renames them all (`layer1_1_conv1`, `layer1_1_conv1_bn`), so a block's layers keep a common prefix.
  const clash = inner.nodes.some((n) => taken.nodes.some((t) => t.id === n.id));
  for (const node of inner.nodes) {
    const wanted = clash ? `${id}_${node.id}`.slice(0, 64) : node.id;
    const free = !taken.nodes.some((n) => n.id === wanted);
    const newId = free ? wanted : freshNodeId(taken, wanted.slice(0, 60).replace(/[0-9]+$/, ''));
    rename.set(node.id, newId);
    const p = layout.get(node.id) ?? { x: 0, y: 0 };
    const copy: GraphNode = { id: newId, kind: node.kind, params: structuredCloneJson(node.params), position: { x: Math.round(at.x + p.x - origin.x), y: Math.round(at.y + p.y - origin.y) } };
    unpacked.push(copy);
    taken.nodes.push(copy);
  }
  const source = feeding[0];
  const mapped: GraphEdge[] = [];
  for (const e of inner.edges) {
    if (e.from.startsWith('$')) {
      if (e.from === '$input' && source) mapped.push({ from: source, to: rename.get(e.to)! });
      continue;
    }
    mapped.push({ from: rename.get(e.from)!, to: rename.get(e.to)! });
  }
  const output = rename.get(inner.output) ?? inner.output;

  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (node.id === id) nodes.push(...unpacked);
    else nodes.push(node);
  }
  const edges: GraphEdge[] = [];
  let placed = false;
  for (const e of graph.edges) {
    if (e.to === id) {
      if (!placed) edges.push(...mapped);
      placed = true;
    } else if (e.from === id) {
      edges.push({ from: output, to: e.to });
    } else {
      edges.push(e);
    }
  }
  if (!placed) edges.push(...mapped);
  return { graph: { nodes, edges }, ids: unpacked.map((n) => n.id) };
}
