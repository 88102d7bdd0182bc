import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunRecord } from '../../../../../src/main/services/runs/run-folder';
import { trainRun } from '../../../../../src/main/services/training/trainer';
import type { BackendChoice } from '../../../../../src/shared/project/settings';
import { chain } from '../../../../support/graph-fixtures';
import { recordingContext, removeDir, sampleSubset, smallProject, tempDir, trainParams } from '../../../../support/training-fixtures';
import { probeWebGpu, skipWithoutWebGpu } from '../../../../support/webgpu-environment';

const probe = await probeWebGpu();

/** BatchNorm (running statistics), Dropout (random masks), a residual Add and both poolings: state that could leak per step. */
const graph = chain([28, 28, 1], [
  ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }],
  ['bn', 'BatchNorm', {}],
  ['res', 'Residual', { filters: 4 }],
  ['pool', 'MaxPool2D', {}],
  ['avg', 'AvgPool2D', {}],
  ['flat', 'Flatten'],
  ['drop', 'Dropout', { rate: 0.2 }],
], { classes: 2 });

let dataset = '';

/** tf.memory() after each epoch's checkpoint of a five-epoch run on `backend`. */
async function memoryByEpoch(backend: BackendChoice): Promise<Map<number, { numTensors: number; numBytes: number }>> {
  const memory = new Map<number, { numTensors: number; numBytes: number }>();
  const ctx = recordingContext((event) => {
    if (event.type === 'checkpoint') {
      const { numTensors, numBytes } = tf.memory();
      memory.set(event.epoch, { numTensors, numBytes });
    }
  });
  const run = join(await tempDir('memory'), 'run');
  const project = smallProject(graph, { epochs: 5, batchSize: 4, backend, optimizer: { type: 'adam', learningRate: 0.001 } as never, weightDecay: 1e-4 });
  await trainRun(trainParams(project, run, dataset), ctx);
  const record = await readRunRecord(run);
  expect(record).toMatchObject({ status: 'completed', epochsCompleted: 5, backend: { name: backend } });
  // The run record and the start event (train's backend line, the dashboard) name what trained.
  expect(ctx.events[0]).toMatchObject({ type: 'start', backend: { label: record.backend.label, gpu: record.backend.gpu } });
  if (backend === 'webgpu') expect(record.backend.label).toMatch(/^WebGPU \(\w+, .+\)$/);
  await removeDir(join(run, '..'));
  return memory;
}

beforeAll(async () => {
  dataset = await sampleSubset(['bag', 'trouser'], 6);
});

afterAll(async () => {
  await removeDir(dataset);
});

describe('training returns its memory: tf.memory() is the same after epoch 2 as after epoch 5', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(backend, async () => {
      const memory = await memoryByEpoch(backend);
      expect(memory.get(5)).toEqual(memory.get(2));
    });
  }

  describe.skipIf(skipWithoutWebGpu(probe, 'training-memory'))(`on WebGPU (${probe.adapter ?? 'no adapter'})`, () => {
    it('webgpu', async () => {
      const memory = await memoryByEpoch('webgpu');
      expect(memory.get(5)).toEqual(memory.get(2));
    });
  });
});
