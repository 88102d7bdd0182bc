import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { InsightSaliency } from '../../../shared/api/methods/insight';
import { describeError } from '../../../shared/errors';
import type { SaliencyMethod } from '../../../shared/insight/insight-jobs';
import { useClientStore } from './client-store';
import { useInsightStore } from './insight-store';

/** One method's answer for the shown image, or why there is none. */
export interface SaliencyResult {
  report: InsightSaliency | null;
  error: string | null;
}

const METHODS: readonly SaliencyMethod[] = ['gradcam', 'gradient'];

/**
 * The saliency view: Grad-CAM (at the last convolution or a chosen layer) and plain gradient saliency
 * of the chosen image, for the predicted class or a chosen one, overlaid on the image.
 */
export const useSaliencyStore = defineStore('insight-saliency', () => {
  const clients = useClientStore();
  const insight = useInsightStore();
  /** Null: the class the network predicts. */
  const className = ref<string | null>(null);
  /** Null: the last convolution. */
  const layer = ref<string | null>(null);
  const opacity = ref(0.5);
  const results = shallowRef<Record<SaliencyMethod, SaliencyResult> | null>(null);
  const resultsKey = ref<string | null>(null);
  const loading = ref(false);
  let ticket = 0;

  const wantedKey = computed(() => JSON.stringify([insight.key, className.value, layer.value]));
  const current = computed(() => (resultsKey.value === wantedKey.value ? results.value : null));

  /** Both maps for the image (again only when something they depend on changed). */
  async function load(force = false): Promise<void> {
    const target = insight.target;
    const image = insight.chosen?.image;
    if (!target || !image || insight.isBaseline) return;
    const key = wantedKey.value;
    if (!force && resultsKey.value === key) return;
    const mine = ++ticket;
    loading.value = true;
    const answers = await Promise.all(
      METHODS.map(async (method): Promise<SaliencyResult> => {
        try {
          return { report: await clients.use().call('insight.saliency', { target, image, method, className: className.value, layer: method === 'gradcam' ? layer.value : null }), error: null };
        } catch (failure) {
          return { report: null, error: describeError(failure) };
        }
      }),
    );
    if (mine !== ticket) return;
    results.value = { gradcam: answers[0]!, gradient: answers[1]! };
    resultsKey.value = key;
    loading.value = false;
  }

  return { className, layer, opacity, results, current, loading, load };
});
