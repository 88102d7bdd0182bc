import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { InsightFilterResponses } from '../../../shared/api/methods/insight';
import { describeError } from '../../../shared/errors';
import type { FilterPresetName } from '../../../shared/layers/filter-presets';
import { FILTER_PRESET_NAMES } from '../../../shared/layers/filter-presets';
import type { Grid } from '../../../shared/insight/grids';
import type { HandCraftedFilters } from '../panels/insight/hand-crafted-layer';
import { handCraftedConvParams, insertAfterInput } from '../panels/insight/hand-crafted-layer';
import { useClientStore } from './client-store';
import { useInsightStore } from './insight-store';
import { useProjectStore } from './project-store';
import { useSelectionStore } from './selection-store';
import { useUiStore } from './ui-store';
import { useWorkspaceStore } from './workspace-store';

/** A kernel typed by the user: a name and a square grid of numbers. */
export interface CustomKernel {
  name: string;
  values: Grid;
}

/** A square grid of zeros with 1 in the middle (the identity mask), to start typing from. */
export function identityKernel(size: number): Grid {
  const mid = Math.floor(size / 2);
  return Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => (r === mid && c === mid ? 1 : 0)));
}

/**
 * The hand-crafted vs learned view: which preset masks and typed kernels to apply, the learned layer
 * to set beside them, the answer for the chosen image, and "use as layer", which puts masks or kernels
 * into the network as a Conv2D (frozen, or as a trainable starting point).
 */
export const useHandCraftedStore = defineStore('insight-hand-crafted', () => {
  const clients = useClientStore();
  const insight = useInsightStore();
  const project = useProjectStore();
  const selection = useSelectionStore();
  const ui = useUiStore();
  const workspace = useWorkspaceStore();

  const presets = ref<FilterPresetName[]>([...FILTER_PRESET_NAMES]);
  const kernels = ref<CustomKernel[]>([]);
  /** Null: the first convolution. */
  const layer = ref<string | null>(null);
  const report = shallowRef<InsightFilterResponses | null>(null);
  const reportKey = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let ticket = 0;

  const wantedKey = computed(() => JSON.stringify([insight.key, layer.value, presets.value, kernels.value]));
  const current = computed(() => (reportKey.value === wantedKey.value ? report.value : null));
  const stale = computed(() => report.value !== null && reportKey.value !== wantedKey.value);

  async function load(force = false): Promise<void> {
    const target = insight.target;
    const image = insight.chosen?.image;
    if (!target || !image || insight.isBaseline) return;
    const key = wantedKey.value;
    if (!force && reportKey.value === key) return;
    const mine = ++ticket;
    loading.value = true;
    error.value = null;
    try {
      const answer = await clients.use().call('insight.filterResponses', { target, image, layer: layer.value, presets: presets.value, kernels: kernels.value });
      if (mine !== ticket) return;
      report.value = answer;
      reportKey.value = key;
    } catch (failure) {
      if (mine === ticket) error.value = describeError(failure);
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  function togglePreset(name: FilterPresetName): void {
    presets.value = presets.value.includes(name) ? presets.value.filter((p) => p !== name) : FILTER_PRESET_NAMES.filter((p) => p === name || presets.value.includes(p));
  }

  function addKernel(size = 3): void {
    const used = new Set(kernels.value.map((k) => k.name));
    let n = kernels.value.length + 1;
    while (used.has(`custom-${n}`)) n += 1;
    kernels.value = [...kernels.value, { name: `custom-${n}`, values: identityKernel(size) }];
  }

  function setKernel(index: number, kernel: CustomKernel): void {
    kernels.value = kernels.value.map((k, i) => (i === index ? kernel : k));
  }

  function removeKernel(index: number): void {
    kernels.value = kernels.value.filter((_, i) => i !== index);
  }

  /**
   * Puts the filters into the open project as a Conv2D right after the Input (one undo step), selects
   * it and shows the network. Returns the new layer's id, or null when it could not be added (said in a toast).
   */
  function useAsLayer(filters: HandCraftedFilters, trainable: boolean): string | null {
    try {
      const flat = project.analysis.flat;
      const input = flat?.nodes.find((n) => n.id === flat.inputId) ?? project.graph.nodes.find((n) => n.kind === 'Input');
      const channels = input?.params.channels === 3 ? 3 : 1;
      const params = handCraftedConvParams(filters, channels, trainable);
      let id = '';
      const stem = 'presets' in filters ? (filters.presets.every((p) => p.startsWith('sobel')) ? 'sobel' : filters.presets.every((p) => p.startsWith('robinson')) ? 'robinson' : 'handcrafted') : 'custom';
      project.changeGraph(`Add hand-crafted filters as a layer`, (g) => {
        const inserted = insertAfterInput(g, 'Conv2D', params, stem);
        id = inserted.id;
        return inserted.graph;
      });
      selection.select([id]);
      workspace.show('network');
      ui.requestView('focus', id);
      ui.toast(`Added ${id} after the Input (${trainable ? 'a trainable starting point' : 'frozen'}); its filters are in the inspector.`, 'success');
      return id;
    } catch (failure) {
      ui.toast(describeError(failure), 'error');
      return null;
    }
  }

  return { presets, kernels, layer, report, current, stale, loading, error, load, togglePreset, addKernel, setKernel, removeKernel, useAsLayer };
});
