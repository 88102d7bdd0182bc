import type { Edge, Node } from '@vue-flow/core';
import type { GraphNode, ModelGraph } from '../../../shared/graph/model-graph';
import { findLayer } from '../../../shared/layers';
import type { PaletteGroup } from '../../../shared/layers/types';
import type { GraphAnalysis, NodeReport } from '../../../shared/shapes/analyze';
import { issueSentence } from '../../../shared/shapes/issues';
import { formatShape } from '../../../shared/tensor-shape';
import { edgeKey } from '../graph-edits/node-edits';
import { effectiveParams, summarizeParams } from '../graph-edits/param-values';

export const LAYER_NODE_TYPE = 'layer';
export const SHAPE_EDGE_TYPE = 'shape';

/**
 * What a layer node shows, as plain data (no functions: node data survives JSON, snapshots and
 * undo). `LayerNode.vue` renders any kind from this.
 */
export interface LayerNodeData {
  kind: string;
  label: string;
  /** Palette group, for the colour; null for kinds the studio does not know. */
  group: PaletteGroup | null;
  /** The key parameters (`6@5x5 tanh`). */
  summary: string;
  /** Output shape as `28x28x6`; null when it cannot be known. */
  shape: string | null;
  /** All parameters (trainable + not); null when unknown. */
  params: number | null;
  trainable: number;
  /** Weights frozen (trainable off). */
  frozen: boolean;
  /** A block that opens to show its inner layers. */
  block: boolean;
  /** Has an input port / an output port. */
  acceptsInput: boolean;
  hasOutput: boolean;
  /** Takes several inputs, in edge order (Add, Concatenate). */
  merge: boolean;
  severity: 'error' | 'warning' | null;
  /** The sentences of its problems, shown on hover. */
  problems: string[];
  /** Shown inside a block's view: no editing. */
  readonly: boolean;
  /** The stand-in for a block's own input, or the layer a block returns. */
  role: 'layer' | 'block-input' | 'block-output';
}

/**
 * Vue Flow's node and edge, with the selection the store decides (Vue Flow's input types leave
 * `selected` out, but copy it onto its own nodes and edges, which is how the store drives them).
 */
export type CanvasNode = Node<LayerNodeData> & { selected: boolean };
export type CanvasEdge = Edge<ShapeEdgeData> & { selected: boolean };

/** What a connection shows: the shape it carries and, into a merge, its place among the inputs. */
export interface ShapeEdgeData {
  shape: string | null;
  /** 1-based input position into a merge; null for single-input layers. */
  order: number | null;
}

/** `3 layers` for a user's block. */
function groupSummary(graph: unknown): string {
  const count = (graph as { nodes?: unknown[] } | null)?.nodes?.length ?? 0;
  return `${count} layer${count === 1 ? '' : 's'}`;
}

/** The data of one layer node from the graph and its analysis. */
export function layerNodeData(node: Pick<GraphNode, 'kind' | 'params'>, report: NodeReport | undefined, readonly = false): LayerNodeData {
  const decl = findLayer(node.kind);
  const params = decl ? effectiveParams(decl, node.params) : node.params;
  const errors = report?.issues.filter((i) => i.severity === 'error') ?? [];
  const label = node.kind === 'Group' && typeof params.name === 'string' ? params.name : (decl?.label ?? node.kind);
  const shape = report?.outputShape ? formatShape(report.outputShape) : null;
  const summary = node.kind === 'Group' ? groupSummary(params.graph) : decl ? summarizeParams(decl, node.params) : '';
  return {
    kind: node.kind,
    label,
    group: decl?.group ?? null,
    // An Input's summary is its shape; once is enough.
    summary: summary === shape ? '' : summary,
    shape,
    params: report && (report.outputShape || report.params.trainable + report.params.nonTrainable > 0) ? report.params.trainable + report.params.nonTrainable : null,
    trainable: report?.params.trainable ?? 0,
    frozen: Boolean(decl?.hasWeights && params.trainable === false),
    block: Boolean(decl?.composite),
    acceptsInput: decl ? decl.inputs.max > 0 : true,
    hasOutput: node.kind !== 'Output',
    merge: Boolean(decl && decl.inputs.max > 1),
    severity: errors.length ? 'error' : report?.issues.length ? 'warning' : null,
    problems: report?.issues.map(issueSentence) ?? [],
    readonly,
    role: 'layer',
  };
}

/** Vue Flow nodes for a graph; `readonly` for a block's inside, where `outputId` is the layer it returns. */
export function flowNodes(graph: ModelGraph, analysis: GraphAnalysis, selected: ReadonlySet<string>, options: { readonly?: boolean; outputId?: string } = {}): CanvasNode[] {
  const reports = new Map(analysis.nodes.map((r) => [r.id, r]));
  const readonly = options.readonly ?? false;
  return graph.nodes.map((n) => {
    const data = layerNodeData(n, reports.get(n.id), readonly);
    if (n.id === options.outputId) data.role = 'block-output';
    return {
      id: n.id,
      type: LAYER_NODE_TYPE,
      position: n.position ?? { x: 0, y: 0 },
      data,
      selected: selected.has(n.id),
      ...(readonly ? { draggable: false, connectable: false, deletable: false } : {}),
    };
  });
}

/** Vue Flow edges for a graph, labelled with their shapes and, into merges, their order. */
export function flowEdges(graph: ModelGraph, analysis: GraphAnalysis, selected: ReadonlySet<string>, readonly = false): CanvasEdge[] {
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const seen = new Map<string, number>();
  return graph.edges.map((e) => {
    const key = edgeKey(e);
    const targetKind = kinds.get(e.to);
    const merge = targetKind ? (findLayer(targetKind)?.inputs.max ?? 1) > 1 : false;
    const order = (seen.get(e.to) ?? 0) + 1;
    seen.set(e.to, order);
    const shape = analysis.edgeShapes[key];
    return {
      id: key,
      source: e.from,
      target: e.to,
      type: SHAPE_EDGE_TYPE,
      data: { shape: shape ? formatShape(shape) : null, order: merge ? order : null },
      selected: selected.has(key),
      ...(readonly ? { selectable: false, deletable: false, updatable: false } : {}),
    };
  });
}
