import { readFile as readFileBytes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, BatchLoader, BatchLoaderOptions } from '../../../../src/main/services/data/batch-loader';
import { createBatchLoader } from '../../../../src/main/services/data/batch-loader';
import type { DatasetIndex } from '../../../../src/main/services/data/dataset-index';
import { decodeImageFile } from '../../../../src/main/services/data/image-decoder';
import { scanImageFolder } from '../../../../src/main/services/data/image-folder';
import { normalizePixelsInto } from '../../../../src/main/services/data/normalization';
import { addSkippedFiles } from '../../../../src/shared/dataset/dataset-report';
import { batchLoaderStatsSchema } from '../../../../src/shared/dataset/loader-stats';
import { StudioError } from '../../../../src/shared/errors';
import type { Preprocessing } from '../../../../src/shared/project/preprocessing';
import { resolvePreprocessing } from '../../../../src/shared/project/preprocessing';
import { gradientPixels, makeTempDir, put, rawPng } from './dataset-fixtures';

const preprocessing: Preprocessing = resolvePreprocessing('imagenet-torch', { height: 6, width: 5, channels: 3 }, 'stretch');
const SAMPLE = 6 * 5 * 3;
let temp: { dir: string; remove: () => Promise<void> };
let index: DatasetIndex;
const loaders: BatchLoader[] = [];

beforeAll(async () => {
  temp = await makeTempDir();
  // 3 classes x 7 images of different sizes, so resizing is exercised.
  for (const [c, name] of ['ant', 'bee', 'cow'].entries()) {
    for (let i = 0; i < 7; i++) {
      const w = 5 + i;
      const h = 6 + c;
      const data = gradientPixels(w, h, 3).map((v) => (v + i * 29 + c * 71) % 256);
      await put(join(temp.dir, name, `${i}.png`), await rawPng(data, w, h, 3));
    }
  }
  index = await scanImageFolder(temp.dir, { validationSplit: 0 });
});
afterAll(async () => {
  await Promise.all(loaders.map((l) => l.dispose()));
  await temp.remove();
});

async function loader(options: Partial<BatchLoaderOptions>): Promise<BatchLoader> {
  const l = await createBatchLoader({ samples: index.train, preprocessing, batchSize: 4, seed: 11, workers: 0, classes: index.classes, ...options });
  loaders.push(l);
  return l;
}

async function epoch(l: BatchLoader, e: number, options?: { fromBatch?: number; signal?: AbortSignal }): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of l.batches(e, options)) out.push(b);
  return out;
}

async function expectedInput(path: string): Promise<Float32Array> {
  const out = new Float32Array(SAMPLE);
  normalizePixelsInto(await decodeImageFile(path, preprocessing), preprocessing, out);
  return out;
}

