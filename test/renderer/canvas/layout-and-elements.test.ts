// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { LAYOUT_GAPS, fittedLayout, layoutIsCrowded, wrapColumnsFor } from '../../../src/renderer/src/canvas/fitted-layout';
import { flowEdges, flowNodes } from '../../../src/renderer/src/canvas/flow-elements';
import { layoutGraph } from '../../../src/shared/graph/layout';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../src/shared/templates';
import { smallNet } from '../support/project-fixtures';

describe('laying a network out for the canvas', () => {
  it('keeps_a_short_network_on_one_row', () => {
    expect(wrapColumnsFor(smallNet(), { width: 1800, height: 700 })).toBe(6);
  });

  it('wraps_a_long_chain_into_rows_read_left_to_right', () => {
    const vgg = buildTemplate('vgg19');
    const wrap = wrapColumnsFor(vgg, { width: 1000, height: 700 });
    expect(wrap).toBeGreaterThan(1);
    expect(wrap).toBeLessThan(vgg.nodes.length);
    const positions = fittedLayout(vgg, { width: 1000, height: 700 });
    const rows = [...new Set([...positions.values()].map((p) => p.y))];
    expect(rows.length).toBe(Math.ceil(vgg.nodes.length / wrap));
    // Along the chain, x grows within a row and every new row starts again at the left.
    const order = vgg.nodes.map((n) => positions.get(n.id)!);
    order.forEach((p, i) => {
      if (i === 0) return;
      const prev = order[i - 1]!;
      if (p.y === prev.y) expect(p.x).toBe(prev.x + LAYOUT_GAPS.columnGap);
      else expect([p.x, p.y > prev.y]).toEqual([0, true]);
    });
  });

  it('knows_a_layout_made_for_smaller_nodes', () => {
    const graph = smallNet();
    expect(layoutIsCrowded(graph)).toBe(false);
    graph.nodes.forEach((n, i) => (n.position = { x: i * 220, y: 0 }));
    expect(layoutIsCrowded(graph)).toBe(true);
    graph.nodes.forEach((n, i) => (n.position = { x: i * 220, y: i * 100 }));
    expect(layoutIsCrowded(graph)).toBe(false);
  });

  it('orders_branches_by_where_their_inputs_sit', () => {
    const graph = {
      nodes: ['in', 'a', 'b', 'a2', 'b2', 'join'].map((id) => ({ id, kind: 'Conv2D', params: {} })),
      edges: [
        { from: 'in', to: 'b' },
        { from: 'in', to: 'a' },
        { from: 'a', to: 'b2' },
        { from: 'b', to: 'a2' },
        { from: 'a2', to: 'join' },
        { from: 'b2', to: 'join' },
      ],
    };
    const p = layoutGraph(graph, LAYOUT_GAPS);
    // b2 follows a and a2 follows b, so they keep their parents' rows instead of crossing.
    expect(Math.sign(p.get('b2')!.y - p.get('a2')!.y)).toBe(Math.sign(p.get('a')!.y - p.get('b')!.y));
  });
});

describe('graph to canvas elements', () => {
  it('labels_edges_with_shapes_and_numbers_merge_inputs_in_edge_order', () => {
    const graph = buildTemplate('resnet-small');
    graph.nodes.push({ id: 'cat', kind: 'Concatenate', params: {} });
    graph.edges.push({ from: 'layer3_1', to: 'cat' }, { from: 'relu1', to: 'cat' });
    const analysis = analyzeGraph(graph);
    const edges = flowEdges(graph, analysis, new Set(['conv1->bn1']));
    expect(edges.find((e) => e.id === 'input->conv1')!.data).toEqual({ shape: '32x32x3', order: null });
    expect(edges.find((e) => e.id === 'layer3_1->cat')!.data).toEqual({ shape: '8x8x64', order: 1 });
    expect(edges.find((e) => e.id === 'relu1->cat')!.data).toEqual({ shape: '32x32x16', order: 2 });
    expect(edges.find((e) => e.id === 'conv1->bn1')!.selected).toBe(true);
    const nodes = flowNodes(graph, analysis, new Set(['cat']));
    const cat = nodes.find((n) => n.id === 'cat')!;
    expect(cat.selected).toBe(true);
    expect(cat.data!.severity).toBe('error');
    expect(cat.data!.problems[0]).toMatch(/^Concatenate cat: Concatenate needs feature maps of one height and width but receives 8x8x64, 32x32x16\./);
  });
});
