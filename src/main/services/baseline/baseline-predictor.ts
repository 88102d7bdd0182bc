import { StudioError } from '../../../shared/errors';
import type { CompiledModel } from '../engine';
import type { RunArtifacts } from '../runs/run-folder';
import { predictBatchAsync } from '../training/train-step';
import { readBaselineRecord } from './baseline-file';
import { CLASSIFIER_NODES } from './classifier-project';
import { batchFeatures } from './image-features';

/**
 * How a baseline run classifies a batch of model inputs (NHWC, normalised by the run's
 * preprocessing): its features (HOG of the grey image, or the pixels), then its classifier network,
 * already compiled with the run's weights.
 */
export async function baselinePredictor(artifacts: RunArtifacts, compiled: CompiledModel): Promise<(x: Float32Array, count: number) => Promise<Float32Array>> {
  const record = await readBaselineRecord(artifacts.runDir);
  const input = artifacts.project.graph.nodes.find((n) => n.id === CLASSIFIER_NODES.input);
  const [h, w, c] = record.featureShape;
  if (!input || input.params.height !== h || input.params.width !== w || input.params.channels !== c) {
    throw new StudioError('run-invalid', `The baseline run in ${artifacts.runDir} has a classifier that does not take its ${record.featureLength} features.`, {
      hint: 'Train the baseline again with "cnn-studio baseline".',
      where: artifacts.runDir,
    });
  }
  const preprocessing = artifacts.preprocessing;
  return (x, count) => predictBatchAsync(compiled, batchFeatures(x, count, record.features, preprocessing, record.featureLength), count, record.featureShape);
}
