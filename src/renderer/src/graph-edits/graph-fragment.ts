import { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import { layoutGraph } from '../../../shared/graph/layout';
import type { GraphEdge, GraphNode, ModelGraph } from '../../../shared/graph/model-graph';
import { freshNodeId } from '../../../shared/graph/model-graph';
import { findLayer } from '../../../shared/layers';
import { edgeFileSchema, nodeFileSchema } from '../../../shared/project/schema';
import type { Point } from './node-edits';

/**
 * A piece of a graph on its way through the clipboard, or from a template or a duplicate: layers
 * with their positions and the connections between them. On the clipboard it is JSON text, so it
 * travels between projects and between windows.
 */
export interface GraphFragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const FRAGMENT_FORMAT = 'cnn-studio/layers';

const fragmentSchema = z.strictObject({
  format: z.literal(FRAGMENT_FORMAT),
  version: z.literal(1),
  nodes: z.array(nodeFileSchema).max(20000),
  edges: z.array(edgeFileSchema).max(100000),
});

/** The chosen layers and the connections between them (connections to the rest are left behind). */
export function extractFragment(graph: ModelGraph, ids: readonly string[]): GraphFragment {
  const chosen = new Set(ids);
  return {
    nodes: graph.nodes.filter((n) => chosen.has(n.id)),
    edges: graph.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to)),
  };
}

/** The clipboard text of a fragment. */
export function fragmentToText(fragment: GraphFragment): string {
  return JSON.stringify({ format: FRAGMENT_FORMAT, version: 1, nodes: fragment.nodes, edges: fragment.edges });
}

/**
 * Reads clipboard text: null when it is not layers copied from the studio (someone's shopping list),
 * a StudioError when it is but does not hold together.
 */
export function parseFragmentText(text: string): GraphFragment | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== FRAGMENT_FORMAT) return null;
  const parsed = fragmentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StudioError('invalid-argument', 'The layers on the clipboard come from a CNN Studio this version cannot read.', {
      hint: 'Copy them again from this version, or update CNN Studio.',
      where: 'clipboard',
    });
  }
  const ids = new Set<string>();
  for (const node of parsed.data.nodes) {
    if (!findLayer(node.kind)) {
      throw new StudioError('invalid-argument', `The clipboard holds a layer of the unknown kind "${node.kind}".`, {
        hint: 'It may come from a newer CNN Studio.',
        where: 'clipboard',
      });
    }
    if (ids.has(node.id)) throw new StudioError('invalid-argument', `The clipboard holds two layers with the id "${node.id}".`, { where: 'clipboard' });
    ids.add(node.id);
  }
  const edges = parsed.data.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  return { nodes: parsed.data.nodes.map((n) => ({ ...n, params: n.params })), edges };
}

/** Top-left corner of the fragment's positions (laid out left to right where positions are missing). */
function placedNodes(fragment: GraphFragment): { nodes: GraphNode[]; origin: Point } {
  const missing = fragment.nodes.some((n) => !n.position);
  const layout = missing ? layoutGraph(fragment) : null;
  const nodes = fragment.nodes.map((n) => (n.position ? n : { ...n, position: layout!.get(n.id) ?? { x: 0, y: 0 } }));
  const xs = nodes.map((n) => n.position!.x);
  const ys = nodes.map((n) => n.position!.y);
  return { nodes, origin: { x: xs.length ? Math.min(...xs) : 0, y: ys.length ? Math.min(...ys) : 0 } };
}

/** `conv3` → `conv`: the stem fresh ids are made from. */
function idStem(id: string): string {
  return id.replace(/[0-9]+$/, '') || id;
}

/**
 * Adds a fragment to a graph. Ids that are taken get fresh ones (`conv3` → `conv4`); the fragment's
 * top-left corner goes to `at`, or every layer moves by `offset`. Returns the new graph and the ids
 * of the inserted layers, in order.
 */
export function insertFragment(graph: ModelGraph, fragment: GraphFragment, placement: { at: Point } | { offset: Point }): { graph: ModelGraph; ids: string[] } {
  const { nodes, origin } = placedNodes(fragment);
  const shift = 'at' in placement ? { x: placement.at.x - origin.x, y: placement.at.y - origin.y } : placement.offset;
  const taken: Pick<ModelGraph, 'nodes'> = { nodes: [...graph.nodes] };
  const rename = new Map<string, string>();
  const added: GraphNode[] = [];
  for (const node of nodes) {
    const free = !taken.nodes.some((n) => n.id === node.id);
    const id = free ? node.id : freshNodeId(taken, idStem(node.id));
    rename.set(node.id, id);
    const copy: GraphNode = {
      id,
      kind: node.kind,
      // JSON, not structuredClone: params may arrive wrapped in a Vue proxy, which structuredClone refuses.
      params: JSON.parse(JSON.stringify(node.params)) as Record<string, unknown>,
      position: { x: Math.round(node.position!.x + shift.x), y: Math.round(node.position!.y + shift.y) },
    };
    added.push(copy);
    taken.nodes.push(copy);
  }
  const edges = fragment.edges.map((e) => ({ from: rename.get(e.from)!, to: rename.get(e.to)! }));
  return { graph: { nodes: [...graph.nodes, ...added], edges: [...graph.edges, ...edges] }, ids: added.map((n) => n.id) };
}
