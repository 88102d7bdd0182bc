// @vitest-environment happy-dom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import InsightPanel from '../../../src/renderer/src/panels/insight/InsightPanel.vue';
import { useClientStore } from '../../../src/renderer/src/stores/client-store';
import { useDocumentStore } from '../../../src/renderer/src/stores/document-store';
import { useProjectStore } from '../../../src/renderer/src/stores/project-store';
import { useSelectionStore } from '../../../src/renderer/src/stores/selection-store';
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspace-store';
import { FILTER_PRESET_NAMES } from '../../../src/shared/layers/filter-presets';
import { StudioError } from '../../../src/shared/errors';
import { fakeStudio } from '../support/fake-studio';
import { PNG, RUN, activations, filterReport, filterResponses, runNetwork, runSummary, saliency } from '../support/insight-fixtures';
import { storeWith } from '../support/project-fixtures';

enableAutoUnmount(afterEach);

type Handlers = Parameters<typeof fakeStudio>[0];

function setup(handlers: Handlers = {}, runs = [runSummary()]) {
  const project = storeWith();
  const studio = fakeStudio({
    'runs.list': () => ({ folder: '/p/test.runs', runs }),
    'insight.runNetwork': () => runNetwork(),
    'insight.filters': () => filterReport(),
    'insight.activations': () => activations(),
    'insight.saliency': (p: { method: 'gradcam' | 'gradient'; className: string | null }) => saliency(p.method, p.className ?? 'ankle-boot'),
    'insight.filterResponses': (p: { presets?: string[] }) => filterResponses(p.presets ?? [...FILTER_PRESET_NAMES]),
    'dataset.thumbnails': (p: { files: string[] }) => ({ images: p.files.map((file) => ({ file, png: PNG })) }),
    ...handlers,
  });
  useClientStore().setClient(studio.client);
  useDocumentStore().info = { version: '0.1.0', mode: 'browser', nativeDialogs: false, platform: 'linux', sampleProjectPath: '/s', startupProjectPath: null };
  useWorkspaceStore().show('insight');
  return { project, studio, wrapper: mount(InsightPanel, { attachTo: document.body }) };
}

/** Picks an image file in the chooser (uploaded with each request). */
async function pickImage(wrapper: ReturnType<typeof setup>['wrapper'], name = 'boot.png') {
  const input = wrapper.find('[data-testid="insight-image-input"]');
  Object.defineProperty(input.element, 'files', { value: [new File([new Uint8Array(16).fill(3)], name, { type: 'image/png' })], configurable: true });
  await input.trigger('change');
  await flushPromises();
}

