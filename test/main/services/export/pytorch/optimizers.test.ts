import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPytorchPackage } from '../../../../../src/main/services/export/pytorch';
import { LearningRateSchedule } from '../../../../../src/main/services/training/learning-rate-schedule';
import { createOptimizer } from '../../../../../src/main/services/training/optimizer-factory';
import type { OptimizerSettings, ScheduleSettings } from '../../../../../src/shared/project/settings';
import { optimizerSettingsSchema, scheduleSettingsSchema } from '../../../../../src/shared/project/settings';
import { SAMPLE_DATASET, removeDir, tempDir } from '../../../../support/training-fixtures';
import { maxAbsDiff, useWasm } from '../support/parity';
import { runPython, torchPythonForTests } from './support/torch-python';

/**
 * train.py's optimisers and schedules against the studio's TF.js ones: a few steps on the same
 * quadratic with the learning rate changing between steps (as schedules change it between epochs),
 * and the rate of every epoch for each schedule.
 */
const CHECKS = join(__dirname, 'support', 'optimizer_checks.py');
const SAMPLE_PROJECT = join(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');
const START = [1, -2, 0.5, 3];
const TARGET = [0.2, 0.4, -0.3, 1];
const COEFFICIENTS = [1, 3, 0.5, 2];
const RATES = [0.1, 0.05, 0.05, 0.02, 0.1];

const OPTIMIZERS: [string, Partial<OptimizerSettings>][] = [
  ['sgd', { type: 'sgd', momentum: 0 }],
  ['sgd-momentum', { type: 'sgd', momentum: 0.9 }],
  ['sgd-nesterov', { type: 'sgd', momentum: 0.8, nesterov: true }],
  ['adam', { type: 'adam', beta1: 0.85, beta2: 0.99, epsilon: 1e-6 }],
  ['rmsprop', { type: 'rmsprop', rho: 0.8, momentum: 0 }],
  ['rmsprop-momentum', { type: 'rmsprop', rho: 0.9, momentum: 0.5, epsilon: 1e-4 }],
];
const SCHEDULES: [string, Partial<ScheduleSettings>][] = [
  ['constant', { type: 'constant' }],
  ['step', { type: 'step', stepEpochs: 2, gamma: 0.5 }],
  ['cosine', { type: 'cosine', minLearningRate: 0.001 }],
  ['plateau', { type: 'plateau', patience: 2, factor: 0.5, minLearningRate: 0.002 }],
];
const LOSSES = [1, 0.8, 0.85, 0.9, 0.7, 0.75, 0.76, 0.77, 0.6];

let root: string;
let reason = '';
let result: { optimizers: number[][][]; schedules: number[][] } | null = null;

beforeAll(async () => {
  const { python, reason: why } = await torchPythonForTests();
  if (!python) {
    reason = why;
    console.warn(`Optimiser parity tests skipped: ${why}`);
    return;
  }
  await useWasm();
  root = await tempDir('pytorch-optimizers');
  const pkg = join(root, 'package');
  await exportPytorchPackage({ source: SAMPLE_PROJECT, out: pkg, producerVersion: 'test' });
  const request = {
    optimizers: OPTIMIZERS.map(([, s]) => ({ settings: optimizerSettingsSchema.parse(s), start: START, target: TARGET, coefficients: COEFFICIENTS, rates: RATES })),
    schedules: SCHEDULES.map(([, s]) => ({ settings: scheduleSettingsSchema.parse(s), base: 0.01, epochs: LOSSES.length, losses: LOSSES })),
  };
  await writeFile(join(root, 'request.json'), JSON.stringify(request));
  const run = await runPython(python, [CHECKS, pkg, join(root, 'request.json'), join(root, 'result.json')]);
  if (run.code !== 0) throw new Error(`optimizer_checks.py failed:\n${run.stderr}`);
  result = JSON.parse(await readFile(join(root, 'result.json'), 'utf8'));
}, 120_000);

afterAll(async () => {
  if (root) await removeDir(root);
});

/** The studio's TF.js optimiser on the same quadratic: the weights after each step. */
function tfjsSteps(settings: OptimizerSettings): number[][] {
  const { optimizer, setLearningRate } = createOptimizer(settings);
  const w = tf.variable(tf.tensor1d(START));
  const t = tf.tensor1d(TARGET);
  const c = tf.tensor1d(COEFFICIENTS);
  const steps: number[][] = [];
  for (const rate of RATES) {
    setLearningRate(rate);
    optimizer.minimize(() => tf.sum(tf.mul(c, tf.square(tf.sub(w, t)))) as tf.Scalar, false, [w]);
    steps.push(Array.from(w.dataSync()));
  }
  tf.dispose([w, t, c]);
  optimizer.dispose();
  return steps;
}

describe('train.py trains as the studio does', () => {
  OPTIMIZERS.forEach(([name, settings], i) => {
    it(`${name}_steps_equal_tfjs`, (ctx) => {
      if (!result) ctx.skip(reason);
      const expected = tfjsSteps(optimizerSettingsSchema.parse(settings));
      result!.optimizers[i]!.forEach((weights, step) => expect(maxAbsDiff(weights, expected[step]!), `step ${step + 1}`).toBeLessThanOrEqual(1e-5));
    });
  });

  SCHEDULES.forEach(([name, settings], i) => {
    it(`${name}_schedule_gives_the_studios_rates`, (ctx) => {
      if (!result) ctx.skip(reason);
      const schedule = new LearningRateSchedule(scheduleSettingsSchema.parse(settings), 0.01, LOSSES.length);
      const expected = LOSSES.map((loss, e) => {
        const rate = schedule.rateFor(e + 1);
        schedule.endEpoch(loss);
        return rate;
      });
      expect(maxAbsDiff(result!.schedules[i]!, expected)).toBeLessThanOrEqual(1e-12);
    });
  });
});
