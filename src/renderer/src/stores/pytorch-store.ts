import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ImportedRun, PytorchExport, PytorchStatus } from '../../../shared/api/methods/pytorch';
import { describeError } from '../../../shared/errors';
import { useClientStore } from './client-store';
import { useDocumentStore } from './document-store';
import { useProjectStore } from './project-store';
import { useRunsStore } from './runs-store';
import { useUiStore } from './ui-store';

/** A sentence about the local PyTorch engine: the Python, torch's version and the device, or null when none was found. */
export function describeTorchPython(status: PytorchStatus): string | null {
  const found = status.found;
  if (!found) return null;
  const device = found.device.kind === 'cuda' ? `CUDA (${found.device.name ?? 'GPU'})` : found.device.kind === 'mps' ? 'Apple GPU (MPS)' : 'the CPU';
  return `Python ${found.pythonVersion} (${found.executable}) with torch ${found.torchVersion}, training on ${device}`;
}

/**
 * PyTorch in the window (issue 9): whether the local PyTorch engine can run, the PyTorch training
 * package as an export, and "Open run…", which brings a run trained elsewhere into the project's runs.
 */
export const usePytorchStore = defineStore('pytorch', () => {
  const clients = useClientStore();
  const project = useProjectStore();
  const runs = useRunsStore();
  const documents = useDocumentStore();
  const ui = useUiStore();

  const status = shallowRef<PytorchStatus | null>(null);
  const checking = ref(false);
  const statusError = ref<string | null>(null);
  const exported = shallowRef<PytorchExport | null>(null);
  const exporting = ref(false);
  const exportError = ref<string | null>(null);
  const imported = shallowRef<ImportedRun | null>(null);
  const importing = ref(false);
  const importError = ref<string | null>(null);

  /** Looks for a Python with torch (once, unless asked again: the first import of torch takes seconds). */
  async function check(again = false): Promise<void> {
    if (checking.value || (status.value && !again)) return;
    checking.value = true;
    statusError.value = null;
    try {
      status.value = await clients.use().call('pytorch.status', {});
    } catch (failure) {
      statusError.value = describeError(failure);
    } finally {
      checking.value = false;
    }
  }

  /** Writes the PyTorch training package of a run (or project) into `out`. */
  async function exportPackage(source: string, out: string): Promise<boolean> {
    exporting.value = true;
    exportError.value = null;
    exported.value = null;
    try {
      exported.value = await clients.use().call('pytorch.export', { source, out });
      ui.toast(`Wrote the PyTorch package ${exported.value.dir}.`, 'success');
      return true;
    } catch (failure) {
      exportError.value = describeError(failure);
      return false;
    } finally {
      exporting.value = false;
    }
  }

  /** Brings a run folder trained elsewhere into the project's runs, and shows it. */
  async function importRun(dir: string, dataPath: string | null): Promise<boolean> {
    importing.value = true;
    importError.value = null;
    imported.value = null;
    try {
      const result = await clients.use().call('pytorch.importRun', {
        dir,
        projectPath: project.path,
        projectName: project.project.name,
        runsFolder: runs.chosenFolder,
        dataPath: dataPath?.trim() || null,
      });
      imported.value = result;
      await runs.refresh();
      runs.select(result.runDir);
      ui.toast(`Opened the run of "${result.projectName}" (${result.epochsCompleted} of ${result.epochsPlanned} epochs, ${result.backend}).`, 'success');
      return true;
    } catch (failure) {
      importError.value = describeError(failure);
      return false;
    } finally {
      importing.value = false;
    }
  }

  /** The native folder dialog for a run to open (the desktop app); browser mode types the path. */
  async function chooseRunFolder(): Promise<string | null> {
    if (documents.info?.nativeDialogs !== true) return null;
    try {
      const { path } = await clients.use().call('app.openDialog', { title: 'Open a run folder (the --out folder of train.py)', directory: true });
      return path;
    } catch (failure) {
      ui.toast(describeError(failure), 'error');
      return null;
    }
  }

  return { status, checking, statusError, exported, exporting, exportError, imported, importing, importError, check, exportPackage, importRun, chooseRunFolder };
});
