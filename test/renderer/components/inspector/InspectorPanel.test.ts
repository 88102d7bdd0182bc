// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import InspectorPanel from '../../../../src/renderer/src/components/inspector/InspectorPanel.vue';
import { useHistoryStore } from '../../../../src/renderer/src/stores/history-store';
import { useSelectionStore } from '../../../../src/renderer/src/stores/selection-store';
import { useUiStore } from '../../../../src/renderer/src/stores/ui-store';
import { buildTemplate } from '../../../../src/shared/templates';
import { shapeOf, smallNet, storeWith } from '../../support/project-fixtures';

function inspect(id: string, graph = smallNet()) {
  const project = storeWith(graph);
  useSelectionStore().select([id]);
  const wrapper = mount(InspectorPanel, { attachTo: document.body });
  return { project, wrapper };
}

const field = (wrapper: ReturnType<typeof mount>, key: string) => wrapper.find(`[data-param="${key}"]`);

describe('the inspector', () => {
  it('draws_typed_controls_from_the_declaration', () => {
    const { wrapper } = inspect('conv1');
    expect(wrapper.find('h3').text()).toBe('Conv2D');
    const filters = field(wrapper, 'filters').find('input');
    expect(filters.attributes('type')).toBe('number');
    expect(filters.attributes('min')).toBe('1');
    expect(filters.attributes('max')).toBe('8192');
    expect(filters.attributes('step')).toBe('1');
    expect((filters.element as HTMLInputElement).value).toBe('8');
    const activation = field(wrapper, 'activation').find('select');
    expect(activation.findAll('option').map((o) => o.text())).toEqual(['relu', 'relu6', 'leaky-relu', 'elu', 'sigmoid', 'tanh', 'softmax', 'linear']);
    expect((activation.element as HTMLSelectElement).value).toBe('relu');
    expect(field(wrapper, 'trainable').find('input').attributes('type')).toBe('checkbox');
    expect(field(wrapper, 'padding').find('select').findAll('option').map((o) => o.attributes('value'))).toEqual(['valid', 'same', 'number']);
    expect(field(wrapper, 'dilation').exists()).toBe(false);
    expect(field(wrapper, 'filterValues').exists()).toBe(false);
    expect(wrapper.find('[data-testid="explain-card"]').text()).toContain('out = floor((H − n + P) / s) + 1');
    expect(wrapper.find('[data-testid="explain-card"]').text()).toContain('Input 28x28x1 → output 26x26x8; 80 parameters (80 trainable).');
  });

  it('shows_advanced_parameters_on_request', async () => {
    const { wrapper } = inspect('conv1');
    await wrapper.find('[data-testid="toggle-advanced"]').trigger('click');
    const dilation = field(wrapper, 'dilation').find('input');
    expect(dilation.attributes('max')).toBe('64');
    const rate = inspect('conv1');
    expect(rate.wrapper.find('[data-param="useBias"]').exists()).toBe(false);
  });

  it('validates_as_you_type_with_the_zod_message_and_updates_shapes_downstream_live', async () => {
    const { project, wrapper } = inspect('conv1');
    const input = field(wrapper, 'kernelSize').find('input');
    await input.setValue('0');
    expect(wrapper.find('[data-testid="param-problem"]').text()).toBe('Kernel size (n) must be at least 1');
    expect(input.classes()).toContain('invalid');
    expect(shapeOf(project, 'conv1')).toBe('26x26x8');
    await input.setValue('2.5');
    expect(wrapper.find('[data-testid="param-problem"]').text()).toBe('Kernel size (n) must be a whole number from 1 to 64');
    await input.setValue('');
    expect(wrapper.find('[data-testid="param-problem"]').text()).toBe('Kernel size (n) must be a whole number from 1 to 64');
    await input.setValue('5');
    expect(wrapper.find('[data-testid="param-problem"]').exists()).toBe(false);
    expect(shapeOf(project, 'conv1')).toBe('24x24x8');
    expect(shapeOf(project, 'pool1')).toBe('12x12x8');
    expect(shapeOf(project, 'flatten')).toBe('1152');
    expect(wrapper.find('[data-testid="explain-card"]').text()).toContain('output 24x24x8');
    await input.setValue('50');
    expect(wrapper.find('[data-testid="inspector-issues"]').text()).toBe(
      'Conv2D conv1: The 50x50 kernel is larger than the 28x28 input. Use padding, a smaller kernel, or remove a pooling layer before this one.',
    );
  });

  it('typing_is_one_undo_step_and_undo_updates_the_field', async () => {
    const { project, wrapper } = inspect('conv1');
    const input = field(wrapper, 'filters').find('input');
    await input.setValue('1');
    await input.setValue('16');
    await input.trigger('blur');
    expect(useHistoryStore().past).toHaveLength(1);
    project.undo();
    await flushPromises();
    expect((field(wrapper, 'filters').find('input').element as HTMLInputElement).value).toBe('8');
  });

  it('edits_selects_booleans_and_padding', async () => {
    const { project, wrapper } = inspect('conv1');
    await field(wrapper, 'activation').find('select').setValue('tanh');
    await field(wrapper, 'trainable').find('input').setValue(false);
    await field(wrapper, 'padding').find('select').setValue('same');
    expect(project.graph.nodes[1]!.params).toMatchObject({ activation: 'tanh', trainable: false, padding: 'same' });
    expect(shapeOf(project, 'conv1')).toBe('28x28x8');
    await field(wrapper, 'padding').find('select').setValue('number');
    const zeros = wrapper.find('[data-testid="padding-zeros"]');
    await zeros.setValue('2');
    expect(project.graph.nodes[1]!.params.padding).toBe(2);
    expect(shapeOf(project, 'conv1')).toBe('30x30x8');
    await zeros.setValue('-1');
    expect(field(wrapper, 'padding').find('[data-testid="param-problem"]').text()).toBe('Padding must be at least 0');
  });

  it('renames_the_layer_after_checking_the_id', async () => {
    const { project, wrapper } = inspect('conv1');
    const id = wrapper.find('[data-testid="node-id-input"]');
    await id.setValue('pool1');
    expect(wrapper.find('[data-testid="node-id-problem"]').text()).toBe('Another layer already has the id "pool1".');
    await id.setValue('9lives');
    expect(wrapper.find('[data-testid="node-id-problem"]').text()).toMatch(/is not a valid id/);
    await id.setValue('features');
    expect(wrapper.find('[data-testid="node-id-problem"]').exists()).toBe(false);
    await id.trigger('keydown', { key: 'Enter' });
    expect(project.graph.nodes[1]!.id).toBe('features');
    expect(wrapper.find('[data-testid="node-id-input"]').exists()).toBe(true);
  });

  it('edits_fixed_filter_values_in_a_grid_sized_from_the_layer', async () => {
    const { project, wrapper } = inspect('conv1');
    project.setParams('conv1', { filters: 2, kernelSize: 3 }, 'test');
    await wrapper.find('[data-testid="toggle-advanced"]').trigger('click');
    await wrapper.find('[data-testid="filter-values-start"]').trigger('click');
    const values = project.graph.nodes[1]!.params.filterValues as number[][][][];
    expect(values).toEqual([
      [[[0, 0, 0], [0, 0, 0], [0, 0, 0]]],
      [[[0, 0, 0], [0, 0, 0], [0, 0, 0]]],
    ]);
    const cells = wrapper.findAll('[data-testid="filter-cell"]');
    expect(cells).toHaveLength(9);
    await cells[4]!.setValue('1.5');
    expect((project.graph.nodes[1]!.params.filterValues as number[][][][])[0]![0]![1]).toEqual([0, 1.5, 0]);
    await wrapper.find('[data-testid="filter-pick"]').setValue('1');
    await wrapper.findAll('[data-testid="filter-cell"]')[0]!.setValue('-1');
    expect((project.graph.nodes[1]!.params.filterValues as number[][][][])[1]![0]![0]).toEqual([-1, 0, 0]);
    await wrapper.findAll('[data-testid="filter-cell"]')[1]!.setValue('x');
    expect(wrapper.find('.filter-values .problem').text()).toBe('A cell must hold a finite number; that cell is not saved.');
    project.setParam('conv1', 'filters', 3);
    await flushPromises();
    expect(wrapper.find('[data-testid="filter-values-resize"]').exists()).toBe(true);
    expect(project.analysis.nodes[1]!.issues[0]!.message).toMatch(/typed filter values do not fit/);
    await wrapper.find('[data-testid="filter-values-resize"]').trigger('click');
    expect((project.graph.nodes[1]!.params.filterValues as unknown[]).length).toBe(3);
    expect(project.errorCount).toBe(0);
  });

  it('picks_presets_and_sets_the_filters_they_need', async () => {
    const { project, wrapper } = inspect('conv1');
    await wrapper.find('[data-testid="toggle-advanced"]').trigger('click');
    const sobel = wrapper.find('[data-testid="preset-param"]').findAll('button').find((b) => b.text() === 'Sobel pair')!;
    await sobel.trigger('click');
    expect(project.graph.nodes[1]!.params).toMatchObject({ filterPreset: ['sobel-vertical', 'sobel-horizontal'], filters: 2, kernelSize: 3 });
    expect(shapeOf(project, 'conv1')).toBe('26x26x2');
    expect(project.errorCount).toBe(0);
  });

  it('shows_a_blocks_actions_and_a_merges_input_order', async () => {
    const resnet = inspect('layer1_1', buildTemplate('resnet-small'));
    await resnet.wrapper.find('[data-testid="inspector-open-block"]').trigger('click');
    expect(useUiStore().blockPath).toEqual(['layer1_1']);
    const graph = smallNet();
    graph.nodes.push({ id: 'add1', kind: 'Add', params: {} });
    graph.edges.push({ from: 'conv1', to: 'add1' }, { from: 'pool1', to: 'add1' });
    const merge = inspect('add1', graph);
    expect(merge.wrapper.find('[data-testid="merge-inputs"]').findAll('li').map((li) => li.find('.mono').text())).toEqual(['conv1', 'pool1']);
    await merge.wrapper.find('[aria-label="Move pool1 earlier"]').trigger('click');
    expect(merge.project.graph.edges.filter((e) => e.to === 'add1').map((e) => e.from)).toEqual(['pool1', 'conv1']);
  });

  it('offers_grouping_for_several_layers_and_a_summary_for_none', async () => {
    const { project, wrapper } = inspect('conv1');
    useSelectionStore().select(['conv1', 'pool1']);
    await flushPromises();
    expect(wrapper.find('h3').text()).toBe('2 layers selected');
    await wrapper.find('[data-testid="group-selection"]').trigger('click');
    expect(useUiStore().dialog).toBe('group');
    useSelectionStore().clear();
    await flushPromises();
    expect(wrapper.text()).toContain(`6 layers, ${project.analysis.totals.total.toLocaleString('en-US')} parameters`);
  });

  it('adds_a_group_pasted_from_elsewhere_to_this_projects_palette', async () => {
    const graph = smallNet();
    graph.nodes.push({ id: 'block1', kind: 'Group', params: { name: 'Head', graph: { nodes: [{ id: 'd', kind: 'Dense', params: { units: 4 } }], edges: [{ from: '$input', to: 'd' }], output: 'd' } } });
    const { project, wrapper } = inspect('block1', graph);
    expect(wrapper.find('h3').text()).toBe('Group');
    await wrapper.find('[data-testid="inspector-add-to-palette"]').trigger('click');
    expect(project.customBlocks.map((b) => b.name)).toEqual(['Head']);
    expect(wrapper.find('[data-testid="inspector-add-to-palette"]').exists()).toBe(false);
  });
});
