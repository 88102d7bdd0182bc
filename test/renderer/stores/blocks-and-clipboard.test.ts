// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { useClipboardStore } from '../../../src/renderer/src/stores/clipboard-store';
import type { ClipboardAccess } from '../../../src/renderer/src/stores/clipboard-store';
import { useProjectStore } from '../../../src/renderer/src/stores/project-store';
import { buildTemplate } from '../../../src/shared/templates';
import { createProject } from '../../../src/shared/project/project';
import { shapeOf, storeWith } from '../support/project-fixtures';

/** A residual-style piece: pool1 → a → b, and Add(pool1, b) in that order, then flatten. */
function branchyNet() {
  const project = storeWith();
  project.deleteElements([], ['pool1->flatten']);
  const a = project.addLayer('Conv2D', { x: 500, y: 100 }, { filters: 8, kernelSize: 3, padding: 'same' });
  const b = project.addLayer('BatchNorm', { x: 700, y: 100 });
  const add = project.addLayer('Add', { x: 900, y: 0 });
  project.connect('pool1', a);
  project.connect(a, b);
  project.connect('pool1', add);
  project.connect(b, add);
  project.connect(add, 'flatten');
  return { project, a, b, add };
}

function memoryClipboard(): ClipboardAccess & { text: string } {
  const box = {
    text: '',
    async writeText(text: string) {
      box.text = text;
    },
    async readText() {
      return box.text;
    },
  };
  return box;
}

describe('grouping a selection into a block', () => {
  it('makes_a_group_node_with_the_inner_graph_and_adds_it_to_the_palette', () => {
    const { project, a, b, add } = branchyNet();
    const before = project.analysis.totals;
    const id = project.group([a, b, add], 'Skip');
    const block = project.graph.nodes.find((n) => n.id === id)!;
    expect(block.kind).toBe('Group');
    expect(block.params).toEqual({
      name: 'Skip',
      graph: {
        nodes: [
          { id: a, kind: 'Conv2D', params: { filters: 8, kernelSize: 3, padding: 'same' } },
          { id: b, kind: 'BatchNorm', params: {} },
          { id: add, kind: 'Add', params: {} },
        ],
        edges: [
          { from: '$input', to: a },
          { from: a, to: b },
          { from: '$input', to: add },
          { from: b, to: add },
        ],
        output: add,
      },
    });
    expect(project.graph.edges.filter((e) => e.from === id || e.to === id)).toEqual([
      { from: 'pool1', to: id },
      { from: id, to: 'flatten' },
    ]);
    expect(project.analysis.totals).toEqual(before);
    expect(project.analysis.issues).toEqual([]);
    expect(project.customBlocks.map((c) => c.name)).toEqual(['Skip']);
  });

  it('refuses_a_selection_with_two_inputs_or_two_outputs', () => {
    const { project, a, b } = branchyNet();
    expect(() => project.group(['pool1', a], 'X')).toThrow(`A block has one output, but ${a} and pool1 both feed layers outside the selection.`);
    expect(() => project.group([a, b], 'X')).not.toThrow();
    project.undo();
    expect(() => project.group(['input', 'conv1'], 'X')).toThrow('The Input input cannot go inside a block.');
    const other = project.addLayer('Conv2D', { x: 0, y: 0 });
    project.connect('input', other);
    expect(() => project.group(['conv1', other], 'X')).toThrow(`Layer ${other} does not lead to conv1, the layer the block would return, so it would be a dead end inside the block.`);
  });

  it('ungroups_back_to_the_same_network_and_undo_restores_the_block', () => {
    const { project, a, b, add } = branchyNet();
    const id = project.group([a, b, add], 'Skip');
    const ids = project.ungroup(id);
    expect(ids).toEqual([a, b, add]);
    expect(project.graph.edges.filter((e) => e.to === add)).toEqual([
      { from: 'pool1', to: add },
      { from: b, to: add },
    ]);
    expect(project.analysis.issues).toEqual([]);
    project.undo();
    expect(project.graph.nodes.some((n) => n.id === id)).toBe(true);
  });

  it('ungroups_a_residual_block_into_its_layers_with_prefixed_ids_and_equal_totals', () => {
    const project = storeWith(buildTemplate('resnet-small'));
    const total = project.analysis.totals.total;
    const ids = project.ungroup('layer2_1');
    expect(ids).toContain('layer2_1_conv1');
    expect(ids).toContain('layer2_1_proj');
    expect(project.analysis.totals.total).toBe(total);
    expect(project.errorCount).toBe(0);
  });

  it('places_a_custom_block_from_the_palette_and_removes_it_from_the_palette', () => {
    const { project, a, b, add } = branchyNet();
    project.group([a, b, add], 'Skip');
    project.removeCustomBlock('Skip');
    expect(project.customBlocks).toEqual([]);
    project.undo();
    expect(project.customBlocks.map((c) => c.name)).toEqual(['Skip']);
  });
});

