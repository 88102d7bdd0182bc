import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THREADED_WASM_MIN_MULTIPLY_ADDS, wasmThreadsFor } from '../../../../src/main/services/training/wasm-threads-choice';
import { projectToFile } from '../../../../src/shared/project/codec';
import { analyzeGraph } from '../../../../src/shared/shapes/analyze';
import { multiplyAddsPerImage } from '../../../../src/shared/shapes/compute-cost';
import { buildTemplate } from '../../../../src/shared/templates';
import { runCliProcess } from '../../../support/cli-process';
import { removeDir, sampleSubset, smallProject, tempDir } from '../../../support/training-fixtures';

const flatOf = (template: string, input: { height: number; width: number; channels: number }) => analyzeGraph(buildTemplate(template, { input, classes: 10 })).flat!;

describe('how many WebAssembly threads a network trains on', () => {
  it('keeps_small_nets_on_one_thread_and_gives_big_ones_the_cores', () => {
    expect(wasmThreadsFor(flatOf('lenet5', { height: 28, width: 28, channels: 1 }), 2)).toBe(1);
    for (const template of ['vgg-small', 'resnet18']) {
      const flat = flatOf(template, { height: 32, width: 32, channels: 3 });
      expect(multiplyAddsPerImage(flat)).toBeGreaterThan(THREADED_WASM_MIN_MULTIPLY_ADDS);
      expect([wasmThreadsFor(flat, 1), wasmThreadsFor(flat, 2), wasmThreadsFor(flat, 16)]).toEqual([1, 2, 4]);
    }
  });
});

describe('a big network trains on the threaded WebAssembly build (built CLI, its own engine process)', () => {
  let dir = '';
  let data = '';
  beforeAll(async () => {
    dir = await tempDir('threads');
    data = await sampleSubset(['bag', 'trouser'], 8);
    const project = smallProject(buildTemplate('vgg-small', { input: { height: 32, width: 32, channels: 3 }, classes: 2 }), { epochs: 1, batchSize: 8, seed: 5, backend: 'wasm' });
    await writeFile(join(dir, 'vgg.cnnstudio'), JSON.stringify(projectToFile(project)));
  });
  afterAll(async () => {
    await removeDir(dir);
    await removeDir(data);
  });

  it('on_the_cores_with_the_same_result_every_time', async () => {
    const threads = Math.min(availableParallelism(), 4);
    const weights: Buffer[] = [];
    for (const run of ['a', 'b']) {
      const result = await runCliProcess(['train', join(dir, 'vgg.cnnstudio'), '--data', data, '--out', join(dir, run), '--json']);
      expect(result.code, result.stderr).toBe(0);
      const record = JSON.parse(await readFile(join(dir, run, 'run.json'), 'utf8')) as { backend: { label: string } };
      expect(record.backend.label).toBe(`WebAssembly (SIMD, ${threads} thread${threads === 1 ? '' : 's'})`);
      weights.push(await readFile(join(dir, run, 'weights', 'weights.bin')));
    }
    expect(weights[0]!.equals(weights[1]!)).toBe(true);
  });
});
