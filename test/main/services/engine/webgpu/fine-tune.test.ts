import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFineTuneProject } from '../../../../../src/main/services/finetune/fine-tune-project';
import { readProjectFile } from '../../../../../src/main/services/project/project-files';
import { readRunArtifacts, readRunRecord } from '../../../../../src/main/services/runs/run-folder';
import { trainRun } from '../../../../../src/main/services/training/trainer';
import type { RunEvent } from '../../../../../src/shared/run/run-events';
import { chain } from '../../../../support/graph-fixtures';
import { recordingContext, removeDir, sampleSubset, smallProject, tempDir, trainParams } from '../../../../support/training-fixtures';
import { probeWebGpu, skipWithoutWebGpu } from '../../../../support/webgpu-environment';

const probe = await probeWebGpu();

/** A network trained on wasm, then fine-tuned on WebGPU: starting weights, frozen layers and the feature cache all read asynchronously. */
const source = chain([28, 28, 1], [
  ['conv1', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }],
  ['bn1', 'BatchNorm', {}],
  ['pool1', 'MaxPool2D', {}],
  ['flat', 'Flatten'],
  ['dense', 'Dense', { units: 8 }],
], { classes: 2 });

let root = '';
let dataset = '';

beforeAll(async () => {
  root = await tempDir('webgpu-finetune');
  dataset = await sampleSubset(['bag', 'trouser'], 8);
});

afterAll(async () => {
  await removeDir(root);
  await removeDir(dataset);
});

describe.skipIf(skipWithoutWebGpu(probe, 'fine-tune'))(`fine-tuning on WebGPU (${probe.adapter ?? 'no adapter'})`, () => {
  it('trains_a_new_head_on_cached_features_with_the_frozen_body_unchanged', async () => {
    const sourceRun = join(root, 'source');
    await trainRun(trainParams(smallProject(source, { epochs: 1, batchSize: 8, backend: 'wasm' }), sourceRun, dataset), recordingContext());
    const created = await createFineTuneProject({ from: sourceRun, cutAfter: 'pool1', classes: 2, out: join(root, 'tuned.cnnstudio'), freezeUntil: 'pool1' });
    const project = await readProjectFile(created.project);
    const run = join(root, 'tuned');
    const ctx = recordingContext();
    await trainRun({ ...trainParams({ ...project, training: { ...project.training, epochs: 2, batchSize: 8, backend: 'webgpu' } }, run, dataset), projectPath: created.project }, ctx);
    expect((await readRunRecord(run)).backend.name).toBe('webgpu');
    const cache = ctx.events.find((e): e is Extract<RunEvent, { type: 'status' }> => e.type === 'status' && e.status === 'feature-cache');
    // Cached after the last layer without trainable weights (the new head's pooling).
    expect(cache?.featureCache?.on).toBe(true);
    const before = (await readRunArtifacts(sourceRun)).weights;
    const after = (await readRunArtifacts(run)).weights;
    for (const role of ['kernel', 'bias'] as const) expect(Array.from(after.conv1![role]!.values)).toEqual(Array.from(before.conv1![role]!.values));
    expect(Array.from(after.bn1!.movingMean!.values)).toEqual(Array.from(before.bn1!.movingMean!.values));
    const heads = Object.keys(after).filter((id) => !(id in before));
    expect(heads.length).toBeGreaterThan(0);
  }, 300_000);
});
