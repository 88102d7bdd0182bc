// @vitest-environment happy-dom
import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import InspectorPanel from '../../../src/renderer/src/components/inspector/InspectorPanel.vue';
import ExplainerPanel from '../../../src/renderer/src/panels/explainer/ExplainerPanel.vue';
import { useExplainerStore } from '../../../src/renderer/src/stores/explainer-store';
import { useSelectionStore } from '../../../src/renderer/src/stores/selection-store';
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspace-store';
import { storeWith } from '../support/project-fixtures';

enableAutoUnmount(afterEach);

/**
 * The explainer on `smallNet` (28x28x1 → conv1 8@3x3 → pool1 2x2/2 → …) with the lecture's 6x6 image
 * and two 3x3 filters. The lecture's first map (checked by hand): [[3, −1, −3, −1], [−3, 1, 0, −3],
 * [−3, −3, 0, 1], [3, −2, −2, −1]].
 */
function setup(node = 'conv1') {
  const project = storeWith();
  const explainer = useExplainerStore();
  explainer.choose(node);
  return { project, explainer, wrapper: mount(ExplainerPanel, { attachTo: document.body }) };
}

const grids = (wrapper: ReturnType<typeof setup>['wrapper'], testid: string) =>
  wrapper.findAll(`[data-testid="${testid}"]`).map((g) => g.findAll('tr').map((r) => r.findAll('td').map((d) => d.text())));
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the convolution explainer', () => {
  it('writes_the_size_formula_and_the_parameter_count_with_the_nodes_numbers', () => {
    const { wrapper } = setup();
    expect(wrapper.findAll('[data-testid="explainer-node"] option').map((o) => o.attributes('value'))).toEqual(['conv1', 'pool1']);
    expect(wrapper.find('[data-testid="size-rows"]').text()).toBe('rows: (28 − 3 + 0) / 1 + 1 = 25 + 1 = 26');
    expect(wrapper.find('[data-testid="size-cols"]').text()).toBe('columns: (28 − 3 + 0) / 1 + 1 = 25 + 1 = 26');
    expect(wrapper.find('[data-testid="size-note"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="parameter-text"]').text()).toBe('(3·3·1 + 1)·8 = 10·8 = 80');
    expect(wrapper.find('[data-testid="example-note"]').text()).toContain("The input is the lecture's 6x6 binary image. The filters are the lecture's two 3x3 filters");
  });

  it('steps_through_the_lecture_example_with_every_multiply_add_and_fills_the_output_in', async () => {
    const { wrapper } = setup();
    const equation = () => squash(wrapper.find('[data-testid="conv-steps"] [data-testid="step-equation"]').text());
    expect(equation()).toBe('y[1][0][0] = 1·1 + 0·(−1) + 0·(−1) + 0·(−1) + 1·1 + 0·(−1) + 0·(−1) + 0·(−1) + 1·1 = 3');
    expect(grids(wrapper, 'conv-output')[0]![0]).toEqual(['3', '', '', '']);
    // The window covers the top-left 3x3 of the input.
    const window = wrapper.find('[data-testid="conv-input"]').findAll('td.window').map((d) => `${d.attributes('data-row')}:${d.attributes('data-col')}`);
    expect(window).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0', '2:1', '2:2']);
    await wrapper.find('[data-testid="conv-steps"] [data-testid="step-next"]').trigger('click');
    expect(equation()).toMatch(/^y\[1\]\[0\]\[1\] = .* = −1$/);
    await wrapper.find('[data-testid="conv-steps"] [data-testid="step-scrub"]').setValue('15');
    expect(wrapper.find('[data-testid="conv-steps"] [data-testid="step-position"]').text()).toBe('Output value 16 of 32');
    expect(grids(wrapper, 'conv-output')[0]).toEqual([
      ['3', '−1', '−3', '−1'],
      ['−3', '1', '0', '−3'],
      ['−3', '−3', '0', '1'],
      ['3', '−2', '−2', '−1'],
    ]);
    expect(grids(wrapper, 'conv-output')[1]!.flat().every((v) => v === '')).toBe(true);
    await wrapper.find('[data-testid="conv-steps"] [data-testid="step-last"]').trigger('click');
    expect(equation()).toMatch(/^y\[2\]\[3\]\[3\] = .* = 3$/);
  });

  it('lets_the_user_switch_input_cells_and_go_back_to_the_example', async () => {
    const { wrapper } = setup();
    await wrapper.find('[data-testid="conv-input"] td[data-row="0"][data-col="0"]').trigger('click');
    expect(squash(wrapper.find('[data-testid="conv-steps"] [data-testid="step-equation"]').text())).toMatch(/^y\[1\]\[0\]\[0\] = 0·1 \+ .* = 2$/);
    await wrapper.find('[data-testid="explainer-reset"]').trigger('click');
    expect(wrapper.find('[data-testid="explainer-reset"]').exists()).toBe(false);
    expect(squash(wrapper.find('[data-testid="conv-steps"] [data-testid="step-equation"]').text())).toMatch(/= 3$/);
  });

  it('explains_the_case_where_the_stride_does_not_divide', async () => {
    const { wrapper, project } = setup();
    project.setParam('conv1', 'strides', 2);
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-testid="size-rows"]').text()).toBe('rows: ⌊(28 − 3 + 0) / 2⌋ + 1 = ⌊12.5⌋ + 1 = 13');
    expect(wrapper.find('[data-testid="size-note"]').text()).toBe(
      'H − n + P = 25 is not divisible by the stride 2, so the division is rounded down: the window stops before the last 1 row of the padded input (it holds input values that never reach the output).',
    );
    // On the 6x6 example the 3x3 window with stride 2 also leaves the last row and column unread.
    expect(wrapper.find('[data-testid="conv-input"]').findAll('td.dropped')).toHaveLength(11);
  });

  it('shows_where_the_gradient_of_a_convolution_goes', async () => {
    const { wrapper } = setup();
    expect(wrapper.find('[data-testid="grad-input-text"]').text()).toBe('dL/dx[0][0]: dL/dx = 1·1 + 1·(−1) = 0');
    await wrapper.find('[data-testid="grad-input"] td[data-row="2"][data-col="2"]').trigger('click');
    // The centre is read by all nine windows of each filter, once through each weight: the sum of both
    // filters' weights, 3 − 6 = −3 each.
    expect(wrapper.find('[data-testid="grad-input-text"]').text()).toMatch(/^dL\/dx\[2\]\[2\]: dL\/dx = (1·\S+ \+ ){17}1·\S+ = −6$/);
    await wrapper.find('[data-testid="grad-kernel"] td[data-row="0"][data-col="0"]').trigger('click');
    expect(wrapper.find('[data-testid="grad-kernel-text"]').text()).toMatch(/^dL\/dw\[1\]\[0\]\[0\]: dL\/dw = .* = 5$/);
    expect(wrapper.find('[data-testid="grad-bias"]').text()).toContain('dL/db = 16 (filter 1), 16 (filter 2)');
    await wrapper.find('[data-testid="toggle-full-correlation"]').trigger('click');
    expect(wrapper.text()).toContain('Filter 1 turned by 180°');
  });
});

