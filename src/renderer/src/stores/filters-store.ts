import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { describeError } from '../../../shared/errors';
import type { FilterMode, FilterScale } from '../../../shared/insight/filter-display';
import type { FilterReport } from '../../../shared/insight/insight-jobs';
import { useClientStore } from './client-store';
import { useInsightStore } from './insight-store';

/**
 * The filters view: which Conv2D, how its kernels are drawn (colour, per input channel or averaged;
 * one scale or one per filter) and whether before and after training show side by side.
 */
export const useFiltersStore = defineStore('insight-filters', () => {
  const clients = useClientStore();
  const insight = useInsightStore();
  /** The chosen layer; null (or one the network lacks): its first convolution. */
  const chosenLayer = ref<string | null>(null);
  /** Null: the layer's default (colour for RGB input, each channel for grey, else averaged). */
  const mode = ref<FilterMode | null>(null);
  const scale = ref<FilterScale>('shared');
  const compare = ref(true);
  const report = shallowRef<FilterReport | null>(null);
  const reportKey = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let ticket = 0;

  const layer = computed(() => {
    const convs = insight.convLayers;
    return convs.find((n) => n.id === chosenLayer.value)?.id ?? convs[0]?.id ?? null;
  });
  const wantedKey = computed(() => JSON.stringify([insight.networkKey, layer.value]));
  const current = computed(() => (reportKey.value === wantedKey.value ? report.value : null));

  /** Reads the chosen layer's kernels (again only when the network, weights or layer changed). */
  async function load(force = false): Promise<void> {
    const target = insight.target;
    const id = layer.value;
    if (!target || !id || insight.isBaseline) return;
    const key = wantedKey.value;
    if (!force && reportKey.value === key) return;
    const mine = ++ticket;
    loading.value = true;
    error.value = null;
    try {
      const answer = await clients.use().call('insight.filters', { target, layer: id });
      if (mine !== ticket) return;
      report.value = answer;
      reportKey.value = key;
    } catch (failure) {
      if (mine === ticket) error.value = describeError(failure);
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  return { chosenLayer, mode, scale, compare, report, current, loading, error, layer, load };
});
