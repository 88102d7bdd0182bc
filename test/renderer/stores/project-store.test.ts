// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useHistoryStore, COALESCE_MS } from '../../../src/renderer/src/stores/history-store';
import { useSelectionStore } from '../../../src/renderer/src/stores/selection-store';
import { shapeOf, smallNet, storeWith } from '../support/project-fixtures';

afterEach(() => {
  vi.useRealTimers();
});

describe('editing the graph', () => {
  it('adds_a_layer_with_a_readable_id_and_selects_it', () => {
    const project = storeWith();
    const id = project.addLayer('Conv2D', { x: 10.4, y: 20.6 });
    expect(id).toBe('conv2');
    expect(project.graph.nodes.at(-1)).toEqual({ id: 'conv2', kind: 'Conv2D', params: {}, position: { x: 10, y: 21 } });
    expect(useSelectionStore().nodeIds).toEqual(['conv2']);
    expect(project.dirty).toBe(true);
  });

  it('refuses_connections_with_a_sentence', () => {
    const project = storeWith();
    expect(project.connect('output', 'dense1')).toBe('The Output output is the last layer; nothing can follow it.');
    expect(project.connect('conv1', 'input')).toBe('Nothing can flow into the Input input; it is where the image enters the network.');
    expect(project.connect('pool1', 'conv1')).toBe(
      'Conv2D conv1 takes one input and already receives input. Delete that connection first, or join the branches with an Add or Concatenate layer.',
    );
    expect(project.connect('conv1', 'pool1')).toBe('conv1 already feeds pool1.');
    const add = project.addLayer('Add', { x: 0, y: 0 });
    expect(project.connect('pool1', add)).toBeNull();
    expect(project.connect(add, 'conv1')).toMatch(/^Conv2D conv1 takes one input/);
    const bn = project.addLayer('BatchNorm', { x: 0, y: 0 });
    expect(project.connect(add, bn)).toBeNull();
    expect(project.connect(bn, add)).toBe(
      `Connecting ${bn} → ${add} would close a cycle (${add} already leads to ${bn}); data must flow one way from the Input to the Output.`,
    );
    expect(project.connect('conv1', 'conv1')).toBe('Layer conv1 cannot feed itself.');
  });

  it('updates_downstream_shapes_when_a_parameter_changes', () => {
    const project = storeWith();
    expect(shapeOf(project, 'conv1')).toBe('26x26x8');
    expect(shapeOf(project, 'flatten')).toBe('1352');
    expect(project.setParam('conv1', 'kernelSize', 5)).toBeNull();
    expect(shapeOf(project, 'conv1')).toBe('24x24x8');
    expect(shapeOf(project, 'pool1')).toBe('12x12x8');
    expect(shapeOf(project, 'flatten')).toBe('1152');
    expect(project.analysis.edgeShapes['flatten->dense1']).toEqual([1152]);
  });

  it('refuses_an_invalid_parameter_with_the_declarations_message_and_keeps_the_graph', () => {
    const project = storeWith();
    const before = project.graph;
    expect(project.setParam('conv1', 'filters', 0)).toBe('must be at least 1');
    expect(project.setParam('conv1', 'filters', 2.5)).toBe('must be a whole number from 1 to 8192');
    expect(project.setParam('conv1', 'filters', 'abc')).toBe('must be a whole number from 1 to 8192');
    expect(project.setParam('conv1', 'activation', 'swish')).toBe('must be one of relu, relu6, leaky-relu, elu, sigmoid, tanh, softmax, linear');
    expect(project.graph).toBe(before);
    expect(project.dirty).toBe(false);
  });

  it('flags_a_shape_error_on_the_layer_at_fault', () => {
    const project = storeWith();
    project.deleteElements(['flatten']);
    project.connect('pool1', 'dense1');
    const dense = project.analysis.nodes.find((n) => n.id === 'dense1')!;
    expect(dense.issues.map((i) => i.message)).toEqual(['Dense dense1: Dense needs a vector but receives a 13x13x8 feature map.']);
    expect(project.errorCount).toBe(1);
  });

  it('renames_a_layer_with_its_connections_after_checking_the_id', () => {
    const project = storeWith();
    useSelectionStore().select(['conv1']);
    expect(project.renameLayer('conv1', 'pool1')).toBe('Another layer already has the id "pool1".');
    expect(project.renameLayer('conv1', '1conv')).toMatch(/^"1conv" is not a valid id/);
    expect(project.renameLayer('conv1', 'features')).toBeNull();
    expect(project.graph.edges.slice(0, 2)).toEqual([
      { from: 'input', to: 'features' },
      { from: 'features', to: 'pool1' },
    ]);
    expect(useSelectionStore().nodeIds).toEqual(['features']);
  });

  it('deletes_layers_with_their_connections_and_lone_connections', () => {
    const project = storeWith();
    project.deleteElements(['pool1'], ['dense1->output']);
    expect(project.graph.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'flatten', 'dense1', 'output']);
    expect(project.graph.edges).toEqual([
      { from: 'input', to: 'conv1' },
      { from: 'flatten', to: 'dense1' },
    ]);
  });

  it('keeps_and_reorders_the_input_order_of_a_merge', () => {
    const project = storeWith();
    const concat = project.addLayer('Concatenate', { x: 0, y: 0 });
    const branch = project.addLayer('Conv2D', { x: 0, y: 0 }, { filters: 4, kernelSize: 1 });
    project.connect('pool1', branch);
    project.connect('pool1', concat);
    project.connect(branch, concat);
    const inputs = () => project.graph.edges.filter((e) => e.to === concat).map((e) => e.from);
    expect(inputs()).toEqual(['pool1', branch]);
    project.moveInput(concat, branch, -1);
    expect(inputs()).toEqual([branch, 'pool1']);
    expect(shapeOf(project, concat)).toBe('13x13x12');
  });

  it('lays_out_left_to_right', () => {
    const graph = smallNet();
    graph.nodes.forEach((n) => (n.position = { x: 0, y: 0 }));
    const project = storeWith(graph);
    project.autoLayout();
    const xs = project.graph.nodes.map((n) => n.position!.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(xs.length);
  });
});

