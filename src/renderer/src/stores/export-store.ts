import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ExportFormatName, ExportResult } from '../../../shared/api/methods/export';
import type { ExportOpset, InputLayout } from '../../../shared/onnx/opsets';
import { DEFAULT_OPSET } from '../../../shared/onnx/opsets';
import { describeError } from '../../../shared/errors';
import { joinPath } from '../panels/format';
import { useClientStore } from './client-store';
import { useUiStore } from './ui-store';

/** What the export view writes: a model format, or the PyTorch training package (`pytorch.export`). */
export type ExportChoice = ExportFormatName | 'pytorch';

/** The file (ONNX) or folder (TF.js, PyTorch package) an export of a run is offered under: inside the run's folder. */
export function suggestedExportPath(runDir: string, projectName: string, format: ExportChoice): string {
  const stem = projectName.trim().replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return joinPath(runDir, format === 'onnx' ? `${stem}.onnx` : `${stem}-${format}`);
}

/** The export view: the options of `cnn-studio export`, the output path, and the outcome. */
export const useExportStore = defineStore('export', () => {
  const clients = useClientStore();
  const ui = useUiStore();
  const format = ref<ExportChoice>('onnx');
  const opset = ref<ExportOpset>(DEFAULT_OPSET);
  const layout = ref<InputLayout>('nchw');
  const logits = ref(false);
  /** The output path; empty means the suggested one. */
  const out = ref('');
  const running = ref(false);
  const result = shallowRef<ExportResult | null>(null);
  const error = ref<string | null>(null);

  async function run(source: string, target: string): Promise<boolean> {
    const chosen = format.value;
    // The PyTorch package is written by its own store (pytorch-store), not as a model format.
    if (chosen === 'pytorch') return false;
    running.value = true;
    error.value = null;
    result.value = null;
    try {
      const onnx = format.value === 'onnx';
      result.value = await clients.use().call('export.run', {
        source,
        format: chosen,
        out: target,
        ...(onnx ? { opset: opset.value, layout: layout.value, logits: logits.value } : {}),
      });
      ui.toast(`Exported ${result.value.file ?? result.value.dir}.`, 'success');
      return true;
    } catch (failure) {
      error.value = describeError(failure);
      return false;
    } finally {
      running.value = false;
    }
  }

  /** Shows the exported file in the system's file manager (Electron). */
  async function showInFolder(): Promise<void> {
    const path = result.value?.file ?? result.value?.dir;
    if (!path) return;
    try {
      await clients.use().call('app.showInFolder', { path });
    } catch (failure) {
      ui.toast(describeError(failure), 'error');
    }
  }

  return { format, opset, layout, logits, out, running, result, error, run, showInFolder };
});
