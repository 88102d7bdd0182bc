import type { Edge, Node } from '@vue-flow/core';
import { describeError } from '../../../shared/errors';
import { layoutGraph } from '../../../shared/graph/layout';
import type { ModelGraph } from '../../../shared/graph/model-graph';
import type { GraphAnalysis } from '../../../shared/shapes/analyze';
import type { Shape } from '../../../shared/tensor-shape';
import { formatShape } from '../../../shared/tensor-shape';
import { BLOCK_INPUT_ID, analyzeInnerGraph, expandBlockNode } from '../graph-edits/inner-graph';
import { LAYOUT_GAPS, fittedLayout } from './fitted-layout';
import type { LayerNodeData, ShapeEdgeData } from './flow-elements';
import { LAYER_NODE_TYPE, flowEdges, flowNodes } from './flow-elements';

/** One level of the drill-in view: a block's inner layers, analysed, ready for a read-only canvas. */
export interface BlockLevel {
  /** Block ids from the top level to this one. */
  path: string[];
  kind: string;
  label: string;
  inputShape: Shape | null;
  graph: ModelGraph | null;
  analysis: GraphAnalysis | null;
  output: string | null;
  /** Why the inside cannot be shown (no input shape yet, bad parameters). */
  problem: string | null;
}

/**
 * Follows a path of block ids from the top-level graph inwards, expanding and analysing each block
 * with the input shape it gets where it stands. Returns one level per id; a level that cannot be
 * expanded carries its reason and ends the walk.
 */
export function blockLevels(graph: ModelGraph, analysis: GraphAnalysis, path: readonly string[]): BlockLevel[] {
  const levels: BlockLevel[] = [];
  let currentGraph = graph;
  let currentAnalysis = analysis;
  for (const [depth, id] of path.entries()) {
    const node = currentGraph.nodes.find((n) => n.id === id);
    const here = path.slice(0, depth + 1);
    if (!node) break;
    const label = node.kind === 'Group' && typeof node.params.name === 'string' ? node.params.name : node.kind;
    const inputs = currentGraph.edges.filter((e) => e.to === id).map((e) => currentAnalysis.edgeShapes[`${e.from}->${id}`]);
    const base = { path: here, kind: node.kind, label };
    if (!inputs.length || inputs.some((s) => !s)) {
      levels.push({ ...base, inputShape: null, graph: null, analysis: null, output: null, problem: `The layers inside ${id} depend on its input, which has no shape yet: connect it and fix the problems before it.` });
      break;
    }
    try {
      const shapes = inputs as Shape[];
      const inner = expandBlockNode(node, shapes);
      const result = analyzeInnerGraph(inner, shapes[0]!);
      levels.push({ ...base, inputShape: shapes[0]!, graph: result.graph, analysis: result.analysis, output: inner.output, problem: null });
      currentGraph = result.graph;
      currentAnalysis = result.analysis;
    } catch (error) {
      levels.push({ ...base, inputShape: inputs[0] ?? null, graph: null, analysis: null, output: null, problem: describeError(error) });
      break;
    }
  }
  return levels;
}

/**
 * Read-only Vue Flow nodes and edges of a level, laid out left to right from the block's input
 * (wrapped into rows to suit `view`, the size of the pane, when given).
 */
export function blockLevelElements(level: BlockLevel, view?: { width: number; height: number }): { nodes: Node<LayerNodeData>[]; edges: Edge<ShapeEdgeData>[] } {
  if (!level.graph || !level.analysis || !level.inputShape) return { nodes: [], edges: [] };
  const withInput: ModelGraph = { nodes: [{ id: BLOCK_INPUT_ID, kind: 'Input', params: {} }, ...level.graph.nodes], edges: level.graph.edges };
  const positions = view && view.width > 0 ? fittedLayout(withInput, view) : layoutGraph(withInput, LAYOUT_GAPS);
  const placed: ModelGraph = { nodes: level.graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? { x: 0, y: 0 } })), edges: level.graph.edges };
  const nodes = flowNodes(placed, level.analysis, new Set(), { readonly: true, ...(level.output ? { outputId: level.output } : {}) });
  const input: Node<LayerNodeData> = {
    id: BLOCK_INPUT_ID,
    type: LAYER_NODE_TYPE,
    position: positions.get(BLOCK_INPUT_ID) ?? { x: 0, y: 0 },
    draggable: false,
    connectable: false,
    deletable: false,
    data: {
      kind: 'BlockInput',
      label: 'Block input',
      group: 'Input',
      summary: '',
      shape: formatShape(level.inputShape),
      params: null,
      trainable: 0,
      frozen: false,
      block: false,
      acceptsInput: false,
      hasOutput: true,
      merge: false,
      severity: null,
      problems: [],
      readonly: true,
      role: 'block-input',
    },
  };
  return { nodes: [input, ...nodes], edges: flowEdges(withInput, level.analysis, new Set(), true) };
}
