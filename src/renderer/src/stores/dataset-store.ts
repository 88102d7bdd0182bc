import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DatasetScan, ScanProgress } from '../../../shared/api/methods/dataset';
import { describeError, isStudioError } from '../../../shared/errors';
import type { DatasetSettings } from '../../../shared/project/settings';
import { useClientStore } from './client-store';
import { useDocumentStore } from './document-store';
import { useProjectStore } from './project-store';
import { useUiStore } from './ui-store';

/** A sample chosen for the augmentation preview. */
export interface PreviewSample {
  path: string;
  file: string;
  className: string;
}

/** The Input's size, which the preview fits images to; null while the network has no valid Input. */
function inputSize(project: ReturnType<typeof useProjectStore>): { height: number; width: number; channels: 1 | 3 } | null {
  const flat = project.analysis.flat;
  const input = flat?.nodes.find((n) => n.id === flat.inputId);
  if (!input) return null;
  return { height: Number(input.params.height), width: Number(input.params.width), channels: input.params.channels === 3 ? 3 : 1 };
}

let nextScan = 1;

/**
 * The dataset panel: the project's dataset settings (edited as project changes, so they undo and
 * save with it), the scan of its folder with progress, and the augmentation preview.
 */
export const useDatasetStore = defineStore('dataset', () => {
  const clients = useClientStore();
  const project = useProjectStore();
  const documents = useDocumentStore();
  const ui = useUiStore();

  const scan = shallowRef<DatasetScan | null>(null);
  /** What the shown scan was made from, to tell when the settings have moved on. */
  const scannedKey = ref<string | null>(null);
  const scanning = ref(false);
  const progress = shallowRef<ScanProgress | null>(null);
  const error = ref<string | null>(null);
  let scanId: string | null = null;
  let unsubscribe: (() => void) | null = null;

  const previewSample = shallowRef<PreviewSample | null>(null);
  const preview = shallowRef<{ url: string; columns: number; count: number } | null>(null);
  const previewError = ref<string | null>(null);
  const previewSeed = ref(1);
  const previewLoading = ref(false);

  const settings = computed(() => project.project.dataset);
  /** The scan's inputs: the folder, the test folder, the split and its seed. */
  const currentKey = computed(() => JSON.stringify([settings.value.path, settings.value.testPath, settings.value.validationSplit, project.project.training.seed, project.path]));
  const stale = computed(() => scan.value !== null && scannedKey.value !== currentKey.value);
  const canChooseFolder = computed(() => documents.info?.nativeDialogs === true);

  /** Changes dataset settings as one project edit (typing in one field coalesces). */
  function update(patch: Partial<DatasetSettings>, label = 'Change the dataset settings', key: string | null = null): void {
    project.change(label, (p) => {
      const next = { ...p.dataset, ...patch };
      return JSON.stringify(next) === JSON.stringify(p.dataset) ? p : { ...p, dataset: next };
    }, key);
  }

  function listen(): void {
    unsubscribe ??= clients.use().on('dataset.scanProgress', (p) => {
      if (p.scanId === scanId) progress.value = p;
    });
  }

  /** Scans the project's dataset folder; the result replaces the shown one. */
  async function runScan(): Promise<boolean> {
    const path = settings.value.path;
    if (!path) {
      error.value = 'Choose the folder of images first: one sub-folder per class, or train/ and val/ (and test/) folders of class folders.';
      return false;
    }
    listen();
    if (scanId && scanning.value) void clients.use().call('dataset.cancelScan', { scanId }).catch(() => undefined);
    const id = `scan-${nextScan++}`;
    scanId = id;
    const key = currentKey.value;
    scanning.value = true;
    progress.value = null;
    error.value = null;
    try {
      const result = await clients.use().call('dataset.scan', {
        scanId: id,
        path,
        testPath: settings.value.testPath,
        validationSplit: settings.value.validationSplit,
        seed: project.project.training.seed,
        projectPath: project.path,
      });
      if (scanId !== id) return false;
      scan.value = result;
      scannedKey.value = key;
      const first = result.samples.find((s) => s.files.length);
      const keep = previewSample.value && result.samples.some((s) => s.files.some((f) => f.path === previewSample.value!.path));
      if (!keep) previewSample.value = first ? { ...first.files[0]!, className: first.className } : null;
      return true;
    } catch (failure) {
      if (scanId !== id) return false;
      // A scan replaced by a newer one, or cancelled on purpose, is no error to show.
      if (!(isStudioError(failure) && failure.code === 'cancelled')) error.value = describeError(failure);
      return false;
    } finally {
      if (scanId === id) scanning.value = false;
    }
  }

  /** Forgets the shown scan (the project has no dataset folder any more). */
  function clear(): void {
    scan.value = null;
    scannedKey.value = null;
    error.value = null;
    previewSample.value = null;
    preview.value = null;
  }

  async function cancelScan(): Promise<void> {
    if (!scanId || !scanning.value) return;
    const id = scanId;
    scanId = null;
    scanning.value = false;
    await clients.use().call('dataset.cancelScan', { scanId: id }).catch(() => undefined);
  }

  /** Sets the dataset folder (as the user typed or chose it) and scans it. */
  async function setFolder(path: string): Promise<void> {
    const trimmed = path.trim();
    update({ path: trimmed || null }, 'Choose the dataset folder');
    if (trimmed) await runScan();
  }

  /** The native folder dialog (Electron); the browser types the path instead. */
  async function chooseFolder(which: 'path' | 'testPath' = 'path'): Promise<void> {
    try {
      const current = settings.value[which] ?? undefined;
      const { path } = await clients.use().call('app.openDialog', { title: which === 'path' ? 'Choose the dataset folder' : 'Choose the test folder', directory: true, ...(current ? { defaultPath: current } : {}) });
      if (!path) return;
      if (which === 'path') await setFolder(path);
      else {
        update({ testPath: path }, 'Choose the test folder');
        await runScan();
      }
    } catch (failure) {
      ui.toast(describeError(failure), 'error');
    }
  }

  /** Renders the preview sheet of the chosen sample under the current augmentation settings. */
  async function renderPreview(): Promise<void> {
    const sample = previewSample.value;
    const input = inputSize(project);
    if (!sample) return;
    if (!input) {
      previewError.value = 'The network needs a valid Input layer to show images at its size.';
      return;
    }
    previewLoading.value = true;
    previewError.value = null;
    try {
      const result = await clients.use().call('dataset.augmentationPreview', {
        file: sample.path,
        key: sample.file,
        input,
        resize: settings.value.resize,
        augmentation: settings.value.augmentation,
        count: 12,
        seed: (project.project.training.seed ?? 0) + previewSeed.value - 1,
      });
      preview.value = { url: `data:image/png;base64,${result.png}`, columns: result.columns, count: result.count };
    } catch (failure) {
      previewError.value = describeError(failure);
    } finally {
      previewLoading.value = false;
    }
  }

  function choosePreview(sample: PreviewSample): void {
    previewSample.value = sample;
    void renderPreview();
  }

  /** New random draws for the same image. */
  function redraw(): void {
    previewSeed.value += 1;
    void renderPreview();
  }

  return {
    scan,
    scanning,
    progress,
    error,
    settings,
    stale,
    canChooseFolder,
    previewSample,
    preview,
    previewError,
    previewLoading,
    update,
    runScan,
    cancelScan,
    clear,
    setFolder,
    chooseFolder,
    renderPreview,
    choosePreview,
    redraw,
  };
});