describe('the filters view', () => {
  it('shows_the_chosen_runs_first_conv_layer_after_training_beside_before', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    expect(wrapper.find('[data-testid="insight-target"]').attributes('data-source')).toBe('run');
    expect(studio.callsOf('insight.filters')).toEqual([{ target: { kind: 'run', runDir: RUN, weights: 'final' }, layer: 'conv1' }]);
    expect(wrapper.find('[data-testid="filters-after"]').attributes('data-tiles')).toBe('8');
    expect(wrapper.find('[data-testid="filters-before"]').attributes('data-tiles')).toBe('8');
    expect(wrapper.find('[data-testid="filters-after"] figcaption').text()).toBe('After training');
    // Each weight moved by 0.1 on two of its nine taps: 0.2 / 9 on average.
    expect(wrapper.find('[data-testid="filters-summary"]').text().replace(/\s+/g, ' ')).toContain('conv1: 8 filters of 3x3x1 — the run in /p/test.runs/2026-11-25_10-00-00 (weights). Training moved each weight by 0.02222 on average.');
    // One symmetric scale for both sides: the largest magnitude is 0.7 + 0.1.
    expect(wrapper.find('[data-testid="colour-legend"]').attributes('data-max')).toBe('0.7999999999999999');
    expect(wrapper.find('[data-testid="filters-after"]').attributes('data-mode')).toBe('channels');
  });

  it('draws_averaged_or_per_filter_and_leaves_before_out_on_request', async () => {
    const { wrapper } = setup();
    await flushPromises();
    expect(wrapper.findAll('[data-testid="filters-mode"] option').map((o) => o.attributes('value'))).toEqual(['', 'channels', 'average']);
    await wrapper.find('[data-testid="filters-mode"]').setValue('average');
    expect(wrapper.find('[data-testid="filters-after"]').attributes('data-mode')).toBe('average');
    await wrapper.find('[data-testid="filters-compare"]').setValue(false);
    expect(wrapper.find('[data-testid="filters-before"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="filters-after"] figcaption').text()).toBe('Weights');
    await wrapper.find('[data-testid="filters-scale"]').setValue('per-filter');
    expect(wrapper.find('[data-testid="colour-legend"]').text()).toContain('Weight (widest filter)');
  });

  it('reads_again_for_other_weights_and_looks_at_the_project_without_a_run', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-weights"]').setValue('initial');
    await flushPromises();
    expect(studio.callsOf('insight.filters').at(-1)).toEqual({ target: { kind: 'run', runDir: RUN, weights: 'initial' }, layer: 'conv1' });
    await wrapper.find('[data-testid="insight-source-project"]').trigger('change');
    await flushPromises();
    const last = studio.callsOf('insight.filters').at(-1) as { target: { kind: string; projectPath: string; project: { name: string } } };
    expect(last.target).toMatchObject({ kind: 'project', projectPath: '/tmp/test.cnnstudio', project: { name: 'Test' } });
    expect(wrapper.find('[data-testid="insight-target"]').attributes('data-source')).toBe('project');
  });

  it('uses_the_project_when_there_is_no_run_and_says_why_a_request_failed', async () => {
    const { wrapper } = setup({ 'insight.filters': () => Promise.reject(new StudioError('invalid-graph', 'The network cannot be run: conv1: the kernel is too large.', { hint: 'Fix the errors first.' })) }, []);
    await flushPromises();
    expect(wrapper.find('[data-testid="insight-no-run"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="insight-target"]').attributes('data-source')).toBe('project');
    expect(wrapper.find('[data-testid="filters-error"]').text()).toBe('The network cannot be run: conv1: the kernel is too large. Fix the errors first.');
  });

  it('refuses_to_look_inside_a_baseline_run', async () => {
    const { wrapper, studio } = setup({ 'insight.runNetwork': () => runNetwork({ kind: 'baseline' }) }, [runSummary({ kind: 'baseline' })]);
    await flushPromises();
    expect(wrapper.find('[data-testid="insight-baseline-run"]').text()).toContain('hand-crafted baseline');
    expect(studio.callsOf('insight.filters')).toEqual([]);
  });
});

