import { readdirSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countFiles } from '../../../../src/main/services/api/dataset-scans';
import { dispatch } from '../../../../src/main/services/api/dispatch';
import { createEventSink } from '../../../../src/main/services/api/event-sink';
import type { ScanProgress } from '../../../../src/shared/api/methods/dataset';
import type { RpcEvent, RpcResponse } from '../../../../src/shared/api/rpc';
import { augmentationSchema } from '../../../../src/shared/project/settings';
import { SAMPLE_DATASET } from '../../../support/training-fixtures';
import type { HandlerFixture } from './api-fixtures';
import { createHandlerFixture } from './api-fixtures';

describe('the dataset panel\'s services', () => {
  let fixture: HandlerFixture;
  let events: RpcEvent[];
  let id = 0;
  const call = async (method: string, params: unknown) => {
    const response = (await dispatch(fixture.handlers, { kind: 'request', id: ++id, method, params }, { context: { events: createEventSink((m) => events.push(m)) } })) as RpcResponse;
    return response;
  };
  const ok = async <T>(method: string, params: unknown) => {
    const response = await call(method, params);
    if (!response.ok) throw new Error(`${method} failed: ${response.error.message}`);
    return response.result as T;
  };

  beforeAll(async () => {
    fixture = await createHandlerFixture();
  });
  afterAll(() => fixture.cleanup());

  it('scans_the_sample_dataset_with_progress_counts_samples_and_the_split_it_will_train_with', async () => {
    events = [];
    const scan = await ok<{ root: string; report: { classes: string[]; splits: { train: { perClass: number[]; total: number }; validation: { total: number }; test: { total: number } | null }; validation: { source: string; fraction: number; seed: number }; warnings: unknown[] }; samples: { className: string; files: { path: string; file: string }[] }[]; skippedTotal: number }>(
      'dataset.scan',
      { scanId: 's1', path: SAMPLE_DATASET, validationSplit: 0.2, seed: 42, samplesPerClass: 3 },
    );
    expect(scan.root).toBe(SAMPLE_DATASET);
    expect(scan.report.classes).toHaveLength(10);
    // 100 training images per class, 20% of each held out for validation; test/ has 30 per class.
    expect(scan.report.splits.train.perClass).toEqual(Array(10).fill(80));
    expect(scan.report.splits.validation.total).toBe(200);
    expect(scan.report.splits.test?.total).toBe(300);
    expect(scan.report.validation).toEqual({ source: 'split', fraction: 0.2, seed: 42 });
    expect(scan.skippedTotal).toBe(0);
    expect(scan.samples[0]).toMatchObject({ className: 'ankle-boot' });
    expect(scan.samples[0]!.files).toHaveLength(3);
    expect(scan.samples[0]!.files[0]!.file).toMatch(/^train\/ankle-boot\/.+\.png$/);
    const progress = events.filter((e) => e.event === 'dataset.scanProgress').map((e) => e.payload as ScanProgress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.scanId === 's1')).toBe(true);
    const last = progress.at(-1)!;
    expect(last.done).toBe(true);
    // 1,300 images plus README and LICENSE.
    expect(last.filesSeen).toBe(1302);
    expect(progress.some((p) => p.total === 1302)).toBe(true);
  });

  it('resolves_a_relative_dataset_path_beside_the_project_file', async () => {
    const scan = await ok<{ root: string }>('dataset.scan', { scanId: 's2', path: '../datasets/fashion-mnist-sample', projectPath: resolve(SAMPLE_DATASET, '../../samples/lenet5-fashion.cnnstudio') });
    expect(scan.root).toBe(SAMPLE_DATASET);
  });

  it('lists_skipped_files_with_reasons_and_says_when_the_folder_is_missing', async () => {
    const data = join(fixture.dir, 'with-problems');
    await cp(join(SAMPLE_DATASET, 'train', 'bag'), join(data, 'bag'), { recursive: true });
    await cp(join(SAMPLE_DATASET, 'train', 'coat'), join(data, 'coat'), { recursive: true });
    await writeFile(join(data, 'bag', 'notes.png'), 'this is text, not a picture');
    await writeFile(join(data, 'coat', 'empty.jpg'), '');
    const scan = await ok<{ report: { skipped: { file: string; code: string; reason: string }[] }; skippedTotal: number }>('dataset.scan', { scanId: 's3', path: data });
    expect(scan.skippedTotal).toBe(2);
    expect(scan.report.skipped.map((s) => [s.file, s.code])).toEqual([
      ['bag/notes.png', 'not-an-image'],
      ['coat/empty.jpg', 'empty'],
    ]);
    const missing = await call('dataset.scan', { scanId: 's4', path: join(fixture.dir, 'nowhere') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'file-not-found', message: `The dataset folder ${join(fixture.dir, 'nowhere')} does not exist.` } });
  });

  it('cancels_a_scan_by_its_id', async () => {
    const pending = call('dataset.scan', { scanId: 'slow', path: SAMPLE_DATASET });
    await ok('dataset.cancelScan', { scanId: 'slow' });
    // The scan registers its id before its first await, so the cancel always lands before it ends.
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled', message: `Scanning ${SAMPLE_DATASET} was cancelled.` } });
  });

  it('makes_thumbnails_as_png_and_says_which_file_could_not_be_read', async () => {
    const file = join(SAMPLE_DATASET, 'train', 'bag', readdirSync(join(SAMPLE_DATASET, 'train', 'bag'))[0]!);
    const result = await ok<{ images: { file: string; png: string | null; error?: string }[] }>('dataset.thumbnails', { files: [file, join(fixture.dir, 'gone.png')], size: 56 });
    const png = Buffer.from(result.images[0]!.png!, 'base64');
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    // 28x28 is never enlarged.
    expect([meta.width, meta.height]).toEqual([28, 28]);
    expect(result.images[1]).toMatchObject({ file: join(fixture.dir, 'gone.png'), png: null });
    expect(result.images[1]!.error).toContain('gone.png');
    const tooMany = await call('dataset.thumbnails', { files: Array(65).fill(file) });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('previews_augmentation_as_one_sheet_of_enlarged_tiles', async () => {
    const folder = join(fixture.dir, 'one');
    await mkdir(folder, { recursive: true });
    const file = join(folder, 'grad.png');
    await sharp(Buffer.from(Array.from({ length: 40 * 30 }, (_, i) => i % 256)), { raw: { width: 40, height: 30, channels: 1 } }).png().toFile(file);
    const result = await ok<{ png: string; columns: number; count: number; scale: number }>('dataset.augmentationPreview', {
      file,
      input: { height: 28, width: 28, channels: 1 },
      resize: 'stretch',
      augmentation: augmentationSchema.parse({ horizontalFlip: true, rotation: 15 }),
      count: 8,
      seed: 3,
    });
    expect(result).toMatchObject({ columns: 6, count: 8, scale: 3 });
    const meta = await sharp(Buffer.from(result.png, 'base64')).metadata();
    // Two rows of 28-pixel tiles with 2-pixel gaps, enlarged three times.
    expect([meta.width, meta.height]).toEqual([(6 * 28 + 5 * 2) * 3, (2 * 28 + 2) * 3]);
  });

  it('counts_the_files_of_a_folder_for_the_progress_bar_leaving_hidden_ones_out', async () => {
    const folder = join(fixture.dir, 'count');
    await mkdir(join(folder, 'a', '.hidden'), { recursive: true });
    await writeFile(join(folder, 'a', '1.png'), 'x');
    await writeFile(join(folder, 'a', '.DS_Store'), 'x');
    await writeFile(join(folder, 'a', '.hidden', '2.png'), 'x');
    expect(await countFiles([folder])).toBe(1);
    expect(await countFiles([join(folder, 'missing')])).toBeNull();
  });
});
