import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppState } from '../../../../src/main/services/app-state/app-state';
import { dispatch } from '../../../../src/main/services/api/dispatch';
import { createEventSink } from '../../../../src/main/services/api/event-sink';
import type { ApiHandlers } from '../../../../src/main/services/api/handler-table';
import { greySize } from '../../../../src/main/services/api/hog-handlers';
import { shownActivation } from '../../../../src/main/services/api/insight-handlers';
import { createPytorchHandlers } from '../../../../src/main/services/api/pytorch-handlers';
import { createBrowserHost } from '../../../../src/main/services/api/studio-host';
import { createStudioHandlers } from '../../../../src/main/services/api/studio-handlers';
import { defaultAssetResolver } from '../../../../src/main/services/resources/asset-resolver';
import { forkEngine } from '../../../../src/main/services/training/engine-channel';
import type { RunManager } from '../../../../src/main/services/training/run-manager';
import { createRunManager } from '../../../../src/main/services/training/run-manager';
import type { BaselineTrained, GreyImageAnswer } from '../../../../src/shared/api/methods/hog';
import type { InsightActivations, InsightFilterResponses, InsightSaliency, RunNetwork } from '../../../../src/shared/api/methods/insight';
import { MAX_LAYER_MAPS, MAX_LAYER_VALUES } from '../../../../src/shared/api/methods/insight';
import type { ImportedRun, PytorchExport, PytorchStatus } from '../../../../src/shared/api/methods/pytorch';
import type { RunSummary } from '../../../../src/shared/api/methods/runs';
import type { TrainingRunSnapshot } from '../../../../src/shared/api/methods/training';
import type { RpcEvent, RpcResponse } from '../../../../src/shared/api/rpc';
import type { FilterReport } from '../../../../src/shared/insight/insight-jobs';
import { projectToFile } from '../../../../src/shared/project/codec';
import { createProject } from '../../../../src/shared/project/project';
import type { ModelGraph } from '../../../../src/shared/graph/model-graph';
import { sampleSubset } from '../../../support/training-fixtures';

/**
 * The insight, HOG and PyTorch methods of the window over the api dispatch, with real engine processes
 * (the build in out/: `npm test` builds first): a tiny network trained for one epoch on three classes
 * of the sample, then every method the new views call, on dataset files and on uploaded bytes.
 */
const CLASSES = ['bag', 'coat', 'trouser'];

function tinyNet(): ModelGraph {
  const ids = ['input', 'conv1', 'pool1', 'flatten', 'output'];
  const kinds = ['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Output'];
  const params: Record<string, unknown>[] = [{ height: 28, width: 28, channels: 1 }, { filters: 4, kernelSize: 3, activation: 'relu' }, {}, {}, { classes: 3 }];
  return { nodes: ids.map((id, i) => ({ id, kind: kinds[i]!, params: params[i]! })), edges: ids.slice(1).map((to, i) => ({ from: ids[i]!, to })) };
}