describe('the pooling explainer', () => {
  it('steps_through_max_pooling_and_where_its_gradient_goes', async () => {
    const { wrapper } = setup('pool1');
    expect(wrapper.find('[data-testid="size-rows"]').text()).toBe('rows: (26 − 2 + 0) / 2 + 1 = 12 + 1 = 13');
    expect(wrapper.find('[data-testid="parameter-text"]').text()).toBe('0');
    expect(squash(wrapper.find('[data-testid="pool-steps"] [data-testid="step-equation"]').text())).toBe('y[1][0][0] = max(3, −1, −3, 1) = 3');
    expect(wrapper.find('[data-testid="pool-input"] td.argmax').attributes('data-row')).toBe('0');
    await wrapper.find('[data-testid="pool-steps"] [data-testid="step-last"]').trigger('click');
    expect(grids(wrapper, 'pool-output')).toEqual([
      [
        ['3', '0'],
        ['3', '1'],
      ],
      [
        ['−1', '1'],
        ['0', '3'],
      ],
    ]);
    expect(wrapper.find('[data-testid="route-text"]').text()).toBe("1 goes entirely to x[0][0], the window's maximum (3); the other 3 value(s) get 0");
  });

  it('shows_overlapping_windows', async () => {
    const { wrapper, project } = setup('pool1');
    project.setParams('pool1', { poolSize: 3, strides: 1 }, 'Overlap');
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-testid="pool-steps"]').text()).toContain('The windows overlap (stride 1 < window 3)');
    // On a 4x4 map, 3x3 windows one apart: the middle 2x2 cells are read by all four windows, the edges by two, the corners by one.
    expect(wrapper.find('[data-testid="pool-input"]').findAll('td.overlap')).toHaveLength(12);
  });
});

describe('the inspector’s Explain action', () => {
  it('opens_the_explainer_on_a_conv_or_pooling_layer_and_is_absent_for_others', async () => {
    storeWith();
    useSelectionStore().select(['pool1']);
    const wrapper = mount(InspectorPanel, { attachTo: document.body });
    await wrapper.find('[data-testid="explain-node"]').trigger('click');
    expect(useWorkspaceStore().view).toBe('explainer');
    expect(useExplainerStore().node?.id).toBe('pool1');
    useSelectionStore().select(['dense1']);
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-testid="explain-node"]').exists()).toBe(false);
  });
});
