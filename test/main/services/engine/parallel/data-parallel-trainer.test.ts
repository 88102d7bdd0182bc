import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../../../src/shared/graph/model-graph';
import { StudioError } from '../../../../../src/shared/errors';
import { loadBackend } from '../../../../../src/main/services/engine/backends';
import type { CompiledModel } from '../../../../../src/main/services/engine/compile-model';
import { compileModel } from '../../../../../src/main/services/engine/compile-model';
import { readWeights } from '../../../../../src/main/services/engine/model-weights';
import { DataParallelTrainer, shardSizes } from '../../../../../src/main/services/engine/parallel/data-parallel-trainer';
import type { ImageBatch } from '../../../../../src/main/services/training/train-step';
import { trainStep } from '../../../../../src/main/services/training/train-step';
import { chain } from '../../../../support/graph-fixtures';
import { flatOf, images } from '../engine-fixtures';
import { maxRelativeError } from '../reference-ops';

const OPTIONS = { inputShape: [10, 10, 1] as [number, number, number], classes: 3, loss: 'softmax-cross-entropy' as const, weightDecay: 0.01 };

/** A batch of `size` deterministic images with labels 0, 1, 2, 0, ... */
function batchOf(size: number, seed: number): ImageBatch {
  const x = images([size, 10, 10, 1], seed);
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return { x: Float32Array.from(values), y: Int32Array.from({ length: size }, (_, i) => i % 3), size, files: [] };
}

/** The largest absolute difference between two compiled models' weights. */
function weightDifference(a: CompiledModel, b: CompiledModel): number {
  const wa = readWeights(a);
  const wb = readWeights(b);
  let diff = 0;
  for (const [id, roles] of Object.entries(wa)) {
    for (const [role, tensor] of Object.entries(roles)) {
      const other = (wb[id] as Record<string, { values: Float32Array }>)[role]!.values;
      tensor!.values.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - other[i]!))));
    }
  }
  return diff;
}

const PLAIN: ModelGraph = chain([10, 10, 1], [
  ['conv1', 'Conv2D', { filters: 4, padding: 'same' }],
  ['pool1', 'MaxPool2D'],
  ['conv2', 'Conv2D', { filters: 6, kernelSize: 3, activation: 'tanh' }],
  ['flat', 'Flatten'],
  ['dense1', 'Dense', { units: 8 }],
], { classes: 3 });

const NORMALISED: ModelGraph = chain([10, 10, 1], [
  ['conv1', 'Conv2D', { filters: 4, padding: 'same', useBias: false, activation: 'linear' }],
  ['bn1', 'BatchNorm'],
  ['relu1', 'Activation', { activation: 'relu' }],
  ['gap', 'GlobalAvgPool'],
], { classes: 3 });

