// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { blockLevelElements, blockLevels } from '../../../src/renderer/src/canvas/block-view-model';
import { groupNodes } from '../../../src/renderer/src/graph-edits/grouping';
import { BLOCK_INPUT_ID, analyzeInnerGraph, expandBlockNode } from '../../../src/renderer/src/graph-edits/inner-graph';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../src/shared/templates';

describe('the inside of a block, analysed on its own', () => {
  it('gives_each_inner_layer_the_shape_and_parameters_the_whole_network_gets', () => {
    const graph = buildTemplate('googlenet');
    const analysis = analyzeGraph(graph);
    const id = 'inception3a';
    const input = analysis.edgeShapes[`${graph.edges.find((e) => e.to === id)!.from}->${id}`]!;
    expect(input).toEqual([28, 28, 192]);
    const inner = expandBlockNode(graph.nodes.find((n) => n.id === id)!, [input]);
    const result = analyzeInnerGraph(inner, input);
    const shape = (inner: string) => result.analysis.nodes.find((n) => n.id === inner)!.outputShape;
    // Szegedy et al. 2015, Table 1, inception (3a): 64 + 128 + 32 + 32 = 256 channels at 28x28.
    expect(shape('b1x1')).toEqual([28, 28, 64]);
    expect(shape('b3x3')).toEqual([28, 28, 128]);
    expect(shape('concat')).toEqual([28, 28, 256]);
    expect(result.analysis.totals.total).toBe(analysis.nodes.find((n) => n.id === id)!.params.trainable + analysis.nodes.find((n) => n.id === id)!.params.nonTrainable);
    expect(result.analysis.edgeShapes[`${BLOCK_INPUT_ID}->b1x1`]).toEqual([28, 28, 192]);
    expect(result.analysis.issues).toEqual([]);
    expect(result.graph.nodes.map((n) => n.id)).not.toContain('probeInput1');
  });

  it('feeds_a_vector_block_through_a_stand_in_of_the_same_size', () => {
    const graph = buildTemplate('lenet5');
    const { graph: grouped, id } = groupNodes(graph, ['f6'], 'Head');
    const analysis = analyzeGraph(grouped);
    const levels = blockLevels(grouped, analysis, [id]);
    expect(levels).toHaveLength(1);
    expect(levels[0]!.inputShape).toEqual([120]);
    expect(levels[0]!.analysis!.nodes.map((n) => [n.id, n.outputShape, n.params.trainable])).toEqual([['f6', [84], 120 * 84 + 84]]);
  });

  it('opens_blocks_inside_blocks_one_level_at_a_time', () => {
    const graph = buildTemplate('resnet-small');
    const { graph: grouped, id } = groupNodes(graph, ['layer1_1', 'layer2_1'], 'Two stages');
    const analysis = analyzeGraph(grouped);
    const levels = blockLevels(grouped, analysis, [id, 'layer2_1']);
    expect(levels.map((l) => l.kind)).toEqual(['Group', 'Residual']);
    expect(levels[1]!.inputShape).toEqual([32, 32, 16]);
    expect(levels[1]!.analysis!.nodes.find((n) => n.id === 'relu')!.outputShape).toEqual([16, 16, 32]);
    const { nodes, edges } = blockLevelElements(levels[1]!);
    expect(nodes[0]!.id).toBe(BLOCK_INPUT_ID);
    expect(nodes.find((n) => n.id === 'relu')!.data!.role).toBe('block-output');
    expect(nodes.every((n) => n.draggable === false)).toBe(true);
    expect(edges.find((e) => e.id === 'conv2_bn->add')!.data!.order).toBe(1);
    expect(edges.find((e) => e.id === 'proj_bn->add')!.data!.order).toBe(2);
  });

  it('says_why_a_block_cannot_be_opened', () => {
    const graph = buildTemplate('resnet-small');
    graph.edges = graph.edges.filter((e) => e.to !== 'layer1_1');
    const levels = blockLevels(graph, analyzeGraph(graph), ['layer1_1']);
    expect(levels[0]!.problem).toBe('The layers inside layer1_1 depend on its input, which has no shape yet: connect it and fix the problems before it.');
  });
});