describe('undo and redo', () => {
  it('undoes_and_redoes_every_edit_and_knows_the_saved_state', () => {
    const project = storeWith();
    const original = project.graph;
    project.addLayer('Dropout', { x: 0, y: 0 });
    project.connect('dense1', 'dropout1');
    project.setParam('dropout1', 'rate', 0.25);
    expect(project.dirty).toBe(true);
    expect(project.undo()).toBe(true);
    expect(project.graph.nodes.at(-1)!.params).toEqual({});
    expect(project.undo()).toBe(true);
    expect(project.undo()).toBe(true);
    expect(project.graph).toBe(original);
    expect(project.dirty).toBe(false);
    expect(project.undo()).toBe(false);
    expect(project.redo()).toBe(true);
    expect(project.redo()).toBe(true);
    expect(project.redo()).toBe(true);
    expect(project.graph.nodes.at(-1)!.params).toEqual({ rate: 0.25 });
    expect(project.graph.edges.at(-1)).toEqual({ from: 'dense1', to: 'dropout1' });
    expect(project.redo()).toBe(false);
  });

  it('a_new_edit_after_undo_drops_the_redo_steps', () => {
    const project = storeWith();
    project.addLayer('Dropout', { x: 0, y: 0 });
    project.undo();
    project.addLayer('BatchNorm', { x: 0, y: 0 });
    expect(useHistoryStore().canRedo).toBe(false);
    expect(project.graph.nodes.at(-1)!.kind).toBe('BatchNorm');
  });

  it('coalesces_typing_in_one_field_into_one_step', () => {
    vi.useFakeTimers();
    const project = storeWith();
    project.setParam('conv1', 'filters', 1);
    vi.advanceTimersByTime(300);
    project.setParam('conv1', 'filters', 16);
    vi.advanceTimersByTime(300);
    project.setParam('conv1', 'filters', 160);
    project.setParam('conv1', 'kernelSize', 5);
    expect(useHistoryStore().past).toHaveLength(2);
    project.undo();
    expect(project.graph.nodes[1]!.params).toEqual({ filters: 160, kernelSize: 3 });
    project.undo();
    expect(project.graph.nodes[1]!.params).toEqual({ filters: 8, kernelSize: 3 });
  });

  it('starts_a_new_step_after_a_pause_or_when_the_field_is_left', () => {
    vi.useFakeTimers();
    const project = storeWith();
    project.setParam('conv1', 'filters', 9);
    vi.advanceTimersByTime(COALESCE_MS + 1);
    project.setParam('conv1', 'filters', 10);
    useHistoryStore().seal();
    project.setParam('conv1', 'filters', 11);
    expect(useHistoryStore().past).toHaveLength(3);
  });

  it('a_drag_is_one_step_and_a_drop_in_place_is_none', () => {
    const project = storeWith();
    project.moveLayers(new Map([['conv1', { x: 284, y: 0 }]]));
    expect(useHistoryStore().past).toHaveLength(0);
    project.moveLayers(
      new Map([
        ['conv1', { x: 240, y: 40 }],
        ['pool1', { x: 460, y: 40 }],
      ]),
    );
    expect(useHistoryStore().undoLabel).toBe('Move 2 layers');
    project.undo();
    expect(project.graph.nodes[1]!.position).toEqual({ x: 284, y: 0 });
  });

  it('undo_prunes_the_selection_of_layers_that_no_longer_exist', () => {
    const project = storeWith();
    project.addLayer('Dropout', { x: 0, y: 0 });
    expect(useSelectionStore().nodeIds).toEqual(['dropout1']);
    project.undo();
    expect(useSelectionStore().nodeIds).toEqual([]);
  });
});