describe('data-parallel training on worker threads', () => {
  beforeAll(async () => {
    await loadBackend('wasm');
  });

  it('splits_a_batch_into_near_equal_shards_larger_first', () => {
    expect(shardSizes(64, 2)).toEqual([32, 32]);
    expect(shardSizes(7, 2)).toEqual([4, 3]);
    expect(shardSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(shardSizes(1, 3)).toEqual([1, 0, 0]);
  });

  describe('two replicas', () => {
    const single = { compiled: null as CompiledModel | null, optimizer: null as tf.Optimizer | null };
    const parallel = { compiled: null as CompiledModel | null, optimizer: null as tf.Optimizer | null, trainer: null as DataParallelTrainer | null };

    beforeAll(async () => {
      single.compiled = compileModel(flatOf(PLAIN), { seed: 3 });
      parallel.compiled = compileModel(flatOf(PLAIN), { seed: 3 });
      single.optimizer = tf.train.adam(0.01);
      parallel.optimizer = tf.train.adam(0.01);
      parallel.trainer = await DataParallelTrainer.start(parallel.compiled, { ...OPTIONS, graph: PLAIN, replicas: 2, backend: 'wasm', seed: 3, maxBatch: 9 });
    });

    afterAll(async () => {
      await parallel.trainer?.dispose();
      single.optimizer?.dispose();
      parallel.optimizer?.dispose();
      single.compiled?.model.dispose();
      parallel.compiled?.model.dispose();
    });

    it('take_the_same_steps_as_one_thread_on_the_whole_batch', async () => {
      expect(parallel.trainer!.replicas).toBe(2);
      // An odd batch: shards of 5 and 4, weighted by their sizes.
      for (const [step, size] of [[1, 9], [2, 9], [3, 6]] as const) {
        const batch = batchOf(size, step);
        const one = trainStep(single.compiled!, single.optimizer!, batch, OPTIONS);
        const two = await parallel.trainer!.step(parallel.optimizer!, batch);
        expect(two.correct).toBe(one.correct);
        expect(Math.abs(two.loss - one.loss)).toBeLessThan(1e-5);
      }
      expect(weightDifference(single.compiled!, parallel.compiled!)).toBeLessThan(1e-5);
    });

    it('use_this_threads_weights_as_they_are_at_each_step', async () => {
      // Weights written between steps (a restored checkpoint) reach the replicas.
      const weights = readWeights(single.compiled!);
      const { writeWeights } = await import('../../../../../src/main/services/engine/model-weights');
      writeWeights(parallel.compiled!, weights);
      const batch = batchOf(8, 11);
      trainStep(single.compiled!, single.optimizer!, batch, OPTIONS);
      await parallel.trainer!.step(parallel.optimizer!, batch);
      expect(weightDifference(single.compiled!, parallel.compiled!)).toBeLessThan(1e-5);
    });

    it('refuse_a_batch_larger_than_they_were_started_for', async () => {
      await expect(parallel.trainer!.step(parallel.optimizer!, batchOf(10, 1))).rejects.toThrow(/exceeds the 9/);
    });
  });

  it('averages_batch_norm_running_statistics_over_the_shards', async () => {
    const compiled = compileModel(flatOf(NORMALISED), { seed: 5 });
    const optimizer = tf.train.sgd(0.1);
    const trainer = await DataParallelTrainer.start(compiled, { ...OPTIONS, graph: NORMALISED, replicas: 2, backend: 'wasm', seed: 5, maxBatch: 8 });
    try {
      // Shard 1 is dark, shard 2 bright: the running mean moves by (1 − momentum) × their average.
      const batch = batchOf(8, 2);
      batch.x.fill(0, 0, 4 * 100);
      batch.x.fill(1, 4 * 100);
      const bn = compiled.nodes.get('bn1')!;
      const keep = (bn.layers[0] as unknown as { momentum: number }).momentum;
      const before = Float32Array.from(bn.weights.movingMean!.read().dataSync());
      // The shards' batch means, from the weights before the step: 0 for the dark shard (no bias), the
      // mean over the map of the 'same' convolution of ones for the bright one.
      const bright = tf.tidy(() => {
        const kernel = compiled.nodes.get('conv1')!.weights.kernel!.read() as tf.Tensor4D;
        return Float32Array.from(tf.mean(tf.conv2d(tf.ones([1, 10, 10, 1]) as tf.Tensor4D, kernel, 1, 'same'), [0, 1, 2]).dataSync());
      });
      const result = await trainer.step(optimizer, batch);
      expect(Number.isFinite(result.loss)).toBe(true);
      const after = bn.weights.movingMean!.read().dataSync();
      const expected = before.map((m, c) => keep * m + (1 - keep) * (0 + bright[c]!) / 2);
      expect(maxRelativeError(after, expected)).toBeLessThan(1e-5);
    } finally {
      await trainer.dispose();
      optimizer.dispose();
      compiled.model.dispose();
    }
  });

  it('says_why_when_its_workers_cannot_start', async () => {
    const compiled = compileModel(flatOf(PLAIN), { seed: 1 });
    try {
      const location = { url: new URL('file:///nonexistent/replica-worker.js'), execArgv: [], from: 'bundle' as const };
      const error = await DataParallelTrainer.start(compiled, { ...OPTIONS, graph: PLAIN, replicas: 2, backend: 'wasm', seed: 1, maxBatch: 4, location }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StudioError);
      expect((error as StudioError).code).toBe('backend-unavailable');
      expect((error as StudioError).message).toMatch(/^Data-parallel training could not start: /);
    } finally {
      compiled.model.dispose();
    }
  });
});
