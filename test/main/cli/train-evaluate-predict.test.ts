import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRunRecord } from '../../../src/main/services/runs/run-folder';
import { runEventSchema } from '../../../src/shared/run/run-events';
import { runCliProcess } from '../../support/cli-process';
import { SAMPLE_DATASET, tempDir } from '../../support/training-fixtures';

// The built CLI end to end, as a user runs it (`npm test` builds first).
const SAMPLE_PROJECT = join(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');
let run: string;

beforeAll(async () => {
  run = join(await tempDir('cli'), 'run');
  const r = await runCliProcess(['train', SAMPLE_PROJECT, '--epochs', '2', '--batch', '64', '--backend', 'wasm', '--seed', '3', '--out', run, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const events = r.stdout.trim().split('\n').map((l) => runEventSchema.parse(JSON.parse(l)));
  expect(events[0]!.type).toBe('start');
  expect(events.filter((e) => e.type === 'epoch').map((e) => Object.keys(e))).toEqual(
    Array(2).fill(expect.arrayContaining(['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'imagesPerSecond', 'seconds'])),
  );
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochs: 2 });
}, 180_000);

describe('cnn-studio train / evaluate / predict', () => {
  it('evaluate_prints_the_documented_json', async () => {
    const r = await runCliProcess(['evaluate', run, '--data', SAMPLE_DATASET, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(['accuracy', 'classes', 'confusion', 'dataPath', 'images', 'loss', 'perClass', 'skipped', 'weightsFrom', 'worst'].sort());
    expect(report.images).toBe(300); // the test/ split of the sample
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(300);
    expect(report.perClass[0]).toEqual({ class: 'ankle-boot', precision: expect.any(Number), recall: expect.any(Number), f1: expect.any(Number), support: 30 });
    expect(report.accuracy).toBeGreaterThan(0.3);
  });

  it('predict_prints_probabilities_in_label_order', async () => {
    const dir = join(SAMPLE_DATASET, 'test', 'trouser');
    const [image] = await readdir(dir);
    const r = await runCliProcess(['predict', run, join(dir, image!), '--json']);
    expect(r.code).toBe(0);
    const [prediction] = JSON.parse(r.stdout);
    expect(prediction.file).toBe(join(dir, image!));
    expect(prediction.probabilities).toHaveLength(10);
    expect(prediction.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    expect(typeof prediction.label).toBe('string');
  });

  it('predict_reports_a_file_that_is_not_an_image', async () => {
    const r = await runCliProcess(['predict', run, SAMPLE_PROJECT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot be used as an image');
  });

  it('ctrl_c_stops_cleanly_and_keeps_the_checkpoint', async () => {
    const out = join(await tempDir('cli'), 'interrupted');
    let sent = false;
    // As a terminal does it: SIGINT to the whole process group, the engine process included.
    const r = await runCliProcess(['train', SAMPLE_PROJECT, '--epochs', '30', '--backend', 'wasm', '--out', out, '--json'], {
      group: true,
      onStdout(text, child) {
        if (!sent && text.includes('"type":"checkpoint"')) {
          sent = true;
          process.kill(-child.pid!, 'SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    const record = await readRunRecord(out);
    expect(record.status).toBe('stopped');
    expect(record.checkpoints.length).toBeGreaterThanOrEqual(1);
  });

  it('an_existing_run_folder_is_refused', async () => {
    const r = await runCliProcess(['train', SAMPLE_PROJECT, '--out', run]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists and is not empty. Choose a new folder with --out, or continue that run with --resume.');
  });
});
