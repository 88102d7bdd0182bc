// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import BottomPanel from '../../../../src/renderer/src/components/panels/BottomPanel.vue';
import ModelSummary from '../../../../src/renderer/src/components/panels/ModelSummary.vue';
import ProblemsPanel from '../../../../src/renderer/src/components/panels/ProblemsPanel.vue';
import { useSelectionStore } from '../../../../src/renderer/src/stores/selection-store';
import { useUiStore } from '../../../../src/renderer/src/stores/ui-store';
import { buildTemplate } from '../../../../src/shared/templates';
import { smallNet, storeWith } from '../../support/project-fixtures';

describe('the problems list', () => {
  it('lists_errors_first_and_reveals_the_layer_of_a_clicked_problem', async () => {
    const graph = smallNet();
    graph.nodes[1]!.params = { filters: 8, kernelSize: 3, strides: 2 };
    graph.edges = graph.edges.filter((e) => e.to !== 'output');
    storeWith(graph);
    const wrapper = mount(ProblemsPanel);
    const problems = wrapper.findAll('[data-testid="problem"]');
    const severities = problems.map((p) => (p.classes('error') ? 'error' : 'warning'));
    expect(severities).toEqual([...severities].sort());
    expect(severities.filter((x) => x === 'error')).toHaveLength(2);
    const errors = problems.slice(0, 2).map((p) => p.text());
    expect(errors.some((t) => t.includes('No path leads from the Input input to the Output output.'))).toBe(true);
    expect(errors.some((t) => t.includes('Layer output (Output) has no input. Connect a layer into it.'))).toBe(true);
    expect(problems[2]!.attributes('data-node-id')).toBe('conv1');
    expect(problems[2]!.text()).toMatch(/is not divisible by the stride 2/);
    await problems[2]!.trigger('click');
    expect(useSelectionStore().nodeIds).toEqual(['conv1']);
    expect(useUiStore().viewRequest).toMatchObject({ kind: 'focus', nodeId: 'conv1' });
  });

  it('says_so_when_there_is_nothing_to_fix', () => {
    storeWith();
    expect(mount(ProblemsPanel).find('[data-testid="no-problems"]').text()).toBe('No problems: every shape fits.');
  });
});

describe('the model summary', () => {
  it('shows_the_inspect_table_with_exact_totals', () => {
    storeWith(buildTemplate('resnet18'));
    const wrapper = mount(ModelSummary);
    const rows = wrapper.findAll('[data-testid="summary-row"]').map((r) => r.findAll('td').map((td) => td.text()));
    expect(rows[0]).toEqual(['input', 'Input', '224x224x3', '0', '0']);
    expect(rows.find((r) => r[0] === 'conv1')).toEqual(['conv1', 'Conv2D', '112x112x64', '9,408', '9,408']);
    expect(rows.at(-1)).toEqual(['output', 'Output', '1000', '513,000', '513,000']);
    // torchvision.models.resnet18: 11,689,512 parameters; BatchNorm running statistics add 9,600 non-trainable.
    expect(wrapper.find('[data-testid="summary-total-params"]').text()).toBe('11,699,112');
    expect(wrapper.find('[data-testid="summary-trainable-params"]').text()).toBe('11,689,512');
  });

  it('selects_a_layer_from_its_row', async () => {
    storeWith();
    const wrapper = mount(ModelSummary);
    await wrapper.findAll('[data-testid="summary-row"]')[2]!.trigger('click');
    expect(useSelectionStore().nodeIds).toEqual(['pool1']);
  });
});

describe('the bottom panel', () => {
  it('switches_tabs_and_counts_problems', async () => {
    const graph = smallNet();
    graph.edges.pop();
    storeWith(graph);
    const wrapper = mount(BottomPanel);
    expect(wrapper.find('[data-testid="tab-problems"]').text()).toBe('Problems 2 ✕ 4 !');
    await wrapper.find('[data-testid="tab-summary"]').trigger('click');
    expect(wrapper.find('[data-testid="model-summary"]').exists()).toBe(true);
  });
});
