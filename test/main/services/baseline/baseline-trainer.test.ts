import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBaselineRecord } from '../../../../src/main/services/baseline/baseline-file';
import { trainBaseline } from '../../../../src/main/services/baseline/baseline-trainer';
import { scanImageFolder } from '../../../../src/main/services/data';
import { evaluateRun } from '../../../../src/main/services/insight/evaluate-run';
import { predictFiles } from '../../../../src/main/services/insight/predict-files';
import { loadRunModel } from '../../../../src/main/services/insight/run-model';
import { readRunArtifacts } from '../../../../src/main/services/runs/run-folder';
import { decodeForModel } from '../../../../src/main/services/training/training-data';
import type { BaselineJobParams } from '../../../../src/shared/api/engine-protocol';
import { baselineJobParamsSchema, evaluateJobParamsSchema } from '../../../../src/shared/api/engine-protocol';
import { StudioError } from '../../../../src/shared/errors';
import { BASELINE_TRAINING_DEFAULTS } from '../../../../src/shared/hog/feature-spec';
import type { TrainingSettings } from '../../../../src/shared/project/settings';
import { trainingSettingsSchema } from '../../../../src/shared/project/settings';
import type { RunEvent } from '../../../../src/shared/run/run-events';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';
import { SAMPLE_DATASET, batchEvents, epochEvents, recordingContext, tempDir } from '../../../support/training-fixtures';

const HOG = { kind: 'hog', hog: { cellSize: 4, blockSize: 2, bins: 9, norm: 'L2-Hys' } } as const;

function params(runDir: string, overrides: Partial<BaselineJobParams> & { training?: Partial<TrainingSettings> } = {}) {
  const { training, ...rest } = overrides;
  return baselineJobParamsSchema.parse({
    runDir,
    datasetPath: SAMPLE_DATASET,
    features: HOG,
    image: { size: null, channels: 1, resize: 'stretch' },
    validationSplit: 0.2,
    training: trainingSettingsSchema.parse({ ...BASELINE_TRAINING_DEFAULTS, epochs: 4, seed: 7, backend: 'wasm', ...training }),
    projectName: 'test',
    backend: 'wasm',
    batchEventInterval: 0,
    ...rest,
  } satisfies BaselineJobParams);
}

