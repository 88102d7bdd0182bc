import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { WebGpuDeviceError } from '../../../../src/main/services/engine/webgpu/device-failure';
import { readRunRecord } from '../../../../src/main/services/runs/run-folder';
import { isOutOfMemory, outOfMemoryError } from '../../../../src/main/services/training/out-of-memory';
import { trainRun } from '../../../../src/main/services/training/trainer';
import { StudioError } from '../../../../src/shared/errors';
import { chain } from '../../../support/graph-fixtures';
import { recordingContext, removeDir, sampleSubset, smallProject, tempDir, trainParams } from '../../../support/training-fixtures';

describe('out-of-memory errors are recognised', () => {
  it.each([
    ['a WebGPU out-of-memory', new WebGpuDeviceError({ kind: 'out-of-memory', detail: 'Out of memory' })],
    ['a lost WebGPU device', new WebGpuDeviceError({ kind: 'device-lost', detail: 'reason: unknown' })],
    ["Dawn's buffer size limit", new Error('Buffer size (1200000000) exceeds the max buffer size limit (1073741824).')],
    ["Emscripten's heap", new Error('Aborted(Cannot enlarge memory arrays to size 2147549184 bytes (OOM).)')],
    ["WebAssembly's memory", new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded')],
    ["V8's allocations", new RangeError('Array buffer allocation failed')],
  ])('%s', (_what, error) => {
    expect(isOutOfMemory(error)).toBe(true);
  });

  it.each([
    ['a WebGPU validation error', new WebGpuDeviceError({ kind: 'error', detail: 'Invalid ShaderModule' })],
    ['a StudioError', new StudioError('training-failed', 'The loss became NaN.')],
    ['an unrelated error', new TypeError("Cannot read properties of undefined (reading 'shape')")],
  ])('but not %s', (_what, error) => {
    expect(isOutOfMemory(error)).toBe(false);
  });

  it('the sentence names the GPU, the batch and the input, suggests smaller ones and keeps the checkpoint', () => {
    const error = outOfMemoryError(new WebGpuDeviceError({ kind: 'out-of-memory', detail: 'Out of memory' }), {
      backend: 'WebGPU (Vulkan, nvidia ampere: …)',
      gpu: 'nvidia ampere',
      batchSize: 64,
      input: [224, 224, 3],
      runDir: '/runs/r1',
      lastCheckpoint: 'checkpoints/epoch-0002',
      epochsCompleted: 2,
    });
    expect(error.code).toBe('training-failed');
    expect(error.message).toBe('Training ran out of memory on the GPU (nvidia ampere) during epoch 3: a batch of 64 images of 224x224x3 and the activations it makes do not fit (The WebGPU device ran out of memory (Out of memory).).');
    expect(error.hint).toBe('Lower the batch size (try 32) or the input size in the training settings, or choose a smaller network; the last checkpoint (checkpoints/epoch-0002) is kept in /runs/r1, and the run can resume from it.');
  });
});

describe('a run that runs out of memory', () => {
  it('stops with the sentence, is marked failed and keeps its last checkpoint', async () => {
    const dataset = await sampleSubset(['bag', 'trouser'], 6);
    const run = join(await tempDir('oom'), 'run');
    // The allocation failure is simulated where the run next reports progress: the first batch of epoch 2.
    const ctx = recordingContext((event) => {
      if (event.type === 'batch' && event.epoch === 2) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    });
    const graph = chain([28, 28, 1], [['conv', 'Conv2D', { filters: 2, kernelSize: 3 }], ['flat', 'Flatten']], { classes: 2 });
    try {
      const error = await trainRun(trainParams(smallProject(graph, { epochs: 3, batchSize: 4 }), run, dataset), ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StudioError);
      expect((error as StudioError).code).toBe('training-failed');
      expect((error as StudioError).sentence).toMatch(/^Training ran out of memory on WebAssembly \(SIMD, 1 thread\) during epoch 2: a batch of 4 images of 28x28x1 .* Lower the batch size \(try 2\) or the input size .* the last checkpoint \(checkpoints\/epoch-0001\) is kept in /);
      const record = await readRunRecord(run);
      expect(record).toMatchObject({ status: 'failed', epochsCompleted: 1, finalWeights: 'checkpoints/epoch-0001' });
      expect(record.message).toMatch(/^Training ran out of memory/);
      expect(await readdir(join(run, 'checkpoints'))).toContain('epoch-0001');
    } finally {
      await removeDir(dataset);
      await removeDir(join(run, '..'));
    }
  });
});
