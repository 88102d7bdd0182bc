import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../../../../../src/main/services/insight/evaluate-run';
import { predictFiles } from '../../../../../src/main/services/insight/predict-files';
import { trainRun } from '../../../../../src/main/services/training/trainer';
import { evaluateJobParamsSchema, predictJobParamsSchema } from '../../../../../src/shared/api/engine-protocol';
import { chain } from '../../../../support/graph-fixtures';
import { recordingContext, removeDir, sampleSubset, smallProject, tempDir, trainParams } from '../../../../support/training-fixtures';
import { probeWebGpu, skipWithoutWebGpu } from '../../../../support/webgpu-environment';

const probe = await probeWebGpu();

const graph = chain([28, 28, 1], [
  ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }],
  ['pool', 'MaxPool2D', {}],
  ['flat', 'Flatten'],
], { classes: 2 });

let root = '';
let dataset = '';
let run = '';

beforeAll(async () => {
  root = await tempDir('webgpu-evaluate');
  dataset = await sampleSubset(['bag', 'trouser'], 8);
  run = join(root, 'run');
  await trainRun(trainParams(smallProject(graph, { epochs: 1, batchSize: 8, backend: 'wasm' }), run, dataset), recordingContext());
});

afterAll(async () => {
  await removeDir(root);
  await removeDir(dataset);
});

describe.skipIf(skipWithoutWebGpu(probe, 'evaluate-predict'))(`evaluation and prediction on WebGPU (${probe.adapter ?? 'no adapter'})`, () => {
  it('give_the_webassembly_engines_answers', async () => {
    const evaluate = (backend: 'wasm' | 'webgpu') => evaluateRun(evaluateJobParamsSchema.parse({ runDir: run, dataPath: dataset, split: 'all', backend }), recordingContext());
    const onWasm = await evaluate('wasm');
    const onGpu = await evaluate('webgpu');
    expect(onGpu.confusion).toEqual(onWasm.confusion);
    expect(Math.abs(onGpu.loss - onWasm.loss)).toBeLessThan(1e-4);

    const files = (await readdir(join(dataset, 'bag'))).slice(0, 3).map((f) => join(dataset, 'bag', f));
    const predict = (backend: 'wasm' | 'webgpu') => predictFiles(predictJobParamsSchema.parse({ runDir: run, files, backend }), recordingContext());
    const [a, b] = [await predict('wasm'), await predict('webgpu')];
    expect(b.map((p) => p.label)).toEqual(a.map((p) => p.label));
    b.forEach((p, i) => p.probabilities.forEach((q, k) => expect(Math.abs(q - a[i]!.probabilities[k]!)).toBeLessThan(1e-4)));
  });
});
