import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { PredictionResult } from '../../../shared/api/methods/prediction';
import { readRunArtifacts } from '../runs/run-folder';
import type { EngineLauncher } from '../training/engine-channel';
import { startEngineJob } from '../training/engine-jobs';
import type { ApiHandlers } from './handler-table';

export interface PredictionHandlerDeps {
  launch: EngineLauncher;
  cwd: string;
}

async function predict(launch: EngineLauncher, runDir: string, files: string[]): Promise<PredictionResult> {
  // The labels first: a folder that is not a run is one sentence before an engine starts.
  const { labels } = await readRunArtifacts(runDir);
  const predictions = await startEngineJob(launch, 'predict', { runDir, files, backend: 'auto' }).result;
  return { labels, predictions };
}

/** A file name that is safe in a temporary folder, keeping the extension the decoder may use. */
function safeName(name: string): string {
  return basename(name).replace(/[^A-Za-z0-9._-]+/g, '_').slice(-100) || 'image';
}

/** Prediction of files on this machine, or of images uploaded by the window (written to a temporary folder first). */
export function createPredictionHandlers(deps: PredictionHandlerDeps): Pick<ApiHandlers, 'prediction.predictFiles' | 'prediction.predictImages'> {
  return {
    'prediction.predictFiles': ({ runDir, files }) => predict(deps.launch, resolve(deps.cwd, runDir), files.map((f) => resolve(deps.cwd, f))),

    async 'prediction.predictImages'({ runDir, images }) {
      const folder = await mkdtemp(join(tmpdir(), 'cnn-studio-predict-'));
      try {
        const paths = await Promise.all(
          images.map(async (image, i) => {
            const path = join(folder, `${i}-${safeName(image.name)}`);
            await writeFile(path, Buffer.from(image.data, 'base64'));
            return path;
          }),
        );
        const result = await predict(deps.launch, resolve(deps.cwd, runDir), paths);
        // The window knows its images by the names it sent, not by the temporary paths.
        const names = new Map(paths.map((p, i) => [p, images[i]!.name]));
        const named = (text: string) => paths.reduce((t, p) => t.split(p).join(names.get(p)!), text);
        return { labels: result.labels, predictions: result.predictions.map((p) => ({ ...p, file: names.get(p.file) ?? p.file, ...(p.error ? { error: named(p.error) } : {}) })) };
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  };
}
