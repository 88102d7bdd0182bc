import { resolve } from 'node:path';
import type { EngineLauncher } from '../training/engine-channel';
import { startEngineJob } from '../training/engine-jobs';
import type { ApiHandlers } from './handler-table';

export interface ExportHandlerDeps {
  launch: EngineLauncher;
  cwd: string;
  /** Written into the files (ONNX producer_version, TF.js metadata). */
  version: string;
}

/** `export.run`: the same export as `cnn-studio export`, in an engine process (TF.js stays out of the services). */
export function createExportHandlers(deps: ExportHandlerDeps): Pick<ApiHandlers, 'export.run'> {
  return {
    async 'export.run'({ source, format, out, opset, layout, logits }) {
      const result = await startEngineJob(deps.launch, 'export', {
        source: resolve(deps.cwd, source),
        format,
        out: resolve(deps.cwd, out),
        ...(opset !== undefined ? { opset } : {}),
        ...(layout !== undefined ? { layout } : {}),
        ...(logits ? { logits } : {}),
        producerVersion: deps.version,
      }).result;
      return { format: result.format, file: result.file ?? null, dir: result.dir ?? null, opset: result.opset, warnings: result.warnings };
    },
  };
}