describe('the insight, HOG and PyTorch methods through the api', () => {
  let dir: string;
  let data: string;
  let handlers: ApiHandlers;
  let runs: RunManager;
  let runDir: string;
  let image: string;
  const events: RpcEvent[] = [];
  let id = 0;

  const call = async (method: string, params: unknown) =>
    (await dispatch(handlers, { kind: 'request', id: ++id, method, params }, { context: { events: createEventSink((m) => events.push(m)) } })) as RpcResponse;
  const ok = async <T>(method: string, params: unknown): Promise<T> => {
    const response = await call(method, params);
    if (!response.ok) throw new Error(`${method} failed: ${response.error.message} ${response.error.hint ?? ''}`);
    return response.result as T;
  };
  const run = () => ({ kind: 'run', runDir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cnn-insight-api-'));
    data = await sampleSubset(CLASSES, 10);
    image = join(data, 'coat', readdirSync(join(data, 'coat')).sort()[0]!);
    const state = createAppState({ folder: join(dir, 'state'), log: () => undefined });
    runs = createRunManager({ launch: forkEngine, events: createEventSink(() => undefined), cwd: dir });
    handlers = createStudioHandlers({ host: createBrowserHost(), state, assets: defaultAssetResolver(), cwd: dir, runs });
    const project = createProject('Tiny', tinyNet(), { dataset: { path: data, validationSplit: 0.2 }, training: { epochs: 1, batchSize: 8, seed: 3, backend: 'wasm' } });
    runDir = (await ok<{ runDir: string }>('training.start', { project: projectToFile(project), projectPath: null })).runDir;
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
    await rm(data, { recursive: true, force: true });
  });

  it('reads_the_runs_network_labels_and_preprocessing_without_an_engine', async () => {
    const network = await ok<RunNetwork>('insight.runNetwork', { runDir });
    expect(network).toMatchObject({ runDir, labels: CLASSES, kind: 'cnn', hasInitial: true, preprocessing: { height: 28, width: 28, channels: 1 } });
    expect(network.project.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'pool1', 'flatten', 'output']);
    expect(await call('insight.runNetwork', { runDir: dir })).toMatchObject({ ok: false, error: { code: 'run-invalid', message: `${dir} is not a run folder (it has no run.json).` } });
  });

  it('gives_a_conv_layers_kernels_after_and_before_training', async () => {
    const report = await ok<FilterReport>('insight.filters', { target: run(), layer: 'conv1' });
    expect(report).toMatchObject({ layer: 'conv1', filters: 4, channels: 1, kernelSize: 3, source: 'run', png: null });
    expect(report.values).toHaveLength(4);
    expect(report.initial?.values).toHaveLength(4);
    expect(report.values).not.toEqual(report.initial!.values);
    const refused = await call('insight.filters', { target: run(), layer: 'pool1' });
    expect(refused).toMatchObject({ ok: false, error: { message: 'Layer pool1 is a MaxPool2D, not a Conv2D, so it has no filters. Its convolution layers: conv1.' } });
  });

  it('follows_an_uploaded_image_through_every_layer_and_names_it_as_the_window_does', async () => {
    const upload = { kind: 'upload', name: 'my coat.png', data: readFileSync(image).toString('base64') };
    const answer = await ok<InsightActivations>('insight.activations', { target: run(), image: upload });
    expect(answer.image).toBe('my coat.png');
    expect(answer.layers.map((l) => [l.layer, l.shape])).toEqual([
      ['input', [1, 28, 28]],
      ['conv1', [4, 26, 26]],
      ['pool1', [4, 13, 13]],
      ['flatten', [676, 1, 1]],
      ['output', [3, 1, 1]],
    ]);
    expect(answer.layers.every((l) => l.mapsShown === l.shape[0])).toBe(true);
    // The input picture is the image as the network sees it.
    const picture = await sharp(Buffer.from(answer.input.png, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect([picture.info.width, picture.info.height]).toEqual([28, 28]);
    const own = await sharp(image).greyscale().raw().toBuffer();
    expect(Array.from(picture.data.filter((_, i) => i % picture.info.channels === 0))).toEqual(Array.from(own));
    // Values travel with five significant digits.
    for (const v of answer.layers[1]!.maps.flat(2)) expect(v).toBe(Number(v.toPrecision(5)));
    // The same image by its path gives the same maps.
    const byPath = await ok<InsightActivations>('insight.activations', { target: run(), image: { kind: 'file', path: image }, layers: ['conv1'] });
    expect(byPath.image).toBe(image);
    expect(byPath.layers.map((l) => l.layer)).toEqual(['conv1']);
    expect(byPath.layers[0]!.maps).toEqual(answer.layers[1]!.maps);
  });

  it('says_what_is_wrong_with_an_upload_by_its_name_not_a_temporary_path', async () => {
    const response = await call('insight.activations', { target: run(), image: { kind: 'upload', name: 'notes.png', data: Buffer.from('not an image').toString('base64') } });
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.message).toContain('notes.png');
    expect(response.error.message).not.toContain(tmpdir());
  });

  it('explains_a_class_with_grad_cam_and_the_gradient_over_the_image', async () => {
    const gradcam = await ok<InsightSaliency>('insight.saliency', { target: run(), image: { kind: 'file', path: image }, className: 'bag' });
    expect(gradcam).toMatchObject({ method: 'gradcam', layer: 'conv1', className: 'bag', classIndex: 0, labels: CLASSES, image });
    expect([gradcam.map.length, gradcam.map[0]!.length]).toEqual([28, 28]);
    expect([gradcam.input.height, gradcam.input.width]).toEqual([28, 28]);
    const gradient = await ok<InsightSaliency>('insight.saliency', { target: run(), image: { kind: 'file', path: image }, method: 'gradient' });
    expect(gradient).toMatchObject({ method: 'gradient', layer: null, layerMap: null });
    expect(gradient.className).toBe(gradient.predicted);
  });

  it('applies_chosen_masks_and_typed_kernels_beside_the_learned_layer', async () => {
    const answer = await ok<InsightFilterResponses>('insight.filterResponses', {
      target: run(),
      image: { kind: 'file', path: image },
      presets: ['sobel-vertical'],
      kernels: [{ name: 'box', values: [[1, 1, 1], [1, 1, 1], [1, 1, 1]] }],
    });
    expect(answer.handCrafted.map((h) => h.name)).toEqual(['sobel-vertical', 'box']);
    expect(answer.learned).toMatchObject({ layer: 'conv1', activation: 'relu' });
    expect(answer.learned.responses).toHaveLength(4);
    expect(answer.input.png.length).toBeGreaterThan(0);
  });

  it('decodes_an_image_grey_at_its_own_size_at_a_given_size_and_fitted_to_the_longest_side', async () => {
    const own = await ok<GreyImageAnswer>('hog.greyImage', { image: { kind: 'file', path: image } });
    expect(own).toMatchObject({ name: image, height: 28, width: 28, resizedFrom: null });
    expect(Array.from(Buffer.from(own.data, 'base64'))).toEqual(Array.from(await sharp(image).greyscale().raw().toBuffer()));
    expect(await ok<GreyImageAnswer>('hog.greyImage', { image: { kind: 'file', path: image }, size: { height: 14, width: 20 } })).toMatchObject({ height: 14, width: 20, resizedFrom: { height: 28, width: 28 } });
    const wide = join(dir, 'wide.png');
    await writeFile(wide, await sharp({ create: { width: 600, height: 300, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer());
    const fitted = await ok<GreyImageAnswer>('hog.greyImage', { image: { kind: 'upload', name: 'wide.png', data: readFileSync(wide).toString('base64') } });
    expect(fitted).toMatchObject({ name: 'wide.png', height: 256, width: 512, resizedFrom: { height: 300, width: 600 } });
  });

  it('trains_a_hog_baseline_beside_the_run_with_progress_and_it_joins_the_history', async () => {
    events.length = 0;
    const trained = await ok<BaselineTrained>('hog.trainBaseline', { jobId: 'job-1', runDir, features: { kind: 'hog', hog: { cellSize: 4 } }, epochs: 2 });
    expect(trained).toMatchObject({ status: 'completed', epochs: 2 });
    expect(dirname(trained.runDir)).toBe(dirname(runDir));
    const progress = events.filter((e) => e.event === 'hog.baselineProgress').map((e) => e.payload as { jobId: string; runDir: string; event: { type: string } });
    expect(progress.every((p) => p.jobId === 'job-1' && p.runDir === trained.runDir)).toBe(true);
    expect(progress.filter((p) => p.event.type === 'epoch')).toHaveLength(2);
    const { runs: history } = await ok<{ runs: RunSummary[] }>('runs.list', { projectPath: null, projectName: 'Tiny' });
    expect(history.map((r) => [r.runDir, r.kind])).toEqual(expect.arrayContaining([[runDir, 'cnn'], [trained.runDir, 'baseline']]));
    // The baseline evaluates like any run, on the split the network validated on.
    const network = await ok<{ report: { images: number } }>('evaluation.run', { runDir, source: 'validation' });
    const baseline = await ok<{ report: { images: number } }>('evaluation.run', { runDir: trained.runDir, source: 'validation' });
    expect(baseline.report.images).toBe(network.report.images);
    expect(await call('hog.trainBaseline', { jobId: 'job-2', runDir: trained.runDir, features: { kind: 'pixels' } })).toMatchObject({
      ok: false,
      error: { message: `The run in ${trained.runDir} is itself a hand-crafted baseline.` },
    });
    expect(await ok('hog.stopBaseline', { jobId: 'no-such-job' })).toEqual({});
  });

  it('writes_the_runs_pytorch_package_with_how_to_run_it', async () => {
    const out = join(dir, 'package');
    const written = await ok<PytorchExport>('pytorch.export', { source: runDir, out });
    expect(written.dir).toBe(out);
    expect(written.files).toEqual(expect.arrayContaining(['model.py', 'train.py', 'data.py', 'export_onnx.py', 'README.md']));
    expect(written.howToRun).toContain('torchrun --standalone --nproc_per_node=N train.py');
    expect(existsSync(join(out, 'model.py'))).toBe(true);
  });

  it('opens_a_run_from_elsewhere_into_the_projects_runs_folder', async () => {
    const elsewhere = join(dir, 'cluster-run');
    await cp(runDir, elsewhere, { recursive: true });
    const opened = await ok<ImportedRun>('pytorch.importRun', { dir: elsewhere, projectPath: null, projectName: 'Other project' });
    expect(dirname(opened.runDir)).toBe(join(dir, 'state', 'runs', 'Other-project'));
    expect(opened).toMatchObject({ projectName: 'Tiny', status: 'completed', epochsCompleted: 1, epochsPlanned: 1, weightsFrom: 'weights' });
    const { runs: history } = await ok<{ runs: RunSummary[] }>('runs.list', { projectPath: null, projectName: 'Other project' });
    expect(history.map((r) => [r.runDir, r.kind])).toEqual([[opened.runDir, 'imported']]);
    expect(existsSync(join(elsewhere, 'run.json'))).toBe(true);
    const refused = await call('pytorch.importRun', { dir: data, projectPath: null, projectName: 'Other project' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'run-invalid', message: `${data} is not a run folder (it has no run.json).` } });
  });
});

describe('the parts of the handlers that need no engine', () => {
  it('sends_every_value_of_a_vector_and_the_first_maps_of_a_wide_layer', () => {
    const stats = { mean: 0, min: 0, max: 0, zeroFraction: 0 };
    const vector = shownActivation({ layer: 'dense', kind: 'Dense', shape: [500, 1, 1], maps: Array.from({ length: 500 }, (_, i) => [[i / 3]]), stats });
    expect(vector.mapsShown).toBe(500);
    expect(vector.maps[1]![0]![0]).toBe(0.33333);
    const side = 64;
    const wide = shownActivation({ layer: 'conv', kind: 'Conv2D', shape: [128, side, side], maps: Array.from({ length: 128 }, () => Array.from({ length: side }, () => new Array<number>(side).fill(1))), stats });
    expect(wide.mapsShown).toBe(Math.min(MAX_LAYER_MAPS, Math.floor(MAX_LAYER_VALUES / (side * side))));
    expect(wide.maps).toHaveLength(wide.mapsShown);
    const huge = shownActivation({ layer: 'big', kind: 'Conv2D', shape: [2, 500, 500], maps: [[[1]], [[1]]], stats });
    expect(huge.mapsShown).toBe(1);
  });

  it('fits_only_images_larger_than_the_longest_side', () => {
    expect(greySize({ height: 28, width: 28 }, null, 512)).toBeNull();
    expect(greySize({ height: 28, width: 28 }, { height: 64, width: 64 }, 512)).toEqual({ height: 64, width: 64 });
    expect(greySize({ height: 1000, width: 250 }, null, 512)).toEqual({ height: 512, width: 128 });
  });

  it('reports_the_python_with_torch_or_how_to_get_one', async () => {
    const found = { command: 'python3', executable: '/usr/bin/python3', pythonVersion: '3.11.2', torchVersion: '2.3.1', device: { kind: 'cuda' as const, name: 'A100' } };
    const withTorch = createPytorchHandlers({ cwd: '/', stateFolder: '/state', version: '0.1.0', findPython: async () => ({ found, tried: [] }) });
    const status = (await withTorch['pytorch.status']({}, { events: createEventSink(() => undefined) })) as PytorchStatus;
    expect(status).toMatchObject({ found, tried: [] });
    const without = createPytorchHandlers({ cwd: '/', stateFolder: '/state', version: '0.1.0', findPython: async () => ({ found: null, tried: [{ candidate: 'python3', reason: 'Python 3.11.2: torch is not installed' }] }) });
    const missing = (await without['pytorch.status']({}, { events: createEventSink(() => undefined) })) as PytorchStatus;
    expect(missing.found).toBeNull();
    expect(missing.tried[0]!.reason).toContain('torch is not installed');
    expect(missing.hint).toContain('pip install torch');
  });
});
