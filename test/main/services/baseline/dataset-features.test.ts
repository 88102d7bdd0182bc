import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDatasetFeatures } from '../../../../src/main/services/baseline/dataset-features';
import { FeatureCache, writeFeatureCache } from '../../../../src/main/services/baseline/feature-cache';
import { batchFeatures } from '../../../../src/main/services/baseline/image-features';
import type { DatasetSample } from '../../../../src/main/services/data';
import { decodeImageFile, normalizePixelsInto } from '../../../../src/main/services/data';
import type { SkippedFile } from '../../../../src/shared/dataset/dataset-report';
import { computeHog } from '../../../../src/shared/hog/hog';
import { resolvePreprocessing } from '../../../../src/shared/project/preprocessing';
import { sampleSubset, tempDir } from '../../../support/training-fixtures';

const HOG = { kind: 'hog', hog: { cellSize: 4, blockSize: 2, bins: 9, norm: 'L2-Hys' } } as const;
const GREY = resolvePreprocessing('pixel/255', { height: 28, width: 28, channels: 1 }, 'stretch');
const IMAGE = { height: 28, width: 28, channels: 1, resize: 'stretch' } as const;
const CLASSES = ['bag', 'trouser'];

async function samples(): Promise<DatasetSample[]> {
  const root = await sampleSubset(CLASSES, 3);
  const out: DatasetSample[] = [];
  for (const [label, c] of CLASSES.entries()) {
    for (const file of (await readdir(join(root, c))).sort()) out.push({ path: join(root, c, file), file: `${c}/${file}`, label, split: 'train' });
  }
  return out;
}

describe('features of a dataset', () => {
  it('computes_each_image_once_and_leaves_out_what_cannot_be_decoded', async () => {
    const list = await samples();
    const bad = join(await tempDir('features'), 'notes.png');
    await writeFile(bad, 'not an image');
    const skipped: SkippedFile[] = [];
    const table = await extractDatasetFeatures([...list.slice(0, 2), { path: bad, file: 'bag/notes.png', label: 0, split: 'train' }, ...list.slice(2)], {
      features: HOG,
      preprocessing: GREY,
      length: 1296,
      classes: CLASSES,
      onSkip: (f) => skipped.push(f),
    });
    expect(table).toMatchObject({ count: 6, length: 1296, reused: 0 });
    expect(table.files).toEqual(list.map((s) => s.path));
    expect(Array.from(table.labels)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(skipped).toEqual([{ file: 'bag/notes.png', path: bad, code: 'not-an-image', reason: 'it contains text, not an image', stage: 'decode', split: 'train', className: 'bag' }]);
    const first = await decodeImageFile(list[0]!.path, GREY);
    expect(table.values.subarray(0, 1296)).toEqual(Float32Array.from(computeHog(first, HOG.hog).features));
  });

  it('reuses_cached_rows_of_unchanged_files_only', async () => {
    const list = await samples();
    const table = await extractDatasetFeatures(list, { features: HOG, preprocessing: GREY, length: 1296, classes: CLASSES });
    const run = await tempDir('cache');
    await writeFeatureCache(run, { features: HOG, image: IMAGE, length: 1296, entries: table.entries, values: [table.values.subarray(0, 3 * 1296), table.values.subarray(3 * 1296)] });
    const later = new Date(Date.now() + 60_000);
    await utimes(list[0]!.path, later, later);
    const cache = await FeatureCache.open([run], HOG, IMAGE, 1296);
    expect(cache.size).toBe(6);
    const again = await extractDatasetFeatures(list, { features: HOG, preprocessing: GREY, length: 1296, classes: CLASSES, cache });
    expect(again.reused).toBe(5);
    expect(again.values).toEqual(table.values);
    // Other features or another size: the cache does not apply.
    expect((await FeatureCache.open([run], { kind: 'hog', hog: { ...HOG.hog, bins: 8 } }, IMAGE, 1152)).size).toBe(0);
    expect((await FeatureCache.open([run], HOG, { ...IMAGE, resize: 'letterbox' }, 1296)).size).toBe(0);
    expect((await FeatureCache.open([join(run, 'missing')], HOG, IMAGE, 1296)).size).toBe(0);
  });

  it('batch_features_from_model_inputs_equal_those_of_the_decoded_images', async () => {
    const list = (await samples()).slice(0, 2);
    const images = await Promise.all(list.map((s) => decodeImageFile(s.path, GREY)));
    const x = new Float32Array(2 * 784);
    images.forEach((image, i) => normalizePixelsInto(image, GREY, x, i * 784));
    const hog = batchFeatures(x, 2, HOG, GREY, 1296);
    images.forEach((image, i) => expect(hog.subarray(i * 1296, (i + 1) * 1296)).toEqual(Float32Array.from(computeHog(image, HOG.hog).features)));
    expect(batchFeatures(x, 2, { kind: 'pixels' }, GREY, 784)).toBe(x);
  });
});
