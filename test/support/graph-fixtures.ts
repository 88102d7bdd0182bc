import type { GraphEdge, GraphNode, ModelGraph } from '../../src/shared/graph/model-graph';
import type { GraphAnalysis } from '../../src/shared/shapes/analyze';
import { analyzeGraph } from '../../src/shared/shapes/analyze';
import type { Shape } from '../../src/shared/tensor-shape';

/** A chain Input [→ widen] → ...layers → (Output unless `noOutput`), ids taken from the specs. */
export function chain(input: [number, number, number], layers: [id: string, kind: string, params?: Record<string, unknown>][], options: { noOutput?: boolean; classes?: number } = {}): ModelGraph {
  // An Input has 1 or 3 channels; other channel counts come from a 1x1 convolution after it.
  const direct = input[2] === 1 || input[2] === 3;
  const nodes: GraphNode[] = [{ id: 'input', kind: 'Input', params: { height: input[0], width: input[1], channels: direct ? input[2] : 1 } }];
  const edges: GraphEdge[] = [];
  let last = 'input';
  if (!direct) {
    nodes.push({ id: 'widen', kind: 'Conv2D', params: { filters: input[2], kernelSize: 1 } });
    edges.push({ from: 'input', to: 'widen' });
    last = 'widen';
  }
  for (const [id, kind, params = {}] of layers) {
    nodes.push({ id, kind, params });
    edges.push({ from: last, to: id });
    last = id;
  }
  if (!options.noOutput) {
    nodes.push({ id: 'output', kind: 'Output', params: { classes: options.classes ?? 10 } });
    edges.push({ from: last, to: 'output' });
  }
  return { nodes, edges };
}

/** Shape and parameter count of one node, after analysing the graph. */
export function nodeResult(analysis: GraphAnalysis, id: string): { shape: Shape | null; params: number; trainable: number; messages: string[] } {
  const node = analysis.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return {
    shape: node.outputShape,
    params: node.params.trainable + node.params.nonTrainable,
    trainable: node.params.trainable,
    messages: node.issues.map((i) => `${i.severity}: ${i.message} ${i.hint ?? ''}`.trim()),
  };
}

/** Analyses a single layer placed after an Input of the given shape (followed by Flatten + Output when it yields a map). */
export function single(input: [number, number, number], kind: string, params: Record<string, unknown> = {}): ReturnType<typeof nodeResult> {
  const graph = chain(input, [['layer', kind, params]], { noOutput: true });
  return nodeResult(analyzeGraph(graph), 'layer');
}