describe('the feature maps view', () => {
  it('follows_the_uploaded_image_through_every_layer_with_shapes_and_statistics', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-maps"]').trigger('click');
    await flushPromises();
    expect(studio.callsOf('insight.activations')).toEqual([]);
    await pickImage(wrapper);
    const [request] = studio.callsOf('insight.activations');
    expect(request).toEqual({ target: { kind: 'run', runDir: RUN, weights: 'final' }, image: { kind: 'upload', name: 'boot.png', data: btoa(String.fromCharCode(...new Uint8Array(16).fill(3))) }, layers: null });
    expect(wrapper.find('[data-testid="chosen-image"]').text()).toBe('boot.png');
    const layers = wrapper.findAll('[data-testid="layer-maps"]');
    expect(layers.map((l) => [l.attributes('data-layer'), l.find('[data-testid="layer-shape"]').text()])).toEqual([
      ['input', '28x28x1'],
      ['conv1', '26x26x8'],
      ['pool1', '13x13x8'],
      ['dense1', '32'],
      ['output', '10'],
    ]);
    expect(layers[1]!.findAll('[data-testid="feature-map"]')).toHaveLength(8);
    expect(layers[3]!.find('[data-testid="vector-strip"]').attributes('data-cols')).toBe('32');
    // conv1 ends in a ReLU in this network: its zeros are units switched off.
    expect(layers[1]!.find('[data-testid="layer-stats"]').text()).toMatch(/^mean [\d.]+ · max 2 · min 0 · zeros after ReLU [\d.]+%$/);
    expect(layers[2]!.find('[data-testid="layer-stats"]').text()).toContain('· zeros ');
  });

  it('opens_a_map_large_with_its_values_and_steps_through_the_layers_maps', async () => {
    const { wrapper } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-maps"]').trigger('click');
    await pickImage(wrapper);
    await wrapper.findAll('[data-testid="layer-maps"]')[2]!.findAll('[data-testid="feature-map"]')[3]!.trigger('click');
    const zoom = wrapper.find('[data-testid="map-zoom"]');
    expect([zoom.attributes('data-layer'), zoom.attributes('data-channel')]).toEqual(['pool1', '3']);
    // A 13x13 map is small enough to write out: row 0 of channel 3 is max(0, (c + 3) % 5 − 2).
    expect(wrapper.findAll('[data-testid="zoom-values"] tr')[0]!.findAll('td').map((d) => d.text()).slice(0, 5)).toEqual(['1', '2', '0', '0', '0']);
    await zoom.find('button[aria-label="Next map"]').trigger('click');
    expect(wrapper.find('[data-testid="map-zoom"]').attributes('data-channel')).toBe('4');
    await wrapper.find('[data-testid="map-zoom-close"]').trigger('click');
    expect(wrapper.find('[data-testid="map-zoom"]').exists()).toBe(false);
  });
});

describe('the saliency view', () => {
  it('computes_grad_cam_and_the_gradient_for_the_predicted_then_a_chosen_class', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-saliency"]').trigger('click');
    await pickImage(wrapper);
    expect(studio.callsOf('insight.saliency').map((c) => [c.method, c.className, c.layer])).toEqual([
      ['gradcam', null, null],
      ['gradient', null, null],
    ]);
    expect(wrapper.findAll('[data-testid="saliency-overlay"]').map((o) => o.attributes('data-method'))).toEqual(['gradcam', 'gradient']);
    expect(wrapper.find('[data-testid="saliency-summary"]').text()).toContain('The network predicts ankle-boot (91.0%); the maps explain ankle-boot.');
    await wrapper.find('[data-testid="saliency-class"]').setValue('bag');
    await wrapper.find('[data-testid="saliency-layer"]').setValue('pool1');
    await flushPromises();
    expect(studio.callsOf('insight.saliency').slice(-2).map((c) => [c.method, c.className, c.layer])).toEqual([
      ['gradcam', 'bag', 'pool1'],
      ['gradient', 'bag', null],
    ]);
    expect(wrapper.find('[data-testid="saliency-summary"]').text()).toContain('the maps explain bag.');
  });

  it('shows_each_methods_failure_on_its_own', async () => {
    const { wrapper } = setup({
      'insight.saliency': (p: { method: 'gradcam' | 'gradient' }) =>
        p.method === 'gradcam' ? Promise.reject(new StudioError('invalid-argument', 'The network has no layer with a feature map, so Grad-CAM has nothing to look at.', { hint: 'Use the gradient method instead.' })) : saliency('gradient'),
    });
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-saliency"]').trigger('click');
    await pickImage(wrapper);
    expect(wrapper.find('[data-testid="gradcam-error"]').text()).toBe('The network has no layer with a feature map, so Grad-CAM has nothing to look at. Use the gradient method instead.');
    expect(wrapper.findAll('[data-testid="saliency-overlay"]').map((o) => o.attributes('data-method'))).toEqual(['gradient']);
  });
});

