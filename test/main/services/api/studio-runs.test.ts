import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppState } from '../../../../src/main/services/app-state/app-state';
import { dispatch } from '../../../../src/main/services/api/dispatch';
import { createEventSink } from '../../../../src/main/services/api/event-sink';
import type { ApiHandlers } from '../../../../src/main/services/api/handler-table';
import { createBrowserHost } from '../../../../src/main/services/api/studio-host';
import { createStudioHandlers } from '../../../../src/main/services/api/studio-handlers';
import { defaultAssetResolver } from '../../../../src/main/services/resources/asset-resolver';
import { forkEngine } from '../../../../src/main/services/training/engine-channel';
import type { RunManager } from '../../../../src/main/services/training/run-manager';
import { createRunManager } from '../../../../src/main/services/training/run-manager';
import type { EvaluationResult } from '../../../../src/shared/api/methods/evaluation';
import type { ExportResult } from '../../../../src/shared/api/methods/export';
import type { PredictionResult } from '../../../../src/shared/api/methods/prediction';
import type { RunMetrics, RunSummary } from '../../../../src/shared/api/methods/runs';
import type { TrainingRunHeader, TrainingRunSnapshot } from '../../../../src/shared/api/methods/training';
import type { RpcEvent, RpcResponse } from '../../../../src/shared/api/rpc';
import { projectToFile } from '../../../../src/shared/project/codec';
import { createProject } from '../../../../src/shared/project/project';
import { buildTemplate } from '../../../../src/shared/templates';
import { SAMPLE_DATASET } from '../../../support/training-fixtures';

/**
 * The studio's training, history, evaluation, prediction and export services end to end over the
 * api dispatch, with real engine processes (the build in out/: `npm test` builds first) on the
 * sample dataset: one short run, then everything the panels do with it.
 */
