import { describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../src/shared/graph/model-graph';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { issueSentence } from '../../../src/shared/shapes/issues';
import { buildTemplate } from '../../../src/shared/templates';
import { chain } from '../../support/graph-fixtures';

const messages = (graph: ModelGraph, code?: string) =>
  analyzeGraph(graph)
    .issues.filter((i) => !code || i.code === code)
    .map((i) => ({ node: i.nodeId ?? null, severity: i.severity, text: issueSentence(i) }));

const lenet = () => buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 } });

describe('graph errors, each a sentence on the node at fault', () => {
  it('a_valid_graph_has_no_issues_and_a_flat_graph', () => {
    const a = analyzeGraph(lenet());
    expect(a.issues).toEqual([]);
    expect(a.flat!.inputId).toBe('input');
    expect(a.flat!.outputId).toBe('output');
    expect(a.flat!.nodes.map((n) => n.id)).toEqual(['input', 'c1', 's2', 'c3', 's4', 'c5', 'flatten', 'f6', 'output']);
  });

  it('cycle', () => {
    const g = lenet();
    g.edges.push({ from: 'c3', to: 'c1' });
    const cycle = messages(g, 'cycle');
    expect(cycle.map((m) => m.node).sort()).toEqual(['c1', 'c3', 's2']);
    expect(cycle[0]!.text).toMatch(/is on a cycle \((c1|s2|c3) → .* → .*\); data must flow one way from the Input to the Output\. Remove one of these connections\./);
    expect(analyzeGraph(g).flat).toBeNull();
  });

  it('self_loop_is_a_cycle', () => {
    const g = lenet();
    g.edges.push({ from: 'f6', to: 'f6' });
    expect(messages(g, 'cycle')[0]!.node).toBe('f6');
  });

  it('unconnected_input', () => {
    const g = lenet();
    g.edges = g.edges.filter((e) => e.to !== 'c3');
    const m = messages(g, 'unconnected-input');
    expect(m).toContainEqual({ node: 'c3', severity: 'error', text: 'Layer c3 (Conv2D) has no input. Connect a layer into it.' });
  });

  it('two_inputs_into_a_single_input_layer', () => {
    const g = lenet();
    g.edges.push({ from: 'c1', to: 'c3' });
    expect(messages(g, 'too-many-inputs')[0]!.text).toBe(
      'Layer c3 (Conv2D) takes one input but 2 are connected. Remove connections, or join the branches with an Add or Concatenate first.',
    );
  });

  it('second_input', () => {
    const g = lenet();
    g.nodes.push({ id: 'input2', kind: 'Input', params: {} });
    expect(messages(g, 'second-input')).toEqual([
      { node: 'input2', severity: 'error', text: 'Layer input2 is a second Input; a network here has exactly one Input (input). Delete it or connect its layers to the first Input.' },
    ]);
  });

  it('connection_into_an_input', () => {
    const g = lenet();
    g.edges.push({ from: 'c1', to: 'input' });
    expect(messages(g).some((m) => m.node === 'input')).toBe(true);
  });

  it('missing_output', () => {
    const g = lenet();
    g.nodes = g.nodes.filter((n) => n.id !== 'output');
    g.edges = g.edges.filter((e) => e.to !== 'output');
    expect(messages(g, 'no-output')).toEqual([
      { node: null, severity: 'error', text: 'The network has no Output layer. Add an Output after the last layer (a Dense layer with one unit per class and softmax).' },
    ]);
  });

  it('missing_input', () => {
    const g = lenet();
    g.nodes = g.nodes.filter((n) => n.id !== 'input');
    g.edges = g.edges.filter((e) => e.from !== 'input');
    expect(messages(g, 'no-input')[0]!.text).toContain('The network has no Input layer.');
  });

  it('output_with_consumers', () => {
    const g = lenet();
    g.nodes.push({ id: 'extra', kind: 'Dense', params: { units: 3 } });
    g.edges.push({ from: 'output', to: 'extra' });
    expect(messages(g, 'output-has-consumers')[0]!.text).toContain('The Output output feeds extra, but the Output must be the last layer.');
  });

  it('non_positive_feature_map_names_the_sizes_and_the_fix', () => {
    const g = buildTemplate('lenet5', { input: { height: 20, width: 20, channels: 1 } });
    const m = messages(g, 'shape');
    expect(m).toEqual([
      {
        node: 'c5',
        severity: 'error',
        text: 'Conv2D c5: The 5x5 kernel is larger than the 3x3 input. Use padding, a smaller kernel, or remove a pooling layer before this one.',
      },
    ]);
  });

  it('errors_upstream_are_not_repeated_downstream', () => {
    const g = buildTemplate('lenet5', { input: { height: 20, width: 20, channels: 1 } });
    expect(analyzeGraph(g).issues.filter((i) => i.severity === 'error')).toHaveLength(1);
    expect(analyzeGraph(g).nodes.find((n) => n.id === 'f6')!.outputShape).toBeNull();
  });

  it('add_of_different_shapes', () => {
    const g = chain([8, 8, 3], [['a', 'Conv2D', { filters: 4, kernelSize: 3 }]], { noOutput: true });
    g.nodes.push({ id: 'add', kind: 'Add', params: {} });
    g.edges.push({ from: 'a', to: 'add' }, { from: 'input', to: 'add' });
    expect(messages(g, 'shape')[0]!.text).toContain('Add needs inputs of one shape but receives 6x6x4 and 8x8x3');
  });

  it('concatenate_of_different_spatial_sizes', () => {
    const g = chain([8, 8, 3], [['a', 'Conv2D', { filters: 4, kernelSize: 3 }]], { noOutput: true });
    g.nodes.push({ id: 'cat', kind: 'Concatenate', params: {} });
    g.edges.push({ from: 'a', to: 'cat' }, { from: 'input', to: 'cat' });
    expect(messages(g, 'shape')[0]!.text).toContain('Concatenate needs feature maps of one height and width');
  });

  it('dense_on_a_4d_tensor', () => {
    const g = chain([8, 8, 3], [['fc', 'Dense', { units: 4 }]]);
    expect(messages(g, 'shape')[0]).toEqual({
      node: 'fc',
      severity: 'error',
      text: 'Dense fc: Dense needs a vector but receives a 8x8x3 feature map. Add a Flatten or GlobalAvgPool layer before it.',
    });
  });

  it('unknown_kind_and_bad_ids', () => {
    const g = lenet();
    g.nodes.push({ id: '9lives', kind: 'Conv3D', params: {} });
    const m = messages(g);
    expect(m).toContainEqual(expect.objectContaining({ node: '9lives', text: expect.stringContaining('The layer id "9lives" is not allowed.') }));
    expect(m).toContainEqual(expect.objectContaining({ node: '9lives', text: expect.stringContaining('has the unknown kind "Conv3D"') }));
  });

  it('duplicate_ids', () => {
    const g = lenet();
    g.nodes.push({ id: 'c1', kind: 'Dense', params: {} });
    expect(messages(g, 'duplicate-id')[0]!.text).toBe('Two layers have the id "c1". Rename one of them.');
  });

  it('edge_to_a_missing_node', () => {
    const g = lenet();
    g.edges.push({ from: 'f6', to: 'ghost' });
    expect(messages(g, 'unknown-node')[0]!.text).toContain('A connection f6 → ghost refers to the missing layer ghost.');
  });

  it('disconnected_layer_is_a_warning_and_not_compiled', () => {
    const g = lenet();
    g.nodes.push({ id: 'stray', kind: 'Conv2D', params: { filters: 2 } });
    g.edges.push({ from: 's2', to: 'stray' });
    const a = analyzeGraph(g);
    expect(a.issues).toEqual([
      expect.objectContaining({ severity: 'warning', nodeId: 'stray', message: 'Layer stray does not lead to the Output output, so it is neither trained nor exported.' }),
    ]);
    expect(a.flat!.nodes.map((n) => n.id)).not.toContain('stray');
  });

  it('bad_parameter_values_name_the_parameter', () => {
    const g = lenet();
    g.nodes.find((n) => n.id === 'c1')!.params.kernelSize = 2.5;
    expect(messages(g, 'invalid-params')[0]!.text).toBe('Conv2D c1: kernelSize must be a whole number from 1 to 64. Correct it in the inspector.');
  });

  it('edge_shapes_are_reported_for_edge_labels', () => {
    const a = analyzeGraph(lenet());
    expect(a.edgeShapes['c1->s2']).toEqual([28, 28, 6]);
    expect(a.edgeShapes['flatten->f6']).toEqual([120]);
  });

  it('never_throws_on_garbage_params', () => {
    const g = lenet();
    g.nodes[1]!.params = { filters: { nested: [1, 2] }, kernelSize: null } as unknown as Record<string, unknown>;
    expect(() => analyzeGraph(g)).not.toThrow();
  });
});
