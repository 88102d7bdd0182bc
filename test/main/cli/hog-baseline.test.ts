import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineCommand } from '../../../src/main/cli/commands/baseline';
import { readRunRecord } from '../../../src/main/services/runs/run-folder';
import { runEventSchema } from '../../../src/shared/run/run-events';
import { runCliProcess } from '../../support/cli-process';
import { SAMPLE_DATASET, tempDir } from '../../support/training-fixtures';
import { HOG_FIXTURES, maxAbsDifference, readHogReference } from '../../shared/hog/hog-fixtures';
import { cli } from './cli-runner';

const BOOT = join(SAMPLE_DATASET, 'train', 'ankle-boot', '00663.png');
const SAMPLE_PROJECT = join(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio');

describe('cnn-studio hog', () => {
  it('prints_the_documented_json_equal_to_scikit_image', async () => {
    const ref = readHogReference('boot');
    for (const c of ref.cases.slice(0, 4)) {
      const s = c.settings;
      const r = await cli(['hog', BOOT, '--cell', String(s.cellSize), '--block', String(s.blockSize), '--bins', String(s.bins), '--norm', s.norm, '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(Object.keys(out).sort()).toEqual(['bins', 'blockSize', 'blocks', 'cellSize', 'cells', 'features', 'file', 'height', 'histograms', 'norm', 'width'].sort());
      expect(out).toMatchObject({ cells: c.cells, blocks: c.blocks, bins: s.bins, height: 28, width: 28, file: BOOT });
      expect(maxAbsDifference(out.features, c.features)).toBeLessThan(1e-4);
      expect(maxAbsDifference(out.histograms, c.histograms)).toBeLessThan(1e-4);
    }
  });

  it('adds_the_detail_of_a_cell', async () => {
    const r = await cli(['hog', BOOT, '--cell', '4', '--detail', '3,2', '--json']);
    expect(r.code).toBe(0);
    const { cell } = JSON.parse(r.stdout);
    expect(cell).toMatchObject({ row: 3, col: 2, top: 12, left: 8 });
    expect(cell.pixels).toHaveLength(16);
    expect(cell.votes).toHaveLength(9);
    expect(cell.blocks).toHaveLength(4);
  });

  it('writes_the_glyph_picture', async () => {
    const out = join(await tempDir('hog'), 'boot.png');
    const r = await cli(['hog', BOOT, '--cell', '4', '--png', out, '--scale', '10']);
    expect(r).toMatchObject({ code: 0, stdout: `Wrote ${out}\n` });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'png', width: 280, height: 280 });
  });

  it('a_colour_image_is_read_as_grey', async () => {
    const ref = readHogReference('colour');
    const r = await cli(['hog', join(HOG_FIXTURES, 'colour.png'), '--cell', '4', '--json']);
    expect(maxAbsDifference(JSON.parse(r.stdout).features, ref.cases[0]!.features)).toBeLessThan(1e-4);
  });

  it('says_what_is_wrong_with_an_image_smaller_than_a_block_or_a_bad_option', async () => {
    const small = await cli(['hog', BOOT, '--cell', '16']);
    expect(small.code).toBe(1);
    expect(small.stderr).toBe(
      'Error: The image is 28 x 28 pixels, smaller than one HOG block of 2 x 2 cells of 16 pixels (32 x 32 pixels). Use smaller cells or blocks (at most 14-pixel cells for 2 x 2 blocks), or a larger image.\n',
    );
    expect((await cli(['hog', BOOT, '--norm', 'L3'])).stderr).toBe('Error: --norm is "L3", but it must be one of L2-Hys, L2, L1, L1-sqrt.\n');
    expect((await cli(['hog', BOOT, '--detail', '9,9', '--cell', '4', '--json'])).stderr).toContain('There is no HOG cell at row 9, column 9');
  });
});

// The built CLI end to end (`npm test` builds first): baseline, then the ordinary evaluate and predict.
describe('cnn-studio baseline', () => {
  let run: string;

  beforeAll(async () => {
    run = join(await tempDir('cli'), 'hog-baseline');
    const r = await runCliProcess(['baseline', '--features', 'hog', '--cell', '4', '--project', SAMPLE_PROJECT, '--epochs', '3', '--backend', 'wasm', '--out', run, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => runEventSchema.parse(JSON.parse(l)));
    expect(events[0]).toMatchObject({ type: 'start', trainImages: 800, valImages: 200 });
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochs: 3 });
  }, 180_000);

  it('writes_a_baseline_run_with_the_sample_projects_split', async () => {
    const record = await readRunRecord(run);
    expect(record).toMatchObject({ kind: 'baseline', status: 'completed', training: { seed: 42, epochs: 3 }, projectPath: SAMPLE_PROJECT });
    expect(await readdir(run)).toContain('baseline.json');
  });

  it('evaluate_works_on_it_unchanged', async () => {
    const r = await runCliProcess(['evaluate', run, '--data', SAMPLE_DATASET, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.images).toBe(300);
    expect(report.accuracy).toBeGreaterThan(0.7);
  });

  it('predict_works_on_it_unchanged', async () => {
    const dir = join(SAMPLE_DATASET, 'test', 'bag');
    const [image] = (await readdir(dir)).sort();
    const r = await runCliProcess(['predict', run, join(dir, image!), '--json']);
    expect(r.code).toBe(0);
    const [prediction] = JSON.parse(r.stdout);
    expect(prediction.probabilities).toHaveLength(10);
    expect(prediction.label).toBe('bag');
  });

  it('export_refuses_a_hog_baseline_with_the_reason', async () => {
    const r = await runCliProcess(['export', run, '--format', 'onnx', '--out', join(run, '..', 'hog.onnx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a HOG baseline: its classifier reads HOG features, which no exported model can compute from an image.');
  });

  it('takes_the_data_size_and_split_of_a_run_folder', async () => {
    // The HOG run's own Input holds its features; the image size comes from its preprocessing.json.
    const pixels = join(await tempDir('cli'), 'pixels');
    const r = await runCliProcess(['baseline', '--features', 'pixels', '--project', run, '--epochs', '1', '--backend', 'wasm', '--out', pixels]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Training a softmax classifier (7,850 parameters) on 800 images (200 for validation) in 10 classes');
    const record = await readRunRecord(pixels);
    expect(record).toMatchObject({ kind: 'baseline', datasetPath: SAMPLE_DATASET, training: { seed: 42, epochs: 1 } });
    expect(JSON.parse(await readFile(join(pixels, 'preprocessing.json'), 'utf8'))).toMatchObject({ height: 28, width: 28, channels: 1 });
  });

  it('needs_features_and_a_run_folder', async () => {
    expect((await cli(['baseline', '--data', SAMPLE_DATASET, '--out', 'x'])).stderr).toBe(`Error: cnn-studio baseline needs --features hog or --features pixels. Usage: ${baselineCommand.usage}\n`);
    expect((await cli(['baseline', '--features', 'hog', '--data', SAMPLE_DATASET])).stderr).toBe('Error: cnn-studio baseline needs --out RUNDIR, the folder for the run.\n');
    expect((await cli(['baseline', '--features', 'hog', '--out', 'x'])).stderr).toContain('needs --data DIR (the image folder) or --project FILE');
    await expect(stat('x')).rejects.toThrow();
  });
});
