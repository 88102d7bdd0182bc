import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../../src/main/services/export/export-model';
import { importModelToProject } from '../../../../src/main/services/export/import-model';
import { exportOnnx } from '../../../../src/main/services/export/onnx/onnx-writer';
import { readProjectFile } from '../../../../src/main/services/project/project-files';
import { StudioError } from '../../../../src/shared/errors';
import { resolvePreprocessing } from '../../../../src/shared/project/preprocessing';
import { buildTemplate } from '../../../../src/shared/templates';
import { handModel, node } from './support/onnx-builder';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, runOnnx, useWasm } from './support/parity';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'onnx');
let dir: string;

beforeAll(async () => {
  await useWasm();
  dir = await mkdtemp(join(tmpdir(), 'cnn-import-'));
});

describe('importModelToProject', () => {
  it('writes_a_project_and_its_weights_folder_that_export_back_to_the_same_model', async () => {
    const result = await importModelToProject({ model: join(FIXTURES, 'lenet.onnx'), out: join(dir, 'lenet') });
    expect(result).toMatchObject({ project: join(dir, 'lenet.cnnstudio'), weights: join(dir, 'lenet.weights'), layers: 9, labels: null, normalization: null });
    expect(result.params.total).toBe(61706);
    expect((await readdir(join(dir, 'lenet.weights'))).sort()).toEqual(['weights.bin', 'weights.json']);
    const project = await readProjectFile(result.project);
    expect(project.initialWeights).toEqual({ path: 'lenet.weights', origin: 'imported from lenet.onnx (pytorch 1.13.0, opset 11)' });
    expect(project.graph.nodes.every((n) => n.position)).toBe(true);
    // The project exports (with its imported weights) to what PyTorch computed.
    const out = join(dir, 'lenet-again.onnx');
    const exported = await exportModel({ source: result.project, format: 'onnx', out, logits: true, producerVersion: '0.1.0' });
    expect(exported.warnings[0]).toBe(`${result.project} is a project, not a trained run: the export holds its initial weights (imported from lenet.onnx (pytorch 1.13.0, opset 11)).`);
    const expected = JSON.parse(await readFile(join(FIXTURES, 'lenet.expected.json'), 'utf8')) as { output: number[] };
    const n = 2;
    const nchw = Float32Array.from({ length: n * 32 * 32 }, (_, i) => Math.sin(0.37 * i));
    // One channel: NCHW and NHWC hold the values in the same order.
    expect(maxAbsDiff(await runOnnx(new Uint8Array(await readFile(out)), { nhwc: nchw, dims: [n, 32, 32, 1] }), expected.output)).toBeLessThanOrEqual(1e-4);
  });

  it('takes_labels_and_preprocessing_from_the_studio_s_metadata', async () => {
    const flat = flatOf(buildTemplate('resnet-small', { input: { height: 16, width: 16, channels: 3 }, classes: 3 }));
    const compiled = compileWith(flat);
    const weights = modelWeights(compiled);
    compiled.model.dispose();
    const preprocessing = resolvePreprocessing('imagenet-torch', { height: 16, width: 16, channels: 3 }, 'center-crop');
    const labels = ['red', 'green', 'blue'];
    const file = join(dir, 'small.onnx');
    await writeFile(file, exportOnnx({ flat, weights, labels, preprocessing, producerVersion: '0.1.0' }));
    const result = await importModelToProject({ model: file, out: join(dir, 'small.cnnstudio') });
    expect(result).toMatchObject({ labels, normalization: 'imagenet-torch', warnings: [] });
    const project = await readProjectFile(result.project);
    expect(project.dataset).toMatchObject({ normalization: 'imagenet-torch', resize: 'center-crop' });
    expect(JSON.parse(await readFile(join(dir, 'small.weights', 'labels.json'), 'utf8'))).toEqual(labels);
    // Exporting the project carries them again, and the network is unchanged.
    const again = join(dir, 'small-again.onnx');
    await exportModel({ source: result.project, format: 'onnx', out: again, producerVersion: '0.1.0' });
    const batch = imageBatch(flat, 2);
    expect(maxAbsDiff(await runOnnx(new Uint8Array(await readFile(again)), batch), await runOnnx(new Uint8Array(await readFile(file)), batch))).toBeLessThanOrEqual(1e-4);
  });

  it('refuses_to_overwrite_and_writes_nothing_for_a_model_it_cannot_import', async () => {
    const existing = join(dir, 'lenet.cnnstudio');
    await expect(importModelToProject({ model: join(FIXTURES, 'lenet.onnx'), out: existing })).rejects.toThrow(`${existing} already exists.`);
    await importModelToProject({ model: join(FIXTURES, 'lenet.onnx'), out: existing, force: true });
    const unsupported = join(dir, 'lstm.onnx');
    await writeFile(unsupported, handModel({ nodes: [node('LSTM', ['x'], ['y'], {}, 'rnn')] }));
    const before = (await readdir(dir)).sort();
    const error = await importModelToProject({ model: unsupported, out: join(dir, 'lstm') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe('lstm.onnx uses operators the studio does not support: LSTM (node rnn).');
    expect((await readdir(dir)).sort()).toEqual(before);
  });

  it('leaves_nothing_behind_when_the_project_cannot_be_written', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file');
    const before = (await readdir(dir)).sort();
    const error = await importModelToProject({ model: join(FIXTURES, 'lenet.onnx'), out: join(blocker, 'lenet') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'file-unwritable' });
    expect((error as StudioError).message).toBe(`${join(blocker, 'lenet.weights')} cannot be written: a folder on its path does not exist or is a file.`);
    expect((await readdir(dir)).sort()).toEqual(before);
  });
});
