import type { GraphEdge, GraphNode, ModelGraph } from '../graph/model-graph';
import type { LayerKind } from '../layers/types';

/** Builds template graphs: each `add` connects to the previous node unless inputs are given. */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private last: string | undefined;

  add(id: string, kind: LayerKind, params: Record<string, unknown> = {}, inputs?: string[]): string {
    if (this.nodes.some((n) => n.id === id)) throw new Error(`template bug: duplicate id ${id}`);
    this.nodes.push({ id, kind, params });
    for (const from of inputs ?? (this.last ? [this.last] : [])) this.edges.push({ from, to: id });
    this.last = id;
    return id;
  }

  build(): ModelGraph {
    return { nodes: this.nodes, edges: this.edges };
  }
}
