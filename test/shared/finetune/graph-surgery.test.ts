import { describe, expect, it } from 'vitest';
import { freezeUntil, replaceHead } from '../../../src/shared/finetune/graph-surgery';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../src/shared/templates';

describe('replace head', () => {
  it('by_default_replaces_only_the_classifier_of_a_network_that_ends_in_a_vector', () => {
    const r = replaceHead(buildTemplate('resnet18', { classes: 1000 }), { classes: 4 });
    expect(r).toMatchObject({ cutAfter: 'avgpool', head: ['head'], removed: ['output'] });
    const a = analyzeGraph(r.graph);
    expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
    // ResNet-18 without its 513,000-weight classifier, plus 512·4 + 4 for the new one.
    expect(a.totals.trainable).toBe(11_689_512 - 513_000 + 2_052);
  });

  it('cutting_after_a_map_adds_global_average_pooling', () => {
    const r = replaceHead(buildTemplate('vgg-small'), { classes: 3, cutAfter: 'pool2' });
    expect(r.head).toEqual(['head_pool', 'head']);
    const a = analyzeGraph(r.graph);
    expect(a.flat!.nodes.map((n) => n.kind).slice(-2)).toEqual(['GlobalAvgPool', 'Output']);
    expect(r.removed).toContain('output');
    expect(r.graph.nodes.every((n) => r.removed.indexOf(n.id) < 0)).toBe(true);
  });

  it('keeps_only_what_the_cut_node_depends_on_and_the_loss', () => {
    const source = buildTemplate('googlenet-small');
    source.nodes.find((n) => n.kind === 'Output')!.params.loss = 'mean-squared-error';
    const cut = source.nodes.find((n) => n.kind === 'Inception')!.id;
    const r = replaceHead(source, { classes: 2, cutAfter: cut });
    expect(r.graph.nodes.map((n) => n.id)).not.toContain('output');
    expect(r.graph.nodes.at(-1)!.params).toEqual({ classes: 2, loss: 'mean-squared-error' });
    expect(r.graph.edges.every((e) => r.graph.nodes.some((n) => n.id === e.from) && r.graph.nodes.some((n) => n.id === e.to))).toBe(true);
  });

  it('names_a_layer_that_is_not_there_or_cannot_be_cut', () => {
    const graph = buildTemplate('lenet5');
    expect(() => replaceHead(graph, { classes: 2, cutAfter: 'c9' })).toThrow(/The network has no layer "c9" \(--cut-after\)/);
    expect(() => replaceHead(graph, { classes: 2, cutAfter: 'output' })).toThrow('output is the Output; the head replaces it.');
    expect(() => replaceHead(graph, { classes: 2, cutAfter: 'input' })).toThrow(/keeps no layer/);
    expect(() => replaceHead(buildTemplate('resnet-small'), { classes: 2, cutAfter: 'layer1_1.conv1' })).toThrow(/is a layer inside the block layer1_1; name the block itself/);
  });
});

describe('freeze until', () => {
  it('freezes_the_node_and_everything_before_it_blocks_included', () => {
    const { graph, frozen } = freezeUntil(buildTemplate('resnet-small'), 'layer2_1');
    expect(frozen).toEqual(['conv1', 'bn1', 'layer1_1', 'layer2_1']);
    const a = analyzeGraph(graph);
    // Everything frozen counts as non-trainable: what trains is layer3_1 and the Output.
    const trainable = a.nodes.filter((n) => n.params.trainable > 0).map((n) => n.id);
    expect(trainable).toEqual(['layer3_1', 'output']);
    expect(a.totals.total).toBe(analyzeGraph(buildTemplate('resnet-small')).totals.total);
  });

  it('freezes_the_layers_inside_a_custom_block', () => {
    const graph = buildTemplate('lenet5');
    const group = {
      id: 'block',
      kind: 'Group',
      params: { name: 'B', graph: { nodes: [{ id: 'c', kind: 'Conv2D', params: { filters: 2, kernelSize: 1 } }], edges: [{ from: '$input', to: 'c' }], output: 'c' } },
    };
    const withGroup = { nodes: [...graph.nodes, group], edges: [...graph.edges.filter((e) => e.from !== 'c1'), { from: 'c1', to: 'block' }, ...graph.edges.filter((e) => e.from === 'c1').map((e) => ({ from: 'block', to: e.to }))] };
    const { graph: frozenGraph } = freezeUntil(withGroup, 'block');
    const inner = (frozenGraph.nodes.find((n) => n.id === 'block')!.params.graph as { nodes: { params: Record<string, unknown> }[] }).nodes[0]!;
    expect(inner.params.trainable).toBe(false);
    expect(analyzeGraph(frozenGraph).nodes.find((n) => n.id === 'block')!.params.trainable).toBe(0);
  });
});
