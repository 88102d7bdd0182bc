import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { GreyImageAnswer } from '../../../shared/api/methods/hog';
import { describeError, isStudioError } from '../../../shared/errors';
import type { GreyImage } from '../../../shared/hog/gradients';
import type { HogCellDetail } from '../../../shared/hog/cell-detail';
import { hogCellDetail } from '../../../shared/hog/cell-detail';
import type { HogResult } from '../../../shared/hog/hog';
import { computeHog } from '../../../shared/hog/hog';
import type { HogGlyphSet } from '../../../shared/hog/hog-glyphs';
import { hogGlyphs } from '../../../shared/hog/hog-glyphs';
import type { HogSettings } from '../../../shared/hog/hog-settings';
import { DEFAULT_HOG_SETTINGS, hogSettingsSchema } from '../../../shared/hog/hog-settings';
import { base64Bytes } from '../panels/insight/raster';
import { useClientStore } from './client-store';
import { useInsightStore } from './insight-store';

/** The grey image HOG reads, as the window holds it. */
export interface HogImage extends GreyImage {
  name: string;
  data: Uint8Array;
  resizedFrom: GreyImageAnswer['resizedFrom'];
}

/**
 * The HOG view: the image (the insight views' chosen one, decoded grey by the services as the dataset
 * pipeline decodes it) at its own size or the network's input size, the settings, the HOG computed
 * here as they change, and the cell opened in detail.
 */
export const useHogStore = defineStore('hog', () => {
  const clients = useClientStore();
  const insight = useInsightStore();
  const settings = ref<HogSettings>({ ...DEFAULT_HOG_SETTINGS });
  const settingsProblem = ref<string | null>(null);
  /** `input`: fitted to the network's Input, as the baseline sees it; `own`: the image's own size (up to 512 pixels). */
  const sizeMode = ref<'input' | 'own'>('input');
  const image = shallowRef<HogImage | null>(null);
  const imageKey = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const cell = ref<{ row: number; col: number } | null>(null);
  let ticket = 0;

  const inputSize = computed(() => {
    const flat = insight.flat;
    const input = flat?.nodes.find((n) => n.id === flat.inputId);
    return input ? { height: Number(input.params.height), width: Number(input.params.width) } : null;
  });
  const wantedKey = computed(() => JSON.stringify([insight.chosen?.serial ?? 0, sizeMode.value, sizeMode.value === 'input' ? inputSize.value : null]));

  const outcome = computed<{ result: HogResult | null; problem: string | null }>(() => {
    if (!image.value) return { result: null, problem: null };
    try {
      return { result: computeHog(image.value, settings.value), problem: null };
    } catch (failure) {
      return { result: null, problem: isStudioError(failure) ? failure.sentence : describeError(failure) };
    }
  });
  const result = computed(() => outcome.value.result);
  const problem = computed(() => outcome.value.problem);
  const glyphs = computed<HogGlyphSet | null>(() => (result.value ? hogGlyphs(result.value.histograms, result.value.grid) : null));
  const detail = computed<HogCellDetail | null>(() => {
    const c = cell.value;
    if (!c || !image.value || !result.value) return null;
    if (c.row >= result.value.grid.cellRows || c.col >= result.value.grid.cellCols) return null;
    return hogCellDetail(image.value, result.value, c.row, c.col);
  });

  /** Decodes the chosen image grey (again only when the image or the size changed). */
  async function load(force = false): Promise<void> {
    const chosen = insight.chosen;
    if (!chosen) return;
    const key = wantedKey.value;
    if (!force && imageKey.value === key) return;
    const mine = ++ticket;
    loading.value = true;
    error.value = null;
    try {
      const size = sizeMode.value === 'input' ? inputSize.value : null;
      const answer = await clients.use().call('hog.greyImage', { image: chosen.image, size });
      if (mine !== ticket) return;
      image.value = { name: answer.name, height: answer.height, width: answer.width, data: base64Bytes(answer.data), resizedFrom: answer.resizedFrom };
      imageKey.value = key;
      cell.value = null;
    } catch (failure) {
      if (mine === ticket) error.value = describeError(failure);
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  /** Changes a setting when the settings' schema accepts the value; otherwise says why. */
  function set<K extends keyof HogSettings>(key: K, value: HogSettings[K]): void {
    const parsed = hogSettingsSchema.safeParse({ ...settings.value, [key]: value });
    if (!parsed.success) {
      settingsProblem.value = `${key}: ${parsed.error.issues[0]?.message ?? 'not valid'}`;
      return;
    }
    settingsProblem.value = null;
    settings.value = parsed.data;
  }

  function open(row: number, col: number): void {
    cell.value = { row, col };
  }

  return { settings, settingsProblem, sizeMode, image, loading, error, cell, inputSize, result, problem, glyphs, detail, load, set, open, wantedKey };
});
