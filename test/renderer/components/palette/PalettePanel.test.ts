// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { PALETTE_MIME, parsePaletteDrop } from '../../../../src/renderer/src/canvas/palette-entries';
import PalettePanel from '../../../../src/renderer/src/components/palette/PalettePanel.vue';
import { useUiStore } from '../../../../src/renderer/src/stores/ui-store';
import { LAYER_DECLARATIONS } from '../../../../src/shared/layers';
import { PALETTE_GROUPS } from '../../../../src/shared/layers/types';
import { TEMPLATES } from '../../../../src/shared/templates';
import { storeWith } from '../../support/project-fixtures';

function palette() {
  const project = storeWith();
  const wrapper = mount(PalettePanel);
  const sections = () => wrapper.findAll('[data-testid="palette-section"]').map((s) => s.attributes('data-title'));
  const entries = () => wrapper.findAll('[data-testid="palette-item"]').map((i) => i.attributes('data-entry'));
  return { project, wrapper, sections, entries };
}

/** A DataTransfer good enough for dragstart (happy-dom's events carry none). */
function fakeTransfer() {
  const data = new Map<string, string>();
  return { data, setData: (type: string, value: string) => data.set(type, value), getData: (type: string) => data.get(type) ?? '', effectAllowed: '', types: [] as string[] };
}

describe('the palette', () => {
  it('lists_every_layer_kind_under_its_group_in_order_then_the_templates', () => {
    const { sections, entries } = palette();
    expect(sections()).toEqual([...PALETTE_GROUPS, 'Templates']);
    for (const decl of LAYER_DECLARATIONS) expect(entries()).toContain(`layer:${decl.kind}`);
    for (const template of TEMPLATES) expect(entries()).toContain(`template:${template.name}`);
  });

  it('takes_names_and_help_from_the_declarations', () => {
    const { wrapper } = palette();
    const conv = wrapper.find('[data-entry="layer:Conv2D"]');
    expect(conv.text()).toBe('Conv2D');
    expect(conv.attributes('title')).toBe(LAYER_DECLARATIONS.find((d) => d.kind === 'Conv2D')!.doc);
    const pooling = wrapper.find('[data-title="Pooling"]').findAll('[data-testid="palette-item"]').map((i) => i.text());
    expect(pooling).toEqual(['MaxPool2D', 'AvgPool2D', 'GlobalAvgPool', 'GlobalMaxPool']);
  });

  it('searches_names_kinds_groups_and_descriptions', async () => {
    const { wrapper, sections, entries } = palette();
    await wrapper.find('[data-testid="palette-search"]').setValue('pool');
    expect(sections().slice(0, 2)).toEqual(['Pooling', 'Blocks']);
    expect(entries().filter((e) => e!.startsWith('layer:'))).toEqual(['layer:MaxPool2D', 'layer:AvgPool2D', 'layer:GlobalAvgPool', 'layer:GlobalMaxPool', 'layer:Inception']);
    // Templates match on their descriptions too (GoogLeNet's modules end in a max-pool branch).
    for (const entry of entries().filter((e) => e!.startsWith('template:'))) {
      expect(TEMPLATES.find((t) => `template:${t.name}` === entry)!.description.toLowerCase()).toContain('pool');
    }
    await wrapper.find('[data-testid="palette-search"]').setValue('resnet');
    // MobileNetV2 matches on its description (inverted residual blocks).
    expect(entries()).toEqual(['layer:Residual', 'template:resnet18', 'template:resnet34', 'template:resnet50', 'template:mobilenetv2', 'template:resnet-small']);
    await wrapper.find('[data-testid="palette-search"]').setValue('skip connection');
    expect(entries().filter((e) => e!.startsWith('layer:'))).toEqual(['layer:Add']);
    await wrapper.find('[data-testid="palette-search"]').setValue('zebra');
    expect(wrapper.text()).toContain('Nothing matches "zebra".');
  });

  it('drags_a_payload_naming_what_to_add', async () => {
    const { wrapper } = palette();
    const transfer = fakeTransfer();
    await wrapper.find('[data-entry="layer:Dense"]').trigger('dragstart', { dataTransfer: transfer });
    expect(parsePaletteDrop(transfer.data.get(PALETTE_MIME))).toEqual({ type: 'layer', kind: 'Dense' });
    expect(transfer.effectAllowed).toBe('copy');
    await wrapper.find('[data-entry="template:vgg16"]').trigger('dragstart', { dataTransfer: transfer });
    expect(parsePaletteDrop(transfer.data.get(PALETTE_MIME))).toEqual({ type: 'template', name: 'vgg16' });
    expect(wrapper.find('[data-entry="layer:Group"]').attributes('draggable')).toBe('false');
    expect(parsePaletteDrop('{"type":"layer"}')).toBeNull();
    expect(parsePaletteDrop('not json')).toBeNull();
  });

  it('adds_a_clicked_layer_in_the_middle_of_the_view_and_opens_the_new_dialog_for_a_template', async () => {
    const { wrapper, project } = palette();
    const ui = useUiStore();
    ui.viewCenter = { x: 300, y: 200 };
    await wrapper.find('[data-entry="layer:Dropout"]').trigger('click');
    const added = project.graph.nodes.at(-1)!;
    expect(added.kind).toBe('Dropout');
    expect(added.position).toEqual({ x: 300 + 24 * 1 - 100, y: 200 + 24 * 1 - 39 });
    await wrapper.find('[data-entry="template:alexnet"]').trigger('click');
    expect(ui.dialog).toBe('new');
    expect(ui.newTemplate).toBe('alexnet');
  });

  it('lists_the_projects_custom_blocks_and_drags_them', async () => {
    const { wrapper, project } = palette();
    project.group(['conv1', 'pool1'], 'Feature');
    await wrapper.vm.$nextTick();
    const block = wrapper.find('[data-entry="block:Feature"]');
    expect(block.exists()).toBe(true);
    expect(block.attributes('title')).toBe('Your block: 2 layers (conv1, pool1).');
    const transfer = fakeTransfer();
    await block.trigger('dragstart', { dataTransfer: transfer });
    expect(parsePaletteDrop(transfer.data.get(PALETTE_MIME))).toEqual({ type: 'custom-block', name: 'Feature' });
  });
});
