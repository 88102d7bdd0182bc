import { resolve } from 'node:path';
import { isStudioError } from '../../../shared/errors';
import { removeStaleTemporaries } from '../files/atomic-write';
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
      const target = resolve(deps.cwd, out);
      const job = startEngineJob(deps.launch, 'export', {
        source: resolve(deps.cwd, source),
        format,
        out: target,
        ...(opset !== undefined ? { opset } : {}),
        ...(layout !== undefined ? { layout } : {}),
        ...(logits ? { logits } : {}),
        producerVersion: deps.version,
      });
      const result = await job.result.catch(async (error: unknown) => {
        // An engine killed mid-write cannot remove its temporary file: the export leaves no partial file.
        if (isStudioError(error) && error.code === 'engine-crashed') await removeStaleTemporaries(target);
        throw error;
      });
      return { format: result.format, file: result.file ?? null, dir: result.dir ?? null, opset: result.opset, warnings: result.warnings };
    },
  };
}
