// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { layerNodeData } from '../../../../src/renderer/src/canvas/flow-elements';
import type { LayerNodeData } from '../../../../src/renderer/src/canvas/flow-elements';
import LayerNode from '../../../../src/renderer/src/components/canvas/LayerNode.vue';
import { useUiStore } from '../../../../src/renderer/src/stores/ui-store';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';
import { buildTemplate } from '../../../../src/shared/templates';
import { smallNet } from '../../support/project-fixtures';

beforeEach(() => setActivePinia(createPinia()));

/** Renders a node of a graph the way the canvas does, with Vue Flow's handles stubbed. */
function render(graph: ReturnType<typeof smallNet>, id: string, options: { readonly?: boolean } = {}) {
  const node = graph.nodes.find((n) => n.id === id)!;
  const report = analyzeGraph(graph).nodes.find((n) => n.id === id);
  const data: LayerNodeData = layerNodeData(node, report, options.readonly);
  return mount(LayerNode, {
    props: { id, type: 'layer', selected: false, connectable: true, dragging: false, resizing: false, zIndex: 0, events: {}, position: { x: 0, y: 0 }, dimensions: { width: 0, height: 0 }, data } as never,
    global: { stubs: { Handle: { template: '<i class="handle" :data-type="type" />', props: ['type', 'position', 'connectable'] } } },
  });
}

describe('LayerNode', () => {
  it('shows_kind_key_parameters_output_shape_and_parameter_count', () => {
    const wrapper = render(smallNet(), 'conv1');
    expect(wrapper.find('.kind').text()).toBe('Conv2D');
    expect(wrapper.find('.id').text()).toBe('conv1');
    expect(wrapper.find('[data-testid="node-summary"]').text()).toBe('8@3x3 relu');
    expect(wrapper.find('[data-testid="node-shape"]').text()).toBe('26x26x8');
    expect(wrapper.find('[data-testid="node-params"]').text()).toBe('80 params');
    expect(wrapper.findAll('.handle').map((h) => h.attributes('data-type'))).toEqual(['target', 'source']);
    expect(wrapper.classes()).toContain('group-convolution');
  });

  it('has_no_input_port_on_an_Input_and_no_output_port_on_an_Output', () => {
    expect(render(smallNet(), 'input').findAll('.handle').map((h) => h.attributes('data-type'))).toEqual(['source']);
    expect(render(smallNet(), 'output').findAll('.handle').map((h) => h.attributes('data-type'))).toEqual(['target']);
  });

  it('marks_an_error_with_the_sentence_on_hover', () => {
    const graph = smallNet();
    graph.edges = graph.edges.filter((e) => e.to !== 'flatten' && e.from !== 'flatten');
    graph.edges.push({ from: 'pool1', to: 'dense1' });
    const wrapper = render(graph, 'dense1');
    expect(wrapper.classes()).toContain('error');
    expect(wrapper.find('.marker.error').exists()).toBe(true);
    expect(wrapper.find('[data-testid="node-problems"]').text()).toBe(
      'Dense dense1: Dense needs a vector but receives a 13x13x8 feature map. Add a Flatten or GlobalAvgPool layer before it.',
    );
    expect(wrapper.find('[data-testid="node-shape"]').text()).toBe('?');
    expect(wrapper.find('[data-testid="node-params"]').exists()).toBe(false);
  });

  it('marks_a_warning_and_looks_frozen_when_trainable_is_off', () => {
    const graph = smallNet();
    graph.nodes[1]!.params = { filters: 8, kernelSize: 3, strides: 2, trainable: false };
    const wrapper = render(graph, 'conv1');
    expect(wrapper.classes()).toContain('frozen');
    expect(wrapper.classes()).toContain('warning');
    expect(wrapper.text()).toContain('frozen');
    expect(wrapper.find('[data-testid="node-problems"]').text()).toMatch(/is not divisible by the stride 2/);
  });

  it('shows_a_block_collapsed_with_its_total_and_opens_it', async () => {
    const graph = buildTemplate('resnet18');
    const wrapper = render(graph, 'layer2_1');
    expect(wrapper.find('.kind').text()).toBe('Residual');
    expect(wrapper.find('[data-testid="node-summary"]').text()).toBe('basic 128 s2');
    expect(wrapper.find('[data-testid="node-shape"]').text()).toBe('28x28x128');
    // torchvision's layer2[0]: conv 73,728 + bn 512 + conv 147,456 + bn 512 + downsample 8,192 + bn 512, where each
    // BatchNorm's 512 = 256 trainable (γ, β) + 256 running statistics, counted as non-trainable as Keras does.
    expect(wrapper.find('[data-testid="node-params"]').text()).toBe('230,912 params');
    await wrapper.find('[data-testid="open-block"]').trigger('click');
    expect(useUiStore().blockPath).toEqual(['layer2_1']);
  });

  it('orders_merge_inputs', () => {
    const graph = smallNet();
    graph.nodes.push({ id: 'add1', kind: 'Add', params: {} });
    const wrapper = render(graph, 'add1');
    expect(wrapper.text()).toContain('ordered');
  });
});
