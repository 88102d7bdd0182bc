import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { InsightActivations } from '../../../shared/api/methods/insight';
import { describeError } from '../../../shared/errors';
import type { ColourScaleName } from '../../../shared/insight/colour-scale';
import { useClientStore } from './client-store';
import { useInsightStore } from './insight-store';

/** A map opened large: a layer and one of its channels. */
export interface MapChoice {
  layer: string;
  channel: number;
}

/**
 * The feature maps view: one image followed through every layer of the network, each layer's maps on
 * one colour scale (or each map on its own), and the map opened large.
 */
export const useFeatureMapsStore = defineStore('insight-feature-maps', () => {
  const clients = useClientStore();
  const insight = useInsightStore();
  const report = shallowRef<InsightActivations | null>(null);
  const reportKey = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const colourScale = ref<ColourScaleName>('viridis');
  /** `layer`: one range per layer, so its maps compare; `map`: each map spans the whole scale. */
  const range = ref<'layer' | 'map'>('layer');
  const opened = ref<MapChoice | null>(null);
  let ticket = 0;

  const current = computed(() => (reportKey.value === insight.key ? report.value : null));

  /** Every layer's maps for the chosen image (again only when the network, weights or image changed). */
  async function load(force = false): Promise<void> {
    const target = insight.target;
    const image = insight.chosen?.image;
    if (!target || !image || insight.isBaseline) return;
    const key = insight.key;
    if (!force && reportKey.value === key) return;
    const mine = ++ticket;
    loading.value = true;
    error.value = null;
    try {
      const answer = await clients.use().call('insight.activations', { target, image, layers: null });
      if (mine !== ticket) return;
      report.value = answer;
      reportKey.value = key;
      if (opened.value && !answer.layers.some((l) => l.layer === opened.value!.layer)) opened.value = null;
    } catch (failure) {
      if (mine === ticket) error.value = describeError(failure);
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  function open(choice: MapChoice | null): void {
    opened.value = choice;
  }

  return { report, current, loading, error, colourScale, range, opened, load, open };
});
