import { StudioError } from '../../../../../shared/errors';
import type { GraphEdge, GraphNode, ModelGraph } from '../../../../../shared/graph/model-graph';
import type { PrimitiveKind } from '../../../../../shared/layers';
import { findLayer, isPrimitive } from '../../../../../shared/layers';
import { parseParams } from '../../../../../shared/layers/parse-params';
import { ShapeError } from '../../../../../shared/layers/types';
import type { Shape } from '../../../../../shared/tensor-shape';
import type { NodeWeights, WeightSet } from '../../../../../shared/weights';

/** A studio node while the importer builds it; params may still change (an activation folded in). */
export interface AssembledNode {
  id: string;
  kind: PrimitiveKind;
  params: Record<string, unknown>;
  inputs: string[];
  shape: Shape;
  /** The ONNX node(s) it came from, for messages. */
  source: string;
}

const MAX_ID_LENGTH = 64;

/**
 * Builds the studio graph node by node: readable unique ids, shapes from the layer declarations
 * themselves (so a wrong translation fails here, naming the ONNX node), weights by node id.
 */
export class GraphAssembler {
  readonly nodes = new Map<string, AssembledNode>();
  readonly weights: WeightSet = {};
  private readonly fileName: string;

  constructor(fileName: string) {
    this.fileName = fileName;
  }

  /** Adds a node; `hints` are candidate names, best first. Returns its id. */
  add(kind: PrimitiveKind, params: Record<string, unknown>, inputs: string[], hints: string[], source: string, weights?: NodeWeights): AssembledNode {
    const id = this.freshId(hints, kind);
    const shape = this.inferShape(kind, params, inputs, source);
    const node: AssembledNode = { id, kind, params, inputs, shape, source };
    this.nodes.set(id, node);
    if (weights && Object.keys(weights).length) this.weights[id] = weights;
    return node;
  }

  /** Changes a node's params (an activation or a bias folded in) and checks they are still valid. */
  update(id: string, params: Record<string, unknown>, weights?: NodeWeights): void {
    const node = this.nodes.get(id)!;
    node.shape = this.inferShape(node.kind, { ...node.params, ...params }, node.inputs, node.source);
    node.params = { ...node.params, ...params };
    if (weights) this.weights[id] = { ...this.weights[id], ...weights };
  }

  /** Turns a node into another kind with the same inputs and weights (the last Dense into the Output). */
  retype(id: string, kind: PrimitiveKind, params: Record<string, unknown>): void {
    const node = this.nodes.get(id)!;
    node.shape = this.inferShape(kind, params, node.inputs, node.source);
    node.kind = kind;
    node.params = params;
  }

  /** Takes out a node nothing reads yet (two ONNX nodes merged into one studio node), with its weights. */
  remove(id: string): void {
    if ([...this.nodes.values()].some((n) => n.inputs.includes(id))) throw new Error(`${id} is read by another node and cannot be removed.`);
    this.nodes.delete(id);
    delete this.weights[id];
  }

  /** The graph and weights, keeping only the nodes the output depends on; the others are listed. */
  finish(outputId: string): { graph: ModelGraph; weights: WeightSet; dropped: AssembledNode[] } {
    const needed = new Set<string>();
    const stack = [outputId];
    while (stack.length) {
      const id = stack.pop()!;
      if (needed.has(id)) continue;
      needed.add(id);
      stack.push(...this.nodes.get(id)!.inputs);
    }
    const kept = [...this.nodes.values()].filter((n) => needed.has(n.id));
    const nodes: GraphNode[] = kept.map((n) => ({ id: n.id, kind: n.kind, params: n.params }));
    const edges: GraphEdge[] = kept.flatMap((n) => n.inputs.map((from) => ({ from, to: n.id })));
    const weights: WeightSet = {};
    for (const n of kept) if (this.weights[n.id]) weights[n.id] = this.weights[n.id]!;
    return { graph: { nodes, edges }, weights, dropped: [...this.nodes.values()].filter((n) => !needed.has(n.id)) };
  }

  private inferShape(kind: PrimitiveKind, params: Record<string, unknown>, inputs: string[], source: string): Shape {
    const decl = findLayer(kind);
    if (!decl || !isPrimitive(decl)) throw new Error(`${kind} is not a primitive kind.`);
    const parsed = parseParams(decl, params);
    if (!parsed.ok) {
      throw new StudioError('onnx-unsupported', `${this.fileName}: node ${source} becomes a ${kind} whose settings the studio does not allow (${parsed.problems.join('; ')}).`, {
        hint: 'Change that layer in the source framework and export the model again.',
        where: source,
      });
    }
    try {
      return decl.inferShape(
        inputs.map((id) => this.nodes.get(id)!.shape),
        parsed.value as never,
      ).shape;
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw new StudioError('onnx-unsupported', `${this.fileName}: node ${source} becomes a ${kind} that does not fit its input: ${error.message}`, {
        hint: 'Report this with the model file: the importer translated the node wrongly.',
        where: source,
      });
    }
  }

  private freshId(hints: string[], kind: PrimitiveKind): string {
    const candidates = [...hints.map(sanitizeId).filter((h): h is string => h !== null), kind.toLowerCase()];
    for (const candidate of candidates) if (!this.nodes.has(candidate)) return candidate;
    const base = candidates[0]!.slice(0, MAX_ID_LENGTH - 4);
    for (let i = 2; ; i++) if (!this.nodes.has(`${base}_${i}`)) return `${base}_${i}`;
  }
}

/** A node id (NODE_ID_PATTERN) from any ONNX name: `layer1.0.conv1` → `layer1_0_conv1`; null when nothing is left. */
export function sanitizeId(name: string): string | null {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, MAX_ID_LENGTH);
  return cleaned.length ? cleaned : null;
}
