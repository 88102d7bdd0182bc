import { StudioError } from '../../../../shared/errors';
import type { ModelGraph } from '../../../../shared/graph/model-graph';
import { freshNodeId } from '../../../../shared/graph/model-graph';
import type { FilterPresetName } from '../../../../shared/layers/filter-presets';
import type { Grid } from '../../../../shared/insight/grids';

/** Hand-crafted filters to put into the network: preset masks by name, or typed square kernels. */
export type HandCraftedFilters = { presets: readonly FilterPresetName[] } | { kernels: readonly Grid[] };

/**
 * A Conv2D's parameters for hand-crafted filters on an input of `channels` channels: presets by name
 * (the layer spreads each mask over the channels as mask / C), or typed kernels spread the same way,
 * so the layer's response equals the mask on the grey image the comparison view shows. `same`
 * padding keeps the map size, and no activation keeps the responses' signs (both edges of a Sobel).
 */
export function handCraftedConvParams(filters: HandCraftedFilters, channels: number, trainable: boolean): Record<string, unknown> {
  const base = { strides: 1, padding: 'same', activation: 'linear', useBias: false, trainable };
  if ('presets' in filters) {
    if (!filters.presets.length) throw new StudioError('invalid-argument', 'Choose at least one preset mask to put into the network.', { where: 'presets' });
    return { ...base, filters: filters.presets.length, kernelSize: 3, filterPreset: [...filters.presets], filterValues: null };
  }
  const kernels = filters.kernels;
  const size = kernels[0]?.length ?? 0;
  if (!size) throw new StudioError('invalid-argument', 'Type at least one kernel to put into the network.', { where: 'kernels' });
  if (kernels.some((k) => k.length !== size || k.some((row) => row.length !== size))) {
    throw new StudioError('invalid-argument', 'The kernels put into one layer must all be square and of the same size.', { hint: 'Give them all the same size, or add them as separate layers.', where: 'kernels' });
  }
  const values = kernels.map((k) => Array.from({ length: channels }, () => k.map((row) => row.map((v) => v / channels))));
  return { ...base, filters: kernels.length, kernelSize: size, filterValues: values, filterPreset: null };
}

/**
 * Inserts a layer right after the network's Input: the Input feeds it, and it feeds what the Input fed.
 * Returns the new graph and the new layer's id; a graph without an Input is a StudioError.
 */
export function insertAfterInput(graph: ModelGraph, kind: string, params: Record<string, unknown>, stem = 'handcrafted'): { graph: ModelGraph; id: string } {
  const input = graph.nodes.find((n) => n.kind === 'Input');
  if (!input) throw new StudioError('invalid-graph', 'The network has no Input layer to put the filters after.', { hint: 'Add an Input layer first.' });
  const id = freshNodeId(graph, stem);
  const at = input.position ?? { x: 0, y: 0 };
  const node = { id, kind, params, position: { x: Math.round(at.x + 60), y: Math.round(at.y + 150) } };
  const edges = graph.edges.flatMap((e) => (e.from === input.id ? [{ from: id, to: e.to }] : [e]));
  return { graph: { nodes: [...graph.nodes, node], edges: [{ from: input.id, to: id }, ...edges] }, id };
}