/** A context that also keeps the engine's log lines. */
function loggingContext() {
  const ctx = recordingContext();
  const logs: string[] = [];
  return { ...ctx, logs, log: (_level: string, message: string) => void logs.push(message) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('HOG baseline on the sample dataset', () => {
  let run: string;
  let events: RunEvent[];

  it('trains_with_the_loss_falling_into_a_complete_run_folder', async () => {
    run = join(await tempDir('baseline'), 'hog');
    const ctx = loggingContext();
    const result = await trainBaseline(params(run), ctx);
    events = ctx.events;
    expect(result).toEqual({ status: 'completed', runDir: run, epochs: 4, bestEpoch: expect.any(Number) });
    expect(events[0]).toMatchObject({ type: 'start', trainImages: 800, valImages: 200, epochs: 4, params: { trainable: 1296 * 10 + 10, nonTrainable: 0 }, backend: { name: 'wasm' } });
    const losses = batchEvents(events).map((e) => e.loss);
    expect(losses).toHaveLength(4 * 25);
    expect(mean(losses.slice(-25))).toBeLessThan(mean(losses.slice(0, 25)) / 2);
    const epochs = epochEvents(events);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs[3]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(epochs[3]!.valAccuracy).toBeGreaterThan(0.7);
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochs: 4, valAccuracy: epochs[3]!.valAccuracy });
    expect(ctx.logs).toContain('Features: 1000 images, 1296 values each, 0 from a cache of 0.');

    expect((await readdir(run)).sort()).toEqual(
      ['baseline.json', 'checkpoints', 'dataset-report.json', 'features', 'labels.json', 'metrics.jsonl', 'preprocessing.json', 'project.cnnstudio', 'run.json', 'weights'].sort(),
    );
    expect((await readdir(join(run, 'checkpoints'))).sort()).toEqual(['best', 'epoch-0001', 'epoch-0002', 'epoch-0003', 'epoch-0004']);
    const artifacts = await readRunArtifacts(run);
    expect(artifacts.record).toMatchObject({ kind: 'baseline', status: 'completed', epochsCompleted: 4, finalWeights: 'weights', datasetPath: SAMPLE_DATASET });
    expect(artifacts.preprocessing).toEqual({ height: 28, width: 28, channels: 1, resize: 'stretch', scale: 1 / 255, mean: [0], std: [1], channelOrder: 'rgb' });
    expect(artifacts.labels).toHaveLength(10);
    expect(artifacts.weights.classifier!.kernel!.shape).toEqual([1296, 10]);
    expect(analyzeGraph(artifacts.project.graph).flat!.nodes.map((n) => n.kind)).toEqual(['Input', 'Flatten', 'Output']);
    const baseline = await readBaselineRecord(run);
    expect(baseline).toMatchObject({ features: HOG, description: 'HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys)', featureShape: [6, 216, 1], featureLength: 1296, parameters: 12970 });
    expect(baseline.standardization.mean).toHaveLength(1296);
    const metrics = (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics).toEqual(events);
    expect((await stat(join(run, 'features', 'features.bin'))).size).toBe(1000 * 1296 * 4);
  });

  it('predicts_the_validation_split_as_training_measured_it', async () => {
    // The stored classifier has the standardisation folded in and reads HOG computed from the model input.
    const index = await scanImageFolder(SAMPLE_DATASET, { validationSplit: 0.2, seed: 7 });
    const model = await loadRunModel(run, { backend: 'wasm' });
    try {
      const p = model.artifacts.preprocessing;
      const x = new Float32Array(index.validation.length * 784);
      for (const [i, s] of index.validation.entries()) x.set(await decodeForModel(s.path, p), i * 784);
      const probabilities = await model.predict(x, index.validation.length);
      let correct = 0;
      let loss = 0;
      for (const [i, s] of index.validation.entries()) {
        const row = Array.from(probabilities.subarray(i * 10, i * 10 + 10));
        if (row.indexOf(Math.max(...row)) === s.label) correct += 1;
        loss -= Math.log(Math.min(Math.max(row[s.label]!, 1e-7), 1 - 1e-7));
      }
      const last = epochEvents(events).at(-1)!;
      expect(correct / index.validation.length).toBe(last.valAccuracy);
      expect(loss / index.validation.length).toBeCloseTo(last.valLoss!, 3);
    } finally {
      model.dispose();
    }
  });

  it('evaluates_and_predicts_through_the_ordinary_jobs', async () => {
    const report = await evaluateRun(evaluateJobParamsSchema.parse({ runDir: run, dataPath: SAMPLE_DATASET, backend: 'wasm' }), recordingContext());
    expect(report.images).toBe(300);
    expect(report.accuracy).toBeGreaterThan(0.7);
    expect(report.weightsFrom).toBe('weights');
    const trouser = join(SAMPLE_DATASET, 'test', 'trouser');
    const [file] = (await readdir(trouser)).sort();
    const [prediction] = await predictFiles({ runDir: run, files: [join(trouser, file!)], backend: 'wasm' }, recordingContext());
    expect(prediction!.probabilities).toHaveLength(10);
    expect(prediction!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(prediction!.label).toBe('trouser');
  });

  it('a_second_baseline_reuses_the_cached_features_and_trains_the_same', async () => {
    const again = join(await tempDir('baseline'), 'again');
    const ctx = loggingContext();
    await trainBaseline(params(again, { featureCacheFrom: [run] }), ctx);
    expect(ctx.logs).toContain('Features: 1000 images, 1296 values each, 1000 from a cache of 1000.');
    expect(epochEvents(ctx.events).map((e) => e.loss)).toEqual(epochEvents(events).map((e) => e.loss));
  });
});

describe('baseline runs', () => {
  it('pixel_features_make_an_ordinary_network_on_the_image', async () => {
    const run = join(await tempDir('baseline'), 'pixels');
    const ctx = recordingContext();
    await trainBaseline(params(run, { features: { kind: 'pixels' }, training: { epochs: 2 } }), ctx);
    expect(ctx.events[0]).toMatchObject({ type: 'start', params: { trainable: 7850 } });
    const artifacts = await readRunArtifacts(run);
    expect(artifacts.project.graph.nodes[0]).toMatchObject({ kind: 'Input', params: { height: 28, width: 28, channels: 1 } });
    expect((await readBaselineRecord(run)).featureShape).toEqual([28, 28, 1]);
    const report = await evaluateRun(evaluateJobParamsSchema.parse({ runDir: run, dataPath: SAMPLE_DATASET, backend: 'wasm' }), recordingContext());
    expect(report.accuracy).toBeGreaterThan(0.5);
  });

  it('stops_cleanly_and_keeps_what_was_trained', async () => {
    const run = join(await tempDir('baseline'), 'stopped');
    const ctx = recordingContext((event, control) => {
      if (event.type === 'checkpoint') control.stop();
    });
    const result = await trainBaseline(params(run, { training: { epochs: 10 } }), ctx);
    expect(result).toMatchObject({ status: 'stopped', epochs: 1 });
    expect((await readRunArtifacts(run)).record).toMatchObject({ status: 'stopped', epochsCompleted: 1, finalWeights: 'weights' });
  });

  it('a_stop_before_training_leaves_no_folder', async () => {
    const run = join(await tempDir('baseline'), 'early');
    const ctx = recordingContext();
    ctx.control.stop();
    expect(await trainBaseline(params(run), ctx)).toEqual({ status: 'stopped', runDir: run, epochs: 0, bestEpoch: null });
    expect(ctx.events).toEqual([]);
    await expect(stat(run)).rejects.toThrow();
  });

  it('an_image_smaller_than_a_hog_block_fails_before_a_folder_is_made', async () => {
    const run = join(await tempDir('baseline'), 'small');
    const failure = trainBaseline(params(run, { features: { kind: 'hog', hog: { ...HOG.hog, cellSize: 20 } } }), recordingContext());
    await expect(failure).rejects.toThrow(StudioError);
    await expect(failure).rejects.toThrow('The image is 28 x 28 pixels, smaller than one HOG block');
    await expect(stat(run)).rejects.toThrow();
  });
});
