import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { EvaluationResult, EvaluationSource } from '../../../shared/api/methods/evaluation';
import type { InsightFilterResponses } from '../../../shared/api/methods/insight';
import type { RunMetrics } from '../../../shared/api/methods/runs';
import { describeError } from '../../../shared/errors';
import type { BaselineFeatures } from '../../../shared/hog/feature-spec';
import type { HogSettings } from '../../../shared/hog/hog-settings';
import { DEFAULT_HOG_SETTINGS } from '../../../shared/hog/hog-settings';
import type { BatchEvent, EpochEvent } from '../../../shared/run/run-events';
import { base64Bytes } from '../panels/insight/raster';
import { useClientStore } from './client-store';
import type { HogImage } from './hog-store';
import { useInsightStore } from './insight-store';
import { useRunsStore } from './runs-store';

/** One side of the comparison: a run's evaluation on the shared images and its curves (training time, parameters). */
export interface ComparedSide {
  runDir: string;
  evaluation: EvaluationResult;
  metrics: RunMetrics;
}

/** The comparison on one picked image: the network's first convolution and the masks, and the image grey for HOG. */
export interface PickedImageComparison {
  responses: InsightFilterResponses;
  grey: HogImage;
}

let nextJob = 1;

/**
 * "Compare with a hand-crafted baseline": a network's run, a baseline (trained here on the same data,
 * split and image size, or one trained before), both evaluated on the same images (the test split when
 * the dataset has one, else the run's validation split), and one picked image seen by both.
 */
export const useBaselineStore = defineStore('baseline', () => {
  const clients = useClientStore();
  const runs = useRunsStore();
  const insight = useInsightStore();

  const chosenRun = ref<string | null>(null);
  const chosenBaseline = ref<string | null>(null);
  const featureKind = ref<BaselineFeatures['kind']>('hog');
  /** 4-pixel cells suit small images such as Fashion-MNIST's 28x28 (the measured setting). */
  const hog = ref<HogSettings>({ ...DEFAULT_HOG_SETTINGS, cellSize: 4 });
  const epochs = ref<number | null>(null);
  const training = ref(false);
  const jobId = ref<string | null>(null);
  const lastEpoch = shallowRef<EpochEvent | null>(null);
  const lastBatch = shallowRef<BatchEvent | null>(null);
  const trainError = ref<string | null>(null);
  const sides = shallowRef<{ cnn: ComparedSide; baseline: ComparedSide } | null>(null);
  const comparing = ref(false);
  const compareError = ref<string | null>(null);
  const picked = shallowRef<PickedImageComparison | null>(null);
  const pickedError = ref<string | null>(null);
  const picking = ref(false);
  let unsubscribe: (() => void) | null = null;
  let compareTicket = 0;
  let pickTicket = 0;

  /** Runs of a network with weights (a baseline is compared with, not against). */
  const networkRuns = computed(() => runs.list.filter((r) => r.hasWeights && r.kind !== 'baseline'));
  const baselineRuns = computed(() => runs.list.filter((r) => r.hasWeights && r.kind === 'baseline'));
  const run = computed(() => networkRuns.value.find((r) => r.runDir === chosenRun.value)?.runDir ?? networkRuns.value.find((r) => r.runDir === runs.selected)?.runDir ?? networkRuns.value[0]?.runDir ?? null);
  const baseline = computed(() => baselineRuns.value.find((r) => r.runDir === chosenBaseline.value)?.runDir ?? null);
  const features = computed<BaselineFeatures>(() => (featureKind.value === 'hog' ? { kind: 'hog', hog: hog.value } : { kind: 'pixels' }));

  function listen(): void {
    unsubscribe ??= clients.use().on('hog.baselineProgress', ({ jobId: id, event }) => {
      if (id !== jobId.value) return;
      if (event.type === 'batch') lastBatch.value = event;
      if (event.type === 'epoch') lastEpoch.value = event;
    });
  }

  /** Trains a baseline beside the chosen run; when it is done it is the baseline compared. */
  async function train(): Promise<boolean> {
    const dir = run.value;
    if (!dir || training.value) return false;
    listen();
    const id = `baseline-${nextJob++}-${Date.now().toString(36)}`;
    jobId.value = id;
    training.value = true;
    trainError.value = null;
    lastEpoch.value = null;
    lastBatch.value = null;
    try {
      const result = await clients.use().call('hog.trainBaseline', { jobId: id, runDir: dir, features: features.value, epochs: epochs.value });
      await runs.refresh();
      chosenBaseline.value = result.runDir;
      chosenRun.value = dir;
      if (result.status === 'completed') await compare();
      return true;
    } catch (failure) {
      trainError.value = describeError(failure);
      return false;
    } finally {
      training.value = false;
    }
  }

  async function stop(): Promise<void> {
    if (jobId.value && training.value) await clients.use().call('hog.stopBaseline', { jobId: jobId.value }).catch(() => undefined);
  }

  async function side(runDir: string, source: EvaluationSource): Promise<ComparedSide> {
    const [evaluation, metrics] = await Promise.all([clients.use().call('evaluation.run', { runDir, source, worst: 0 }), clients.use().call('runs.metrics', { runDir })]);
    return { runDir, evaluation, metrics };
  }

  /** Evaluates both runs on the same images: the test split when there is one, else the validation split. */
  async function compare(): Promise<boolean> {
    const cnn = run.value;
    const base = baseline.value;
    if (!cnn || !base) return false;
    const mine = ++compareTicket;
    comparing.value = true;
    compareError.value = null;
    try {
      let network: ComparedSide;
      let source: EvaluationSource = 'test';
      try {
        network = await side(cnn, 'test');
      } catch {
        source = 'validation';
        network = await side(cnn, 'validation');
      }
      const other = await side(base, source);
      if (mine === compareTicket) sides.value = { cnn: network, baseline: other };
      return true;
    } catch (failure) {
      if (mine === compareTicket) compareError.value = describeError(failure);
      return false;
    } finally {
      if (mine === compareTicket) comparing.value = false;
    }
  }

  /** The picked image through the run's first convolution beside the masks, and grey at the run's input size for HOG. */
  async function pick(): Promise<void> {
    const dir = run.value;
    const image = insight.chosen?.image;
    if (!dir || !image) return;
    const mine = ++pickTicket;
    picking.value = true;
    pickedError.value = null;
    try {
      const responses = await clients.use().call('insight.filterResponses', { target: { kind: 'run', runDir: dir, weights: 'final' }, image, layer: null });
      const size = { height: responses.preprocessing.height, width: responses.preprocessing.width };
      const grey = await clients.use().call('hog.greyImage', { image, size });
      if (mine !== pickTicket) return;
      picked.value = { responses, grey: { name: grey.name, height: grey.height, width: grey.width, data: base64Bytes(grey.data), resizedFrom: grey.resizedFrom } };
    } catch (failure) {
      if (mine === pickTicket) pickedError.value = describeError(failure);
    } finally {
      if (mine === pickTicket) picking.value = false;
    }
  }

  return {
    chosenRun,
    chosenBaseline,
    featureKind,
    hog,
    epochs,
    training,
    lastEpoch,
    lastBatch,
    trainError,
    sides,
    comparing,
    compareError,
    picked,
    pickedError,
    picking,
    networkRuns,
    baselineRuns,
    run,
    baseline,
    features,
    train,
    stop,
    compare,
    pick,
  };
});
