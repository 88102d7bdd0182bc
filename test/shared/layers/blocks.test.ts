import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { chain, nodeResult, single } from '../../support/graph-fixtures';

// Inception 3a of GoogLeNet (Szegedy et al. 2015, Table 1) on 28x28x192: output 28x28x256 and
// 163,696 parameters (1x1: 12,352; 3x3 reduce 18,528 + 3x3 110,720; 5x5 reduce 3,088 + 5x5 12,832;
// pool proj 6,176). ResNet blocks: counts of torchvision's BasicBlock / Bottleneck.
describe('Inception', () => {
  it('inception_3a_shape_and_parameters', () => {
    const r = single([28, 28, 192], 'Inception', { c1x1: 64, c3x3reduce: 96, c3x3: 128, c5x5reduce: 16, c5x5: 32, poolProj: 32 });
    expect(r).toMatchObject({ shape: [28, 28, 256], params: 163696 });
  });
  it('expands_into_four_branches_and_a_concatenation', () => {
    const a = analyzeGraph(chain([8, 8, 4], [['inc', 'Inception', { c1x1: 2, c3x3reduce: 2, c3x3: 2, c5x5reduce: 2, c5x5: 2, poolProj: 2 }], ['gap', 'GlobalAvgPool']]));
    const ids = a.flat!.nodes.filter((n) => n.owner === 'inc').map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['inc.b1x1', 'inc.b3x3_reduce', 'inc.b3x3', 'inc.b5x5_reduce', 'inc.b5x5', 'inc.pool', 'inc.pool_proj', 'inc.concat']));
    const concat = a.flat!.nodes.find((n) => n.id === 'inc.concat')!;
    expect(concat.inputs).toEqual(['inc.b1x1', 'inc.b3x3', 'inc.b5x5', 'inc.pool_proj']);
  });
  it('with_batchnorm_uses_convolutions_without_bias', () => {
    const r = single([8, 8, 4], 'Inception', { c1x1: 2, c3x3reduce: 2, c3x3: 2, c5x5reduce: 2, c5x5: 2, poolProj: 2, batchNorm: true });
    // convs without bias: 1x1: 8, reduce 8 + 3x3 36, reduce 8 + 5x5 100, proj 8 = 168; 6 BatchNorms of 2 channels: 6·8 = 48.
    expect(r.params).toBe(216);
    expect(r.trainable).toBe(168 + 24);
  });
  it('needs_a_feature_map', () => {
    const a = analyzeGraph(chain([4, 4, 1], [['flat', 'Flatten'], ['inc', 'Inception']], { noOutput: true }));
    expect(nodeResult(a, 'inc').messages[0]).toContain('Inception needs a feature map');
  });
});

describe('Residual', () => {
  it('basic_identity_block', () => {
    // Two 3x3 convs 64→64 without bias (2·36,864) + 2 BatchNorms (2·256, half trainable).
    expect(single([56, 56, 64], 'Residual', { variant: 'basic', filters: 64 })).toMatchObject({ shape: [56, 56, 64], params: 74240, trainable: 73984 });
  });
  it('basic_block_with_stride_adds_a_projection', () => {
    // 3x3 64→128 (73,728) + 3x3 128→128 (147,456) + 1x1 projection 64→128 (8,192) + 3 BatchNorms.
    const r = single([56, 56, 64], 'Residual', { variant: 'basic', filters: 128, strides: 2 });
    expect(r.shape).toEqual([28, 28, 128]);
    expect(r.trainable).toBe(73728 + 147456 + 8192 + 3 * 256);
  });
  it('bottleneck_widens_by_four_and_projects', () => {
    // torchvision layer1[0] of ResNet-50: 1x1 64→64, 3x3 64→64, 1x1 64→256, projection 64→256.
    const r = single([56, 56, 64], 'Residual', { variant: 'bottleneck', filters: 64 });
    expect(r.shape).toEqual([56, 56, 256]);
    expect(r.trainable).toBe(4096 + 36864 + 16384 + 16384 + 2 * (64 + 64 + 256 + 256));
  });
  it('add_takes_the_main_path_first_then_the_shortcut', () => {
    const a = analyzeGraph(chain([8, 8, 4], [['res', 'Residual', { filters: 8, strides: 2 }], ['gap', 'GlobalAvgPool']]));
    const add = a.flat!.nodes.find((n) => n.id === 'res.add')!;
    expect(add.inputs).toEqual(['res.conv2_bn', 'res.proj_bn']);
    const identity = analyzeGraph(chain([8, 8, 8], [['res', 'Residual', { filters: 8 }], ['gap', 'GlobalAvgPool']]));
    expect(identity.flat!.nodes.find((n) => n.id === 'res.add')!.inputs).toEqual(['res.conv2_bn', 'widen']);
  });
  it('odd_map_with_stride_2', () => expect(single([7, 7, 512], 'Residual', { filters: 512, strides: 2 }).shape).toEqual([4, 4, 512]));
});

describe('Group (custom block)', () => {
  const graph = {
    nodes: [
      { id: 'conv', kind: 'Conv2D', params: { filters: 4, kernelSize: 3, padding: 'same' } },
      { id: 'pool', kind: 'MaxPool2D', params: {} },
    ],
    edges: [
      { from: '$input', to: 'conv' },
      { from: 'conv', to: 'pool' },
    ],
    output: 'pool',
  };
  it('infers_through_its_layers', () => {
    expect(single([8, 8, 1], 'Group', { name: 'ConvPool', graph })).toMatchObject({ shape: [4, 4, 4], params: 40 });
  });
  it('nested_groups_expand', () => {
    const outer = { nodes: [{ id: 'inner', kind: 'Group', params: { name: 'ConvPool', graph } }], edges: [{ from: '$input', to: 'inner' }], output: 'inner' };
    const a = analyzeGraph(chain([8, 8, 1], [['g', 'Group', { name: 'Outer', graph: outer }], ['flat', 'Flatten']]));
    expect(a.flat!.nodes.map((n) => n.id)).toContain('g.inner.conv');
  });
  it('an_error_inside_names_the_inner_layer', () => {
    const bad = { ...graph, nodes: [{ id: 'conv', kind: 'Conv2D', params: { filters: 4, kernelSize: 9 } }, graph.nodes[1]!] };
    const r = single([8, 8, 1], 'Group', { name: 'Bad', graph: bad });
    expect(r.messages[0]).toContain('Group layer, inner layer conv: The 9x9 kernel is larger than the 8x8 input');
  });
  it('empty_group_is_an_error', () => {
    expect(single([8, 8, 1], 'Group', { name: 'Empty' }).messages[0]).toContain('The block "Empty" is empty');
  });
  it('a_group_that_contains_itself_is_refused', () => {
    // Build a chain of 20 nested groups.
    let g: unknown = graph;
    for (let i = 0; i < 20; i++) g = { nodes: [{ id: 'n', kind: 'Group', params: { name: `G${i}`, graph: g } }], edges: [{ from: '$input', to: 'n' }], output: 'n' };
    expect(single([8, 8, 1], 'Group', { name: 'Deep', graph: g }).messages[0]).toContain('nested more than 16 deep');
  });
});
