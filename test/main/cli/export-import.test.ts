import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/services/engine';
import { cli } from './cli-runner';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'onnx');
let dir: string;

beforeAll(async () => {
  await loadBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'cnn-cli-export-'));
  expect((await cli(['new', '--template', 'lenet5', '-o', join(dir, 'lenet.cnnstudio')])).code).toBe(0);
});

describe('cnn-studio export', () => {
  it('writes_onnx_and_prints_json', async () => {
    const r = await cli(['export', 'lenet.cnnstudio', '--format', 'onnx', '--out', 'lenet.onnx', '--opset', '11', '--layout', 'nhwc', '--logits', '--json'], dir);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual({ file: join(dir, 'lenet.onnx'), format: 'onnx', opset: 11, warnings: expect.any(Array) });
    expect(json.warnings[0]).toMatch(/has not been trained: the export holds random initial weights \(seed 42\)/);
    expect((await readFile(join(dir, 'lenet.onnx'))).byteLength).toBeGreaterThan(240_000);
  });

  it('writes_a_tfjs_folder_and_says_so_in_words', async () => {
    const r = await cli(['export', 'lenet.cnnstudio', '--format', 'tfjs', '--out', 'web'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Exported ${join(dir, 'web')} (TensorFlow.js layers model).\n`);
    expect(r.stderr).toMatch(/^Warning: .*random initial weights/);
    expect((await readdir(join(dir, 'web'))).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'preprocessing.json']);
    const json = JSON.parse((await cli(['export', 'lenet.cnnstudio', '--format', 'tfjs', '--out', 'web', '--json'], dir)).stdout);
    expect(json).toMatchObject({ dir: join(dir, 'web'), format: 'tfjs', opset: null });
  });

  it('explains_bad_options_and_unwritable_paths', async () => {
    const noFormat = await cli(['export', 'lenet.cnnstudio', '--out', 'x.onnx'], dir);
    expect(noFormat).toMatchObject({ code: 1, stderr: 'Error: cnn-studio export needs --format onnx, tfjs or pytorch.\n' });
    const badOpset = await cli(['export', 'lenet.cnnstudio', '--format', 'onnx', '--out', 'x.onnx', '--opset', '9'], dir);
    expect(badOpset.stderr).toBe('Error: --opset is "9", but it must be a whole number from 11 to 17.\n');
    await writeFile(join(dir, 'file'), 'x');
    const unwritable = await cli(['export', 'lenet.cnnstudio', '--format', 'onnx', '--out', 'file/x.onnx', '--json'], dir);
    expect(unwritable.code).toBe(1);
    expect(JSON.parse(unwritable.stdout)).toMatchObject({ type: 'error', code: 'file-unwritable' });
    expect(await readdir(dir)).not.toContain('x.onnx');
  });
});

describe('cnn-studio import', () => {
  it('makes_a_project_from_a_pytorch_model', async () => {
    const r = await cli(['import', join(FIXTURES, 'resnet-style.onnx'), '-o', 'resnet', '--json'], dir);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ project: join(dir, 'resnet.cnnstudio'), weights: join(dir, 'resnet.weights'), layers: 15, labels: null, normalization: null });
    expect(json.warnings).toEqual([expect.stringContaining('returns logits')]);
    const inspect = await cli(['inspect', 'resnet.cnnstudio', '--json'], dir);
    expect(JSON.parse(inspect.stdout).params.total).toBe(json.params.total);
  });

  it('says_a_file_that_is_not_onnx_is_not_onnx', async () => {
    const r = await cli(['import', join(dir, 'lenet.cnnstudio'), '-o', 'nope'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: lenet\.cnnstudio is not a readable ONNX model/);
  });
});
