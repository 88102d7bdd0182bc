// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import GroupDialog from '../../../../src/renderer/src/components/dialogs/GroupDialog.vue';
import LayerReferenceDialog from '../../../../src/renderer/src/components/dialogs/LayerReferenceDialog.vue';
import NewProjectDialog from '../../../../src/renderer/src/components/dialogs/NewProjectDialog.vue';
import SaveAsDialog from '../../../../src/renderer/src/components/dialogs/SaveAsDialog.vue';
import ShortcutsDialog from '../../../../src/renderer/src/components/dialogs/ShortcutsDialog.vue';
import { useClientStore } from '../../../../src/renderer/src/stores/client-store';
import { useSelectionStore } from '../../../../src/renderer/src/stores/selection-store';
import { useUiStore } from '../../../../src/renderer/src/stores/ui-store';
import { withLayout } from '../../../../src/shared/graph/layout';
import { projectToFile } from '../../../../src/shared/project/codec';
import { createProject } from '../../../../src/shared/project/project';
import { LAYER_DECLARATIONS } from '../../../../src/shared/layers';
import { buildTemplate } from '../../../../src/shared/templates';
import { fakeClient } from '../../support/fake-client';
import { storeWith } from '../../support/project-fixtures';

describe('new project from a template', () => {
  it('works_out_the_parameter_total_live_and_creates_the_project', async () => {
    const project = storeWith();
    const ui = useUiStore();
    ui.newTemplate = 'resnet18';
    const client = fakeClient({
      'project.new': (p) => {
        const r = p as { template: string; input: { height: number; width: number; channels: number }; classes: number; name: string };
        return { path: null, project: projectToFile(createProject(r.name, withLayout(buildTemplate(r.template, { input: r.input, classes: r.classes })))) };
      },
    });
    useClientStore().setClient(client);
    ui.openDialog('new');
    const wrapper = mount(NewProjectDialog, { attachTo: document.body });
    expect((wrapper.find('[data-testid="new-height"]').element as HTMLInputElement).value).toBe('224');
    expect(wrapper.find('[data-testid="new-total"]').text()).toBe('11,699,112');
    expect(wrapper.find('[data-testid="new-trainable"]').text()).toBe('11,689,512');
    await wrapper.find('[data-testid="new-classes"]').setValue('10');
    // The classifier shrinks from 512·1000 + 1000 to 512·10 + 10 weights.
    expect(wrapper.find('[data-testid="new-total"]').text()).toBe((11699112 - 513000 + 5130).toLocaleString('en-US'));
    await wrapper.find('[data-testid="new-height"]').setValue('0');
    expect(wrapper.find('[data-testid="new-preview"]').text()).toContain('Height and width must be whole numbers from 1 to 4096.');
    expect(wrapper.find('[data-testid="new-create"]').attributes('disabled')).toBeDefined();
    await wrapper.find('[data-testid="new-height"]').setValue('32');
    await wrapper.find('[data-testid="new-width"]').setValue('32');
    expect(wrapper.find('[data-testid="new-preview"]').text()).not.toContain('must be');
    await wrapper.find('[data-testid="new-create"]').trigger('click');
    await flushPromises();
    expect(client.calls[0]).toEqual({ method: 'project.new', params: { template: 'resnet18', input: { height: 32, width: 32, channels: 3 }, classes: 10, name: 'ResNet-18' } });
    expect(project.project.name).toBe('ResNet-18');
    expect(project.graph.nodes).toHaveLength(15);
    expect(ui.dialog).toBeNull();
    wrapper.unmount();
  });

  it('names_the_shape_problem_of_a_template_at_a_size_it_cannot_take', async () => {
    storeWith();
    useUiStore().newTemplate = 'alexnet';
    const wrapper = mount(NewProjectDialog, { attachTo: document.body });
    await wrapper.find('[data-testid="new-height"]').setValue('28');
    await wrapper.find('[data-testid="new-width"]').setValue('28');
    expect(wrapper.find('[data-testid="new-preview"] .problem').text()).toMatch(/is larger than the/);
    wrapper.unmount();
  });
});

describe('save as, group, shortcuts', () => {
  it('saves_under_a_typed_path_adding_the_extension', async () => {
    const project = storeWith();
    project.markSaved('/tmp/test.cnnstudio', -5);
    const client = fakeClient({ 'project.save': (p) => ({ path: (p as { path: string }).path }), 'project.recent': () => ({ paths: [] }), 'project.discardRecovery': () => ({}) });
    useClientStore().setClient(client);
    const wrapper = mount(SaveAsDialog, { attachTo: document.body });
    await wrapper.find('[data-testid="save-path"]').setValue('/tmp/copy');
    expect(wrapper.text()).toContain('Saved as /tmp/copy.cnnstudio');
    await wrapper.find('[data-testid="save-confirm"]').trigger('click');
    await flushPromises();
    expect(client.calls[0]!.params).toMatchObject({ path: '/tmp/copy.cnnstudio' });
    expect(project.path).toBe('/tmp/copy.cnnstudio');
    expect(project.dirty).toBe(false);
    wrapper.unmount();
  });

  it('groups_the_selection_under_a_name_or_says_why_not', async () => {
    const project = storeWith();
    useSelectionStore().select(['conv1', 'pool1']);
    const wrapper = mount(GroupDialog, { attachTo: document.body });
    expect((wrapper.find('[data-testid="group-name"]').element as HTMLInputElement).value).toBe('Block');
    await wrapper.find('[data-testid="group-name"]').setValue('Features');
    await wrapper.find('[data-testid="group-confirm"]').trigger('click');
    expect(project.graph.nodes.find((n) => n.kind === 'Group')!.params.name).toBe('Features');
    wrapper.unmount();
    useSelectionStore().select(['input', 'block1']);
    const again = mount(GroupDialog, { attachTo: document.body });
    await again.find('[data-testid="group-confirm"]').trigger('click');
    expect(again.find('.problem').text()).toBe('The Input input cannot go inside a block. Leave input out of the selection.');
    again.unmount();
  });

  it('lists_the_shortcuts_from_the_command_table', () => {
    storeWith();
    const wrapper = mount(ShortcutsDialog, { attachTo: document.body });
    const text = wrapper.find('[data-testid="shortcuts"]').text();
    expect(text).toContain('Undo');
    expect(text).toContain('Ctrl+Z');
    expect(text).toContain('Group into a block…');
    expect(text).toContain('Ctrl+G');
    wrapper.unmount();
  });

  it('documents_every_layer_kind_from_its_declaration', async () => {
    storeWith();
    const wrapper = mount(LayerReferenceDialog, { attachTo: document.body });
    const kinds = wrapper.findAll('.kinds button').map((b) => b.text());
    expect(kinds).toEqual(LAYER_DECLARATIONS.map((d) => d.label));
    await wrapper.findAll('.kinds button').find((b) => b.text() === 'Conv2D')!.trigger('click');
    const rows = wrapper.findAll('tbody tr').map((r) => r.findAll('td').map((td) => td.text()));
    expect(rows[0]![0]).toContain('Filters (N)');
    expect(rows[0]!.slice(1)).toEqual(['whole number, 1 to 8192', '32']);
    expect(wrapper.text()).toContain('parameters = (n·n·C + 1)·N');
    wrapper.unmount();
  });
});