describe('training and judging a run through the api', () => {
  let dir: string;
  let handlers: ApiHandlers;
  let runs: RunManager;
  const broadcast: RpcEvent[] = [];
  let id = 0;
  let run: { runId: string; runDir: string };

  const call = async (method: string, params: unknown) =>
    (await dispatch(handlers, { kind: 'request', id: ++id, method, params }, { context: { events: createEventSink(() => undefined) } })) as RpcResponse;
  const ok = async <T>(method: string, params: unknown): Promise<T> => {
    const response = await call(method, params);
    if (!response.ok) throw new Error(`${method} failed: ${response.error.message} ${response.error.hint ?? ''}`);
    return response.result as T;
  };
  const project = () =>
    createProject('LeNet-5 sample', buildTemplate('lenet5', { input: { height: 28, width: 28, channels: 1 }, classes: 10 }), {
      dataset: { path: SAMPLE_DATASET, validationSplit: 0.2 },
      training: { epochs: 2, batchSize: 32, seed: 42, backend: 'wasm' },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cnn-studio-runs-'));
    const state = createAppState({ folder: join(dir, 'state'), log: () => undefined });
    runs = createRunManager({ launch: forkEngine, events: createEventSink((m) => broadcast.push(m)), cwd: dir });
    handlers = createStudioHandlers({ host: createBrowserHost(), state, assets: defaultAssetResolver(), cwd: dir, runs });
    run = await ok('training.start', { project: projectToFile(project()), projectPath: null });
    await vi.waitFor(
      async () => {
        const { runs: active } = await ok<{ runs: TrainingRunSnapshot[] }>('training.active', {});
        expect(active[0]!.state).toBe('ended');
      },
      { timeout: 120_000, interval: 200 },
    );
  });
  afterAll(async () => {
    await runs.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('trained_the_run_in_the_unsaved_projects_runs_folder_and_told_every_window', async () => {
    expect(run.runDir).toMatch(new RegExp(`^${join(dir, 'state', 'runs', 'LeNet-5-sample')}/\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d$`));
    const { runs: active } = await ok<{ runs: TrainingRunSnapshot[] }>('training.active', {});
    expect(active[0]).toMatchObject({ runId: run.runId, outcome: 'completed', error: null });
    expect(active[0]!.start?.backend.label).toMatch(/WebAssembly/);
    expect(active[0]!.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(active[0]!.batches.length).toBeGreaterThan(0);
    const states = broadcast.filter((m) => m.event === 'training.state').map((m) => (m.payload as TrainingRunHeader).state);
    expect(states[0]).toBe('starting');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('ended');
    const kinds = new Set(broadcast.filter((m) => m.event === 'training.event').map((m) => (m.payload as { event: { type: string } }).event.type));
    expect([...kinds].sort()).toEqual(['batch', 'checkpoint', 'done', 'epoch', 'start']);
  });

  it('lists_the_run_in_the_history_and_reads_its_curves_back', async () => {
    const { folder, runs: history } = await ok<{ folder: string; runs: RunSummary[] }>('runs.list', { projectPath: null, projectName: 'LeNet-5 sample' });
    expect(folder).toBe(join(dir, 'state', 'runs', 'LeNet-5-sample'));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ runDir: run.runDir, status: 'completed', epochsCompleted: 2, hasWeights: true, live: false, last: { epoch: 2 } });
    const metrics = await ok<RunMetrics>('runs.metrics', { runDir: run.runDir });
    expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(metrics.start?.trainImages).toBe(800);
    expect(metrics.done?.status).toBe('completed');
  });

  it('refuses_to_resume_a_complete_run_with_a_sentence', async () => {
    expect(await call('training.resumeRun', { runDir: run.runDir })).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: `The run in ${run.runDir} is already complete (2 epochs).` } });
  });

  it('evaluates_on_the_very_validation_split_the_run_validated_on_and_on_the_test_split', async () => {
    const validation = await ok<EvaluationResult>('evaluation.run', { runDir: run.runDir, source: 'validation' });
    expect(validation.split).toBe('val');
    expect(validation.report.images).toBe(200);
    // The same images and weights as the last epoch's validation: the same accuracy.
    const lastEpoch = (await ok<RunMetrics>('runs.metrics', { runDir: run.runDir })).epochs.at(-1)!;
    expect(validation.report.accuracy).toBeCloseTo(lastEpoch.valAccuracy!, 6);
    expect(validation.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(validation.report.cells![0]![0]!.length).toBe(validation.report.confusion[0]![0]);

    const test = await ok<EvaluationResult>('evaluation.run', { runDir: run.runDir, source: 'test', worst: 5 });
    expect(test.split).toBe('test');
    expect(test.report.images).toBe(300);
    expect(test.report.perClass).toHaveLength(10);
    expect(test.report.worst.length).toBeLessThanOrEqual(5);
    expect(test.cellsTruncated).toBe(false);

    const folder = await ok<EvaluationResult>('evaluation.run', { runDir: run.runDir, source: 'folder', dataPath: join(SAMPLE_DATASET, 'test') });
    expect(folder.report.accuracy).toBeCloseTo(test.report.accuracy, 10);
    expect(await call('evaluation.run', { runDir: run.runDir, source: 'folder' })).toMatchObject({ ok: false, error: { message: 'Choose the folder of images to evaluate on.' } });
  });

  it('predicts_files_and_uploaded_bytes_alike_with_the_runs_preprocessing', async () => {
    const folder = join(SAMPLE_DATASET, 'test', 'sneaker');
    const files = readdirSync(folder).slice(0, 2).map((f) => join(folder, f));
    const byPath = await ok<PredictionResult>('prediction.predictFiles', { runDir: run.runDir, files });
    expect(byPath.labels).toHaveLength(10);
    expect(byPath.predictions.map((p) => p.file)).toEqual(files);
    expect(byPath.predictions[0]!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    const uploaded = await ok<PredictionResult>('prediction.predictImages', {
      runDir: run.runDir,
      images: [
        { name: 'my shoe.png', data: readFileSync(files[0]!).toString('base64') },
        { name: 'notes.png', data: Buffer.from('not an image').toString('base64') },
      ],
    });
    expect(uploaded.predictions[0]!.file).toBe('my shoe.png');
    expect(uploaded.predictions[0]!.probabilities).toEqual(byPath.predictions[0]!.probabilities);
    expect(uploaded.predictions[1]).toMatchObject({ file: 'notes.png', label: null });
    expect(uploaded.predictions[1]!.error).toContain('notes.png');
    expect(uploaded.predictions[1]!.error).not.toContain('cnn-studio-predict-');
  });

  it('exports_onnx_that_onnx_runtime_loads_and_that_agrees_with_the_studio_and_tfjs_into_a_folder', async () => {
    const out = join(dir, 'exports', 'lenet.onnx');
    const result = await ok<ExportResult>('export.run', { source: run.runDir, format: 'onnx', out, opset: 13, layout: 'nchw' });
    expect(result).toEqual({ format: 'onnx', file: out, dir: null, opset: 13, warnings: [] });
    const session = await ort.InferenceSession.create(out);
    const file = join(SAMPLE_DATASET, 'test', 'bag', readdirSync(join(SAMPLE_DATASET, 'test', 'bag'))[0]!);
    const { data } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
    const input = new ort.Tensor('float32', Float32Array.from(data, (v) => v / 255), [1, 1, 28, 28]);
    const output = await session.run({ [session.inputNames[0]!]: input });
    const onnxProbabilities = Array.from(output[session.outputNames[0]!]!.data as Float32Array);
    const studio = await ok<PredictionResult>('prediction.predictFiles', { runDir: run.runDir, files: [file] });
    studio.predictions[0]!.probabilities.forEach((p, i) => expect(onnxProbabilities[i]).toBeCloseTo(p, 4));

    const folder = join(dir, 'exports', 'lenet-tfjs');
    const tfjs = await ok<ExportResult>('export.run', { source: run.runDir, format: 'tfjs', out: folder });
    expect(tfjs).toMatchObject({ format: 'tfjs', file: null, dir: folder, opset: null });
    expect(existsSync(join(folder, 'model.json'))).toBe(true);
    expect(await call('export.run', { source: run.runDir, format: 'tfjs', out: folder, logits: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: expect.stringContaining('the opset, layout and logits options apply to ONNX exports only') },
    });
  });
});
