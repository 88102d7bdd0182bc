import { analyzeGraph } from '../../../shared/shapes/analyze';
import { StudioError } from '../../../shared/errors';
import type { BackendChoice } from '../../../shared/project/settings';
import type { CompiledModel, BackendInfo } from '../engine';
import { compileModel, loadBackend, writeWeights } from '../engine';
import type { RunArtifacts, WeightsChoice } from '../runs/run-folder';
import { readRunArtifacts } from '../runs/run-folder';

/** A run's network compiled with its trained weights, ready to predict. Dispose when done. */
export interface LoadedRun {
  artifacts: RunArtifacts;
  compiled: CompiledModel;
  backend: BackendInfo;
  inputShape: [number, number, number];
  dispose(): void;
}

export async function loadRunModel(runDir: string, options: { backend?: BackendChoice; weights?: WeightsChoice } = {}): Promise<LoadedRun> {
  const artifacts = await readRunArtifacts(runDir, options.weights ?? 'final');
  const analysis = analyzeGraph(artifacts.project.graph);
  if (!analysis.flat) {
    throw new StudioError('run-invalid', `The project saved in ${runDir} no longer forms a valid network.`, { hint: 'Train again from a valid project.', where: runDir });
  }
  const backend = await loadBackend(options.backend ?? 'auto');
  const compiled = compileModel(analysis.flat, { seed: 0 });
  try {
    writeWeights(compiled, artifacts.weights, runDir);
  } catch (error) {
    compiled.model.dispose();
    throw error;
  }
  const p = artifacts.preprocessing;
  return { artifacts, compiled, backend, inputShape: [p.height, p.width, p.channels], dispose: () => compiled.model.dispose() };
}
