/** A node of the model graph as the project stores it: parameters are validated by the kind's declaration. */
export interface GraphNode {
  /** Unique, readable, stable: TF.js layer names, ONNX names and weight files are derived from it. */
  id: string;
  kind: string;
  params: Record<string, unknown>;
  /** Canvas position; absent for graphs made by the CLI or templates until laid out. */
  position?: { x: number; y: number };
}

/** A connection. The order of edges into a merge (Add, Concatenate) is the order of its inputs. */
export interface GraphEdge {
  from: string;
  to: string;
}

export interface ModelGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Node ids: a letter first, then letters, digits, `_` or `-`. Dots are reserved for blocks' inner nodes (`res1.conv1`). */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The separator between a block's id and its inner node's id in the expanded graph. */
export const INNER_ID_SEPARATOR = '.';

/** The inputs of a node, in edge order. */
export function inputsOf(graph: ModelGraph, id: string): string[] {
  return graph.edges.filter((e) => e.to === id).map((e) => e.from);
}

/** The nodes fed by a node. */
export function consumersOf(graph: ModelGraph, id: string): string[] {
  return graph.edges.filter((e) => e.from === id).map((e) => e.to);
}

/** An id not yet used in the graph, from a base such as `conv` → `conv3`. */
export function freshNodeId(graph: Pick<ModelGraph, 'nodes'>, base: string): string {
  const used = new Set(graph.nodes.map((n) => n.id));
  const stem = base.replace(/[^A-Za-z0-9_-]/g, '').replace(/^[^A-Za-z]+/, '') || 'node';
  for (let i = 1; ; i++) {
    const id = `${stem}${i}`;
    if (!used.has(id)) return id;
  }
}

/**
 * Kahn's topological order. Nodes on a cycle (or downstream of one) are returned separately, with
 * one cycle spelled out for the error message.
 */
export function topologicalOrder(graph: ModelGraph): { order: string[]; cyclic: string[]; cycle: string[] } {
  const ids = graph.nodes.map((n) => n.id);
  const known = new Set(ids);
  const indegree = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!known.has(e.from) || !known.has(e.to)) continue;
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    next.get(e.from)!.push(e.to);
  }
  const queue = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const to of next.get(id)!) {
      const d = indegree.get(to)! - 1;
      indegree.set(to, d);
      if (d === 0) queue.push(to);
    }
  }
  const done = new Set(order);
  const cyclic = ids.filter((id) => !done.has(id));
  return { order, cyclic, cycle: cyclic.length ? findCycle(cyclic, next) : [] };
}

function findCycle(candidates: string[], next: Map<string, string[]>): string[] {
  const inSet = new Set(candidates);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 'open');
    stack.push(id);
    for (const to of next.get(id) ?? []) {
      if (!inSet.has(to)) continue;
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to];
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of candidates) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return [];
}

/** True when adding `from → to` would close a cycle. */
export function wouldCreateCycle(graph: ModelGraph, from: string, to: string): boolean {
  if (from === to) return true;
  const seen = new Set<string>();
  const stack = [to];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === from) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...consumersOf(graph, id));
  }
  return false;
}