describe('createBatchLoader', () => {
  it('covers_every_sample_once_per_epoch_in_nhwc_batches', async () => {
    const l = await loader({});
    expect([l.sampleCount, l.batchesPerEpoch, l.mode]).toEqual([21, 6, 'in-thread']);
    const batches = await epoch(l, 0);
    expect(batches.map((b) => b.shape)).toEqual([...Array(5).fill([4, 6, 5, 3]), [1, 6, 5, 3]]);
    const files = batches.flatMap((b) => b.files);
    expect([...files].sort()).toEqual(index.train.map((s) => s.path).sort());
    const b = batches[2]!;
    for (let k = 0; k < b.files.length; k++) {
      const sample = index.train.find((s) => s.path === b.files[k])!;
      expect(b.y[k]).toBe(sample.label);
      expect(Array.from(b.x.subarray(k * SAMPLE, (k + 1) * SAMPLE))).toEqual(Array.from(await expectedInput(sample.path)));
    }
    const stats = batchLoaderStatsSchema.parse(l.stats());
    expect(stats).toMatchObject({ mode: 'in-thread', workers: 0, fallbackReason: null, batches: 6, samples: 21, skipped: 0 });
    expect(stats.cache).toMatchObject({ entries: 21, misses: 21, hits: 0 });
  });

  it('shuffles_by_seed_and_epoch_and_keeps_order_without_shuffle', async () => {
    const a = await loader({});
    const b = await loader({});
    const c = await loader({ seed: 12 });
    const order = async (l: BatchLoader, e: number) => (await epoch(l, e)).flatMap((x) => x.files);
    expect(await order(a, 3)).toEqual(await order(b, 3));
    expect(await order(a, 3)).not.toEqual(await order(a, 4));
    expect(await order(a, 3)).not.toEqual(await order(c, 3));
    const plain = await loader({ shuffle: false });
    expect(await order(plain, 0)).toEqual(index.train.map((s) => s.path));
    const tail = await epoch(a, 5, { fromBatch: 4 });
    expect(tail.map((x) => x.files)).toEqual((await epoch(b, 5)).slice(4).map((x) => x.files));
  });

  it('workers_and_in_thread_give_identical_augmented_batches', async () => {
    const augmentation = { horizontalFlip: true, shift: 0.2, rotation: 20, brightness: 0.1, contrast: 0.2 };
    const onWorkers = await loader({ workers: 2, augmentation });
    const inThread = await loader({ workers: 0, augmentation });
    expect(onWorkers.mode).toBe('workers');
    expect(onWorkers.stats()).toMatchObject({ workers: 2, fallbackReason: null });
    for (const e of [0, 1]) {
      const w = await epoch(onWorkers, e);
      const t = await epoch(inThread, e);
      expect(w.map((b) => b.files)).toEqual(t.map((b) => b.files));
      expect(w.map((b) => Array.from(b.y))).toEqual(t.map((b) => Array.from(b.y)));
      w.forEach((b, i) => expect(b.x).toEqual(t[i]!.x));
    }
    // Augmented: epochs differ for the same file, and differ from the plain input.
    const first = (await epoch(inThread, 0))[0]!;
    const again = (await epoch(inThread, 1)).flatMap((b) => b.files.map((f, k) => ({ f, x: b.x.subarray(k * SAMPLE, (k + 1) * SAMPLE) }))).find((s) => s.f === first.files[0])!;
    expect(Array.from(again.x)).not.toEqual(Array.from(first.x.subarray(0, SAMPLE)));
    expect(Array.from(first.x.subarray(0, SAMPLE))).not.toEqual(Array.from(await expectedInput(first.files[0]!)));
    const stats = onWorkers.stats();
    expect(stats.cache.entries).toBe(21);
    expect(stats.cache.hits).toBe(21);
  });

  it('starts_the_next_epoch_while_the_last_batches_are_consumed_when_asked', async () => {
    const reads: string[] = [];
    const readFile = async (path: string) => {
      reads.push(path);
      return readFileBytes(path);
    };
    const ahead = await loader({ prefetchNextEpoch: true, cacheBytes: 0, readFile });
    const plain = await loader({});
    const first = await epoch(ahead, 0);
    // Epoch 1's first two batches (the prefetch depth) were read before anyone asked for epoch 1.
    const epochOne = await epoch(plain, 1);
    expect(reads.slice(21)).toEqual([...epochOne[0]!.files, ...epochOne[1]!.files]);
    // The same batches, in the same order, with or without the head start.
    const second = await epoch(ahead, 1);
    expect(second.map((b) => b.files)).toEqual(epochOne.map((b) => b.files));
    second.forEach((b, i) => expect(b.x).toEqual(epochOne[i]!.x));
    expect(first.map((b) => b.files)).toEqual((await epoch(plain, 0)).map((b) => b.files));
    // Another epoch than the one prepared (or a start mid-epoch) leaves the head start unused.
    const skipped = await epoch(ahead, 5);
    expect(skipped.map((b) => b.files)).toEqual((await epoch(plain, 5)).map((b) => b.files));
  });

  it('streams_from_disk_beyond_the_cache_budget', async () => {
    // Room for 3 decoded images (90 bytes of pixels + 160 of bookkeeping each).
    const l = await loader({ cacheBytes: 3 * (SAMPLE + 160), shuffle: false });
    const first = await epoch(l, 0);
    const second = await epoch(l, 1);
    expect(second.map((b) => b.x)).toEqual(first.map((b) => b.x));
    const stats = l.stats();
    expect(stats.cache.entries).toBe(3);
    expect(stats.cache.bytes).toBeLessThanOrEqual(stats.cache.budgetBytes);
    expect(stats.cache.misses).toBe(42);
    expect(stats.cache.evictions).toBe(39);
  });

  it('leaves_out_a_file_that_fails_to_decode_and_reports_it_once', async () => {
    const dir = await makeTempDir();
    try {
      for (const name of ['a', 'b']) for (let i = 0; i < 4; i++) await put(join(dir.dir, name, `${i}.png`), await rawPng(gradientPixels(5, 6, 3), 5, 6, 3));
      const scanned = await scanImageFolder(dir.dir, { validationSplit: 0 });
      // Damaged after the scan: found only when decoded.
      const victim = join(dir.dir, 'b', '2.png');
      const png = await rawPng(gradientPixels(40, 40, 3), 40, 40, 3);
      await writeFile(victim, png.subarray(0, png.length >> 1));
      const reported: string[] = [];
      const l = await loader({ samples: scanned.train, classes: scanned.classes, batchSize: 3, onSkip: (s) => reported.push(s.file) });
      for (const e of [0, 1, 2]) {
        const batches = await epoch(l, e);
        expect(batches.flatMap((b) => b.files)).toHaveLength(7);
        expect(batches.flatMap((b) => b.files)).not.toContain(victim);
        for (const b of batches) expect(b.x.length).toBe(b.y.length * SAMPLE);
      }
      expect(reported).toEqual(['b/2.png']);
      expect(l.skipped()).toEqual([
        { file: 'b/2.png', path: victim, code: 'truncated', reason: 'the PNG data ends early (the file is truncated)', stage: 'decode', split: 'train', className: 'b' },
      ]);
      expect(l.stats().skipped).toBe(1);
      const report = addSkippedFiles(scanned.report, l.skipped());
      expect(report.splits.train.perClass).toEqual([4, 3]);
      expect(report.skipped).toHaveLength(1);
      expect(addSkippedFiles(report, l.skipped())).toEqual(report);
    } finally {
      await dir.remove();
    }
  });

  it('can_be_cancelled_and_refuses_bad_arguments', async () => {
    const l = await loader({});
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(async () => {
      for await (const b of l.batches(0, { signal: controller.signal })) {
        seen.push(b.index);
        controller.abort();
      }
    }).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen).toEqual([0]);
    await expect(createBatchLoader({ samples: index.train, preprocessing, batchSize: 0 })).rejects.toBeInstanceOf(StudioError);
    await expect(createBatchLoader({ samples: index.train, preprocessing, batchSize: 2, classes: ['only'] })).rejects.toThrow('which is not a class index');
  });
});

