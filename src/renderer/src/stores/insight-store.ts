import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { InsightImage, RunNetwork } from '../../../shared/api/methods/insight';
import { MAX_UPLOAD_IMAGE_BYTES } from '../../../shared/api/methods/prediction';
import { describeError } from '../../../shared/errors';
import type { InsightTarget, RunWeightChoice } from '../../../shared/insight/insight-jobs';
import { projectFromFile, projectToFile } from '../../../shared/project/codec';
import type { FlatGraph } from '../../../shared/shapes/analyze';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { useClientStore } from './client-store';
import { fileToBase64 } from './prediction-store';
import { useProjectStore } from './project-store';
import { useRunsStore } from './runs-store';

/** The image the insight views look at: what is sent to the services, and how the window shows it. */
export interface ChosenImage {
  image: InsightImage;
  /** The file's path on the services' machine, or the uploaded file's name. */
  name: string;
  /** An object URL of an uploaded file (null for a dataset file: its thumbnail shows it). */
  url: string | null;
  /** Tells two choices apart (the same name dropped twice may be two images). */
  serial: number;
}

let nextImage = 1;

/** What the views look inside: the run chosen in the history, or the open project as training would start it. */
export type InsightSource = 'run' | 'project';

/**
 * The insight views' shared choices: what to look inside (a run and which of its weights, or the
 * project), that network's layers and classes, and the one image every view follows through it.
 */
export const useInsightStore = defineStore('insight', () => {
  const clients = useClientStore();
  const project = useProjectStore();
  const runs = useRunsStore();

  const source = ref<InsightSource>('run');
  const weights = ref<RunWeightChoice>('final');
  const network = shallowRef<RunNetwork | null>(null);
  const networkError = ref<string | null>(null);
  const loadingNetwork = ref(false);
  const chosen = shallowRef<ChosenImage | null>(null);
  const imageError = ref<string | null>(null);

  /** The source in effect: the project while there is no run to look at. */
  const active = computed<InsightSource>(() => (source.value === 'run' && runs.selected ? 'run' : 'project'));
  /** The run looked at, when the source is a run and one is chosen. */
  const runDir = computed(() => (active.value === 'run' ? runs.selected : null));
  /**
   * What the services are asked to look inside; null until it is known (the run history is read, the
   * run's network is read), so no engine starts for a choice about to change.
   */
  const target = computed<InsightTarget | null>(() => {
    if (source.value === 'run' && !runs.loaded) return null;
    if (active.value === 'project') return { kind: 'project', project: projectToFile(project.project), projectPath: project.path };
    return runDir.value && network.value?.runDir === runDir.value ? { kind: 'run', runDir: runDir.value, weights: weights.value } : null;
  });
  /** The network looked at, blocks expanded (null while it has errors or the run is not read yet). */
  const flat = computed<FlatGraph | null>(() => {
    if (active.value === 'project') return project.analysis.flat;
    if (!network.value || network.value.runDir !== runDir.value) return null;
    return analyzeGraph(projectFromFile(network.value.project).graph).flat;
  });
  const labels = computed<string[]>(() => {
    if (active.value === 'run') return network.value?.labels ?? [];
    const output = flat.value?.nodes.find((n) => n.id === flat.value?.outputId);
    return Array.from({ length: Number(output?.params.classes ?? 0) }, (_, i) => `class-${i}`);
  });
  const convLayers = computed(() => flat.value?.nodes.filter((n) => n.kind === 'Conv2D') ?? []);
  /** Changes whenever the network or its weights do (what the filters view depends on). */
  /** What of the open project its answers depend on: the layers and connections (not their places), starting weights, seed and preprocessing. */
  const projectKey = computed(() => {
    if (active.value !== 'project') return null;
    const p = project.project;
    return JSON.stringify([p.graph.nodes.map((n) => [n.id, n.kind, n.params]), p.graph.edges, p.initialWeights, p.training.seed, p.dataset.normalization, p.dataset.resize]);
  });
  const networkKey = computed(() => JSON.stringify([target.value !== null, active.value, runDir.value, weights.value, projectKey.value]));
  /** Changes whenever the answers of the image views would: another network, weights or image. */
  const key = computed(() => JSON.stringify([networkKey.value, chosen.value?.serial ?? 0]));
  const isBaseline = computed(() => active.value === 'run' && network.value?.kind === 'baseline');

  async function loadNetwork(): Promise<void> {
    const dir = runDir.value;
    if (!dir || network.value?.runDir === dir) return;
    loadingNetwork.value = true;
    networkError.value = null;
    try {
      const answer = await clients.use().call('insight.runNetwork', { runDir: dir });
      if (runDir.value === dir) network.value = answer;
    } catch (failure) {
      networkError.value = describeError(failure);
    } finally {
      loadingNetwork.value = false;
    }
  }

  function setSource(next: InsightSource): void {
    source.value = next;
  }

  /** A dataset image (a file on the services' machine). */
  function chooseFile(path: string): void {
    release();
    imageError.value = null;
    chosen.value = { image: { kind: 'file', path }, name: path, url: null, serial: nextImage++ };
  }

  /** An image picked or dropped in the window: uploaded with each request. */
  async function chooseUpload(file: File): Promise<void> {
    imageError.value = null;
    if (file.size > MAX_UPLOAD_IMAGE_BYTES) {
      imageError.value = `${file.name} has ${(file.size / 1024 / 1024).toFixed(1)} MB; images up to ${MAX_UPLOAD_IMAGE_BYTES / 1024 / 1024} MB can be looked at.`;
      return;
    }
    const data = await fileToBase64(file);
    release();
    chosen.value = { image: { kind: 'upload', name: file.name, data }, name: file.name, url: typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null, serial: nextImage++ };
  }

  function release(): void {
    const url = chosen.value?.url;
    if (url && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(url);
  }

  watch(runDir, (dir) => {
    if (dir) void loadNetwork();
  });

  return { source, active, weights, network, networkError, loadingNetwork, chosen, imageError, runDir, target, flat, labels, convLayers, networkKey, key, isBaseline, loadNetwork, setSource, chooseFile, chooseUpload };
});
