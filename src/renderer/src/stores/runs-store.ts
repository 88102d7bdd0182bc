import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef, watch } from 'vue';
import type { RunMetrics, RunSummary } from '../../../shared/api/methods/runs';
import { describeError } from '../../../shared/errors';
import { useClientStore } from './client-store';
import { useProjectStore } from './project-store';
import { useUiStore } from './ui-store';

/** The key in the project's `ui` under which a runs folder the user chose is kept. */
export const RUNS_FOLDER_KEY = 'runsFolder';

/**
 * The project's run history: the runs folder and its runs (newest first), the run the evaluation,
 * prediction and export views work on (`selected`), the two runs whose curves are overlaid
 * (`compare`), and each run's curves as read back from its metrics.jsonl.
 */
export const useRunsStore = defineStore('runs', () => {
  const clients = useClientStore();
  const project = useProjectStore();
  const ui = useUiStore();

  const folder = ref<string | null>(null);
  const list = shallowRef<RunSummary[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  const selected = ref<string | null>(null);
  const compare = ref<string[]>([]);
  const metrics = shallowReactive(new Map<string, RunMetrics>());
  const metricsErrors = shallowReactive(new Map<string, string>());
  let refreshing: Promise<void> | null = null;
  let again = false;

  /** The folder the user chose for this project's runs, or null for the default place. */
  const chosenFolder = computed(() => {
    const value = project.project.ui[RUNS_FOLDER_KEY];
    return typeof value === 'string' && value.trim() ? value : null;
  });
  const selectedRun = computed(() => list.value.find((r) => r.runDir === selected.value) ?? null);
  /** Runs with weights to evaluate, predict and export with. */
  const usable = computed(() => list.value.filter((r) => r.hasWeights));

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const result = await clients.use().call('runs.list', { projectPath: project.path, projectName: project.project.name, runsFolder: chosenFolder.value });
      folder.value = result.folder;
      list.value = result.runs;
      error.value = null;
      loaded.value = true;
      // The newest run with weights is the one to judge, unless the user chose another that still exists.
      if (!result.runs.some((r) => r.runDir === selected.value)) selected.value = result.runs.find((r) => r.hasWeights)?.runDir ?? result.runs[0]?.runDir ?? null;
      compare.value = compare.value.filter((dir) => result.runs.some((r) => r.runDir === dir));
    } catch (failure) {
      error.value = describeError(failure);
    } finally {
      loading.value = false;
    }
  }

  /** Reads the runs folder again (a refresh asked for while one runs is done once it ends). */
  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** Loads the history once (views call it when they show). */
  async function ensureLoaded(): Promise<void> {
    if (!loaded.value) await refresh();
  }

  function select(runDir: string | null): void {
    selected.value = runDir;
  }

  /** Adds or removes a run from the comparison; a third replaces the older of the two. */
  function toggleCompare(runDir: string): void {
    compare.value = compare.value.includes(runDir) ? compare.value.filter((d) => d !== runDir) : [...compare.value, runDir].slice(-2);
  }

  /** A run's curves; read once, then again only when `fresh` (a run that has moved on). */
  async function loadMetrics(runDir: string, fresh = false): Promise<RunMetrics | null> {
    if (!fresh && metrics.has(runDir)) return metrics.get(runDir)!;
    try {
      const result = await clients.use().call('runs.metrics', { runDir });
      metrics.set(runDir, result);
      metricsErrors.delete(runDir);
      return result;
    } catch (failure) {
      metricsErrors.set(runDir, describeError(failure));
      return null;
    }
  }

  /** Forgets what was read of a run (it has trained further). */
  function invalidate(runDir: string): void {
    metrics.delete(runDir);
  }

  /** Keeps the project's runs in a folder of the user's choice (saved with the project); null for the default. */
  function setFolder(path: string | null): void {
    const value = path?.trim() || null;
    project.change(value ? 'Choose the runs folder' : 'Use the default runs folder', (p) => {
      if ((p.ui[RUNS_FOLDER_KEY] ?? null) === value) return p;
      const ui = { ...p.ui };
      if (value) ui[RUNS_FOLDER_KEY] = value;
      else delete ui[RUNS_FOLDER_KEY];
      return { ...p, ui };
    });
  }

  /** The native folder dialog for the runs folder (Electron). */
  async function chooseFolder(): Promise<void> {
    try {
      const { path } = await clients.use().call('app.openDialog', { title: 'Choose the folder for this project\u2019s runs', directory: true, ...(folder.value ? { defaultPath: folder.value } : {}) });
      if (path) setFolder(path);
    } catch (failure) {
      ui.toast(describeError(failure), 'error');
    }
  }

  // Another project, or the same one saved elsewhere or renamed, has other runs.
  watch([() => project.path, () => project.project.name, chosenFolder], () => {
    if (loaded.value) void refresh();
  });

  return {
    folder,
    list,
    loading,
    loaded,
    error,
    selected,
    compare,
    metrics,
    metricsErrors,
    chosenFolder,
    selectedRun,
    usable,
    refresh,
    ensureLoaded,
    select,
    toggleCompare,
    loadMetrics,
    invalidate,
    setFolder,
    chooseFolder,
  };
});