describe('decode workers', () => {
  it('fall_back_to_the_training_thread_when_turned_off_or_missing', async () => {
    const off = await loader({ workers: 1, workerLocation: null });
    expect([off.mode, off.stats().fallbackReason]).toEqual(['in-thread', 'decode workers were turned off']);
    expect(await epoch(off, 0)).toHaveLength(6);
  });

  it('a_worker_that_dies_hands_over_to_the_training_thread', async () => {
    // A stand-in worker that starts, then dies on its first request.
    const script = join(temp.dir, 'dying-worker.mjs');
    await writeFile(script, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\nparentPort.postMessage({ type: 'ready' });\n");
    const l = await loader({ workers: 2, workerLocation: { url: pathToFileURL(script), execArgv: [], from: 'bundle' } });
    expect(l.mode).toBe('workers');
    const batches = await epoch(l, 0);
    expect(batches.flatMap((b) => b.files)).toHaveLength(21);
    const reference = await loader({});
    expect(batches.map((b) => b.x)).toEqual((await epoch(reference, 0)).map((b) => b.x));
    expect(l.mode).toBe('in-thread');
    expect(l.stats().fallbackReason).toBe('a decode worker stopped (exit code 3); decoding continues on the training thread');
  });

  it('dispose_stops_everything_and_is_safe_twice', async () => {
    const l = await createBatchLoader({ samples: index.train, preprocessing, batchSize: 4, seed: 1, workers: 1 });
    expect(l.mode).toBe('workers');
    const iterator = l.batches(0);
    expect((await iterator.next()).done).toBe(false);
    await l.dispose();
    await l.dispose();
    await expect(epoch(l, 1)).rejects.toThrow('disposed');
  });
});