describe('cut, copy, paste and duplicate', () => {
  it('copies_layers_with_their_inner_connections_and_pastes_them_with_fresh_ids', async () => {
    const project = storeWith();
    const clipboard = useClipboardStore();
    const box = memoryClipboard();
    clipboard.setAccess(box);
    expect(await clipboard.copy(['conv1', 'pool1'])).toBe(2);
    expect(JSON.parse(box.text)).toMatchObject({ format: 'cnn-studio/layers', version: 1, edges: [{ from: 'conv1', to: 'pool1' }] });
    const ids = await clipboard.paste({ x: 0, y: 0 });
    expect(ids).toEqual(['conv2', 'pool2']);
    expect(project.graph.edges.at(-1)).toEqual({ from: 'conv2', to: 'pool2' });
    const pasted = project.graph.nodes.find((n) => n.id === 'conv2')!;
    expect(pasted.position).toEqual({ x: 284 + 40, y: 40 });
    const again = await clipboard.paste({ x: 0, y: 0 });
    expect(project.graph.nodes.find((n) => n.id === again[0])!.position).toEqual({ x: 284 + 80, y: 80 });
  });

  it('pastes_into_another_project_at_the_centre_of_the_view', async () => {
    const project = storeWith();
    const clipboard = useClipboardStore();
    clipboard.setAccess(memoryClipboard());
    await clipboard.copy(['conv1', 'pool1']);
    project.load(createProject('Other', buildTemplate('lenet5')), { path: null });
    const ids = await clipboard.paste({ x: 1000, y: 500 });
    expect(ids).toEqual(['conv1', 'pool1']);
    expect(project.graph.nodes.find((n) => n.id === 'conv1')!.position).toEqual({ x: 1000, y: 500 });
  });

  it('falls_back_to_the_in_memory_copy_when_the_system_clipboard_is_refused', async () => {
    storeWith();
    const clipboard = useClipboardStore();
    clipboard.setAccess({
      writeText: () => Promise.reject(new Error('denied')),
      readText: () => Promise.reject(new Error('denied')),
    });
    await clipboard.copy(['dense1']);
    expect(await clipboard.paste({ x: 0, y: 0 })).toEqual(['dense2']);
  });

  it('ignores_text_that_is_not_layers_and_reports_damaged_layers', async () => {
    storeWith();
    const clipboard = useClipboardStore();
    const box = memoryClipboard();
    clipboard.setAccess(box);
    box.text = 'hello';
    expect(await clipboard.paste({ x: 0, y: 0 })).toEqual([]);
    box.text = JSON.stringify({ format: 'cnn-studio/layers', version: 1, nodes: [{ id: 'x1', kind: 'Teleporter', params: {} }], edges: [] });
    await expect(clipboard.paste({ x: 0, y: 0 })).rejects.toThrow('The clipboard holds a layer of the unknown kind "Teleporter".');
  });

  it('cut_removes_and_undo_restores', async () => {
    const project = storeWith();
    const clipboard = useClipboardStore();
    clipboard.setAccess(memoryClipboard());
    await clipboard.cut(['dense1']);
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(false);
    project.undo();
    expect(project.graph.nodes.some((n) => n.id === 'dense1')).toBe(true);
  });

  it('duplicates_beside_the_original_without_the_clipboard', () => {
    const project = storeWith();
    const clipboard = useClipboardStore();
    const box = memoryClipboard();
    clipboard.setAccess(box);
    expect(clipboard.duplicate(['conv1'])).toEqual(['conv2']);
    expect(box.text).toBe('');
    expect(project.graph.nodes.at(-1)!.position).toEqual({ x: 284 + 40, y: 40 });
    expect(shapeOf(useProjectStore(), 'conv2')).toBeNull();
  });
});
