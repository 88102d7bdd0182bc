import { describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../src/shared/graph/model-graph';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { nodeResult } from '../../support/graph-fixtures';

/** Input → a, Input → b, [a, b] → merge. */
function branches(kind: string, a: Record<string, unknown>, b: Record<string, unknown>, aKind = 'Conv2D', bKind = 'Conv2D'): ModelGraph {
  return {
    nodes: [
      { id: 'input', kind: 'Input', params: { height: 8, width: 8, channels: 3 } },
      { id: 'a', kind: aKind, params: a },
      { id: 'b', kind: bKind, params: b },
      { id: 'merge', kind, params: {} },
    ],
    edges: [
      { from: 'input', to: 'a' },
      { from: 'input', to: 'b' },
      { from: 'a', to: 'merge' },
      { from: 'b', to: 'merge' },
    ],
  };
}

describe('Add', () => {
  it('adds_equal_shapes', () => {
    const a = analyzeGraph(branches('Add', { filters: 4, kernelSize: 3, padding: 'same' }, { filters: 4, kernelSize: 1 }));
    expect(nodeResult(a, 'merge').shape).toEqual([8, 8, 4]);
  });
  it('of_different_shapes_is_an_error_naming_them', () => {
    const a = analyzeGraph(branches('Add', { filters: 4, kernelSize: 3 }, { filters: 4, kernelSize: 1 }));
    const r = nodeResult(a, 'merge');
    expect(r.shape).toBeNull();
    expect(r.messages[0]).toContain('Add needs inputs of one shape but receives 6x6x4 and 8x8x4');
  });
  it('with_one_input_is_an_error', () => {
    const g = branches('Add', { filters: 4, kernelSize: 1 }, { filters: 4, kernelSize: 1 });
    g.edges = g.edges.filter((e) => !(e.from === 'b' && e.to === 'merge'));
    const r = nodeResult(analyzeGraph(g), 'merge');
    expect(r.messages.some((m) => m.includes('merges at least 2 inputs but only 1 is connected'))).toBe(true);
  });
});

describe('Concatenate', () => {
  it('stacks_channels_in_edge_order', () => {
    const a = analyzeGraph(branches('Concatenate', { filters: 4, kernelSize: 3, padding: 'same' }, { filters: 6, kernelSize: 1 }));
    expect(nodeResult(a, 'merge').shape).toEqual([8, 8, 10]);
  });
  it('of_different_spatial_sizes_is_an_error', () => {
    const a = analyzeGraph(branches('Concatenate', { filters: 4, kernelSize: 3 }, { filters: 6, kernelSize: 1 }));
    expect(nodeResult(a, 'merge').messages[0]).toContain('Concatenate needs feature maps of one height and width but receives 6x6x4, 8x8x6');
  });
  it('joins_vectors', () => {
    const a = analyzeGraph(branches('Concatenate', {}, {}, 'Flatten', 'GlobalAvgPool'));
    expect(nodeResult(a, 'merge').shape).toEqual([195]);
  });
  it('refuses_a_map_with_a_vector', () => {
    const a = analyzeGraph(branches('Concatenate', {}, { filters: 2, kernelSize: 1 }, 'Flatten', 'Conv2D'));
    expect(nodeResult(a, 'merge').messages[0]).toContain('cannot join feature maps with vectors');
  });
});
