import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../../src/main/services/export/export-model';
import { decodeModelProto } from '../../../../src/main/services/export/onnx/onnx-proto';
import { writeProjectFile } from '../../../../src/main/services/project/project-files';
import { StudioError } from '../../../../src/shared/errors';
import { createProject } from '../../../../src/shared/project/project';
import type { WeightSet } from '../../../../src/shared/weights';
import { chain } from '../../../support/graph-fixtures';
import { compileWith, flatOf, imageBatch, maxAbsDiff, modelWeights, perturbWeights, predictTf, runOnnx, useWasm } from './support/parity';
import { writeRunFolder } from './support/run-fixture';

const graph = chain([6, 6, 1], [['conv', 'Conv2D', { filters: 3, kernelSize: 3 }], ['bn', 'BatchNorm'], ['flat', 'Flatten'], ['drop', 'Dropout']], { classes: 3 });
const labels = ['circle', 'square', 'triangle'];
const preprocessing = { height: 6, width: 6, channels: 1 as const, resize: 'stretch' as const, scale: 1 / 255, mean: [0.5], std: [0.25], channelOrder: 'rgb' as const };

let dir: string;
let runDir: string;
let trained: WeightSet;

beforeAll(async () => {
  await useWasm();
  dir = await mkdtemp(join(tmpdir(), 'cnn-export-'));
  runDir = join(dir, 'run');
  const compiled = compileWith(flatOf(graph));
  trained = perturbWeights(modelWeights(compiled));
  compiled.model.dispose();
  await writeRunFolder(runDir, graph, trained, labels, preprocessing);
});

function metadataOf(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries((decodeModelProto(bytes, 'm.onnx').metadataProps ?? []).map((p) => [p.key!, p.value!]));
}

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('it succeeded');
}

describe('exportModel', () => {
  it('exports_a_run_with_its_trained_weights_labels_and_preprocessing', async () => {
    const out = join(dir, 'run.onnx');
    const result = await exportModel({ source: runDir, format: 'onnx', out, opset: 17, layout: 'nhwc', producerVersion: '0.1.0' });
    expect(result).toEqual({ format: 'onnx', file: out, opset: 17, warnings: [] });
    const bytes = new Uint8Array(await readFile(out));
    const flat = flatOf(graph);
    const model = compileWith(flat, trained);
    const batch = imageBatch(flat, 2);
    expect(maxAbsDiff(await runOnnx(bytes, batch, 'nhwc'), predictTf(model.model, batch))).toBeLessThanOrEqual(1e-4);
    model.model.dispose();
    expect(metadataOf(bytes)).toMatchObject({ labels: JSON.stringify(labels), input_layout: 'NHWC', input_size: '6x6x1', resize: 'stretch' });
  });

  it('exports_an_untrained_project_with_random_weights_and_says_so', async () => {
    const project = join(dir, 'tiny.cnnstudio');
    await writeProjectFile(project, createProject('tiny', graph));
    const first = await exportModel({ source: project, format: 'onnx', out: join(dir, 'a.onnx'), producerVersion: '0.1.0' });
    expect(first.warnings).toEqual([
      `${project} is a project that has not been trained: the export holds random initial weights (seed 42). Export a run folder for a trained model.`,
      'The class names are only known once a run has read the dataset, so the export carries no labels.',
    ]);
    await exportModel({ source: project, format: 'onnx', out: join(dir, 'b.onnx'), producerVersion: '0.1.0' });
    // The project's seed makes the initial weights, and so the file, repeatable.
    expect(await readFile(join(dir, 'a.onnx'))).toEqual(await readFile(join(dir, 'b.onnx')));
    const metadata = metadataOf(new Uint8Array(await readFile(join(dir, 'a.onnx'))));
    expect(metadata.labels).toBeUndefined();
    expect(JSON.parse(metadata.normalization!)).toEqual({ scale: 1 / 255, mean: [0], std: [1] });
  });

  it('writes_a_tfjs_folder_and_replaces_an_earlier_export', async () => {
    const out = join(dir, 'web');
    expect(await exportModel({ source: runDir, format: 'tfjs', out, producerVersion: '0.1.0' })).toEqual({ format: 'tfjs', dir: out, opset: null, warnings: [] });
    expect((await readdir(out)).sort()).toEqual(['group1-shard1of1.bin', 'labels.json', 'model.json', 'preprocessing.json']);
    await exportModel({ source: runDir, format: 'tfjs', out, producerVersion: '0.1.0' });
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(JSON.parse(await readFile(join(out, 'preprocessing.json'), 'utf8'))).toEqual(preprocessing);
  });

  it('leaves_nothing_behind_when_the_path_cannot_be_written', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file');
    const before = (await readdir(dir)).sort();
    const onnx = await failure(exportModel({ source: runDir, format: 'onnx', out: join(blocker, 'model.onnx'), producerVersion: '0.1.0' }));
    expect(onnx).toMatchObject({ code: 'file-unwritable', message: `${join(blocker, 'model.onnx')} cannot be written: a folder on its path does not exist or is a file.` });
    const tfjs = await failure(exportModel({ source: runDir, format: 'tfjs', out: join(blocker, 'web'), producerVersion: '0.1.0' }));
    expect(tfjs.code).toBe('file-unwritable');
    expect(tfjs.message).toContain(join(blocker, 'web'));
    expect((await readdir(dir)).sort()).toEqual(before);
  });

  it('does_not_replace_a_folder_that_is_not_an_export', async () => {
    const photos = join(dir, 'photos');
    await mkdir(photos);
    await writeFile(join(photos, 'cat.jpg'), 'jpeg');
    const error = await failure(exportModel({ source: runDir, format: 'tfjs', out: photos, producerVersion: '0.1.0' }));
    expect(error.message).toBe(`${photos} already exists and holds other files than a TF.js model.`);
    expect(await readdir(photos)).toEqual(['cat.jpg']);
  });

  it('refuses_onnx_options_for_tfjs_and_graphs_with_errors', async () => {
    expect((await failure(exportModel({ source: runDir, format: 'tfjs', out: join(dir, 'x'), opset: 13, producerVersion: '0' }))).code).toBe('invalid-argument');
    const broken = join(dir, 'broken.cnnstudio');
    await writeProjectFile(broken, createProject('broken', chain([6, 6, 1], [['conv', 'Conv2D', { filters: 3, kernelSize: 9 }], ['flat', 'Flatten']])));
    const error = await failure(exportModel({ source: broken, format: 'onnx', out: join(dir, 'broken.onnx'), producerVersion: '0' }));
    expect(error.code).toBe('invalid-graph');
    expect(error.message).toMatch(/^The network of broken has 1 error\(s\), so it cannot be exported: conv: Conv2D conv: The 9x9 kernel is larger than the 6x6 input/);
    expect((await failure(exportModel({ source: join(dir, 'missing'), format: 'onnx', out: join(dir, 'm.onnx'), producerVersion: '0' }))).code).toBe('file-not-found');
  });
});