describe('the hand-crafted vs learned view', () => {
  it('applies_the_ten_masks_beside_the_learned_layer_and_again_when_the_masks_change', async () => {
    const { wrapper, studio } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-hand-crafted"]').trigger('click');
    await pickImage(wrapper);
    expect(studio.callsOf('insight.filterResponses')).toEqual([
      { target: { kind: 'run', runDir: RUN, weights: 'final' }, image: expect.objectContaining({ kind: 'upload' }), layer: null, presets: [...FILTER_PRESET_NAMES], kernels: [] },
    ]);
    expect(wrapper.findAll('[data-testid="hand-crafted-response"]')).toHaveLength(10);
    expect(wrapper.findAll('[data-testid="learned-response"]')).toHaveLength(8);
    await wrapper.find('[data-testid="preset-robinson-ne"]').setValue(false);
    await wrapper.find('[data-testid="add-kernel"]').trigger('click');
    const cells = wrapper.findAll('[data-testid="kernel-cell"]');
    expect(cells.map((c) => (c.element as HTMLInputElement).value)).toEqual(['0', '0', '0', '0', '1', '0', '0', '0', '0']);
    await cells[0]!.setValue('-2');
    await cells[1]!.setValue('x');
    expect(wrapper.find('[data-testid="kernel-editor"] .problem').text()).toBe('Each cell holds a number; that cell is not used.');
    await wrapper.find('[data-testid="apply-masks"]').trigger('click');
    await flushPromises();
    const last = studio.callsOf('insight.filterResponses').at(-1)!;
    expect(last.presets).toEqual(FILTER_PRESET_NAMES.filter((n) => n !== 'robinson-ne'));
    expect(last.kernels).toEqual([{ name: 'custom-1', values: [[-2, 0, 0], [0, 1, 0], [0, 0, 0]] }]);
    expect(wrapper.find('[data-testid="apply-masks"]').exists()).toBe(false);
  });

  it('puts_the_chosen_masks_into_the_network_after_the_input_as_one_undoable_step', async () => {
    const { wrapper, project } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-hand-crafted"]').trigger('click');
    for (const name of FILTER_PRESET_NAMES.filter((n) => n.startsWith('robinson'))) await wrapper.find(`[data-testid="preset-${name}"]`).setValue(false);
    await wrapper.find('[data-testid="use-trainable"]').setValue(true);
    await wrapper.find('[data-testid="use-as-layer-button"]').trigger('click');
    const added = project.graph.nodes.find((n) => n.id === 'sobel1')!;
    expect(added).toMatchObject({ kind: 'Conv2D', params: { filters: 2, kernelSize: 3, filterPreset: ['sobel-vertical', 'sobel-horizontal'], trainable: true, padding: 'same', activation: 'linear' } });
    expect(project.graph.edges.filter((e) => e.from === 'input' || e.from === 'sobel1' || e.to === 'sobel1')).toEqual([
      { from: 'input', to: 'sobel1' },
      { from: 'sobel1', to: 'conv1' },
    ]);
    expect(project.analysis.nodes.find((n) => n.id === 'conv1')?.outputShape).toEqual([26, 26, 8]);
    expect(useSelectionStore().nodeIds).toEqual(['sobel1']);
    expect(useWorkspaceStore().view).toBe('network');
    expect(useProjectStore().undo()).toBe(true);
    expect(project.graph.nodes.some((n) => n.id === 'sobel1')).toBe(false);
  });

  it('puts_a_typed_kernel_in_as_a_frozen_layer_spread_over_the_channels', async () => {
    const { wrapper, project } = setup();
    await flushPromises();
    await wrapper.find('[data-testid="insight-tab-hand-crafted"]').trigger('click');
    await wrapper.find('[data-testid="add-kernel"]').trigger('click');
    await wrapper.find('[data-testid="use-what"]').setValue('0');
    await wrapper.find('[data-testid="use-as-layer-button"]').trigger('click');
    expect(project.graph.nodes.find((n) => n.id === 'custom1')).toMatchObject({ params: { filters: 1, kernelSize: 3, trainable: false, filterValues: [[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]], filterPreset: null } });
  });
});
