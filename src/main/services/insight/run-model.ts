import { analyzeGraph } from '../../../shared/shapes/analyze';
import { StudioError } from '../../../shared/errors';
import type { BackendChoice } from '../../../shared/project/settings';
import type { CompiledModel, BackendInfo } from '../engine';
import { compileModel, loadBackend, writeWeights } from '../engine';
import type { RunArtifacts, WeightsChoice } from '../runs/run-folder';
import { readRunArtifacts } from '../runs/run-folder';
import { baselinePredictor } from '../baseline/baseline-predictor';
import { predictBatchAsync } from '../training/train-step';

/** A run's network compiled with its trained weights, ready to predict. Dispose when done. */
export interface LoadedRun {
  artifacts: RunArtifacts;
  compiled: CompiledModel;
  backend: BackendInfo;
  inputShape: [number, number, number];
  /**
   * Class probabilities of `count` preprocessed images (NHWC as `inputShape`): the network's output,
   * or for a hand-crafted baseline (run.json `kind: "baseline"`) its features (HOG) then its classifier.
   */
  predict(x: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

/**
 * `readsAsync`: the caller only predicts (every read is awaited), so WebGPU may run it; callers that read
 * the compiled model synchronously (the insight views) leave it out.
 */
export async function loadRunModel(runDir: string, options: { backend?: BackendChoice; weights?: WeightsChoice; readsAsync?: boolean } = {}): Promise<LoadedRun> {
  const artifacts = await readRunArtifacts(runDir, options.weights ?? 'final');
  const analysis = analyzeGraph(artifacts.project.graph);
  if (!analysis.flat) {
    throw new StudioError('run-invalid', `The project saved in ${runDir} no longer forms a valid network.`, { hint: 'Train again from a valid project.', where: runDir });
  }
  const backend = await loadBackend(options.backend ?? 'auto', { readsAsync: options.readsAsync === true });
  const compiled = compileModel(analysis.flat, { seed: 0 });
  try {
    writeWeights(compiled, artifacts.weights, runDir);
  } catch (error) {
    compiled.model.dispose();
    throw error;
  }
  const p = artifacts.preprocessing;
  const inputShape: [number, number, number] = [p.height, p.width, p.channels];
  let predict = (x: Float32Array, count: number) => predictBatchAsync(compiled, x, count, inputShape);
  if (artifacts.record.kind === 'baseline') {
    try {
      predict = await baselinePredictor(artifacts, compiled);
    } catch (error) {
      compiled.model.dispose();
      throw error;
    }
  }
  return { artifacts, compiled, backend, inputShape, predict, dispose: () => compiled.model.dispose() };
}
