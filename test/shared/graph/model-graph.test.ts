import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../../src/shared/graph/layout';
import { freshNodeId, topologicalOrder, wouldCreateCycle } from '../../../src/shared/graph/model-graph';
import { buildTemplate } from '../../../src/shared/templates';

describe('model graph helpers', () => {
  const graph = buildTemplate('resnet-small');
  it('orders_topologically', () => {
    const { order, cyclic } = topologicalOrder(graph);
    expect(cyclic).toEqual([]);
    expect(order[0]).toBe('input');
    expect(order.at(-1)).toBe('output');
  });
  it('detects_a_connection_that_would_close_a_cycle', () => {
    expect(wouldCreateCycle(graph, 'avgpool', 'conv1')).toBe(true);
    expect(wouldCreateCycle(graph, 'conv1', 'avgpool')).toBe(false);
    expect(wouldCreateCycle(graph, 'bn1', 'bn1')).toBe(true);
  });
  it('makes_fresh_ids', () => {
    expect(freshNodeId(graph, 'conv')).toBe('conv2');
    expect(freshNodeId(graph, '3x3 conv!')).toBe('x3conv1');
  });
  it('lays_out_left_to_right_by_depth', () => {
    const p = layoutGraph(graph);
    expect(p.get('input')!.x).toBeLessThan(p.get('conv1')!.x);
    expect(p.get('avgpool')!.x).toBeLessThan(p.get('output')!.x);
  });
});
