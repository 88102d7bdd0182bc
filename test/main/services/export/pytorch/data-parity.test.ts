import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImageFolder } from '../../../../../src/main/services/data';
import { applyAugmentation, augmentationRandom, drawAugmentation } from '../../../../../src/main/services/data/augmentation';
import { epochOrder } from '../../../../../src/main/services/data/batch-loader';
import { decodeImageFile } from '../../../../../src/main/services/data/image-decoder';
import { hashKey } from '../../../../../src/main/services/data/random';
import { readPythonSources } from '../../../../../src/main/services/export/pytorch';
import type { ResizeMode } from '../../../../../src/shared/project/preprocessing';
import type { AugmentationSettings } from '../../../../../src/shared/project/settings';
import { SAMPLE_DATASET, removeDir, tempDir } from '../../../../support/training-fixtures';
import { runPython, torchPythonForTests } from './support/torch-python';

/**
 * data.py against the studio's own data pipeline: the seeded randomness bit for bit (so the
 * validation split, the epoch order and the augmentation draws are the studio's), the scan of the
 * sample dataset, decoding with every resize mode (Pillow against libvips: enlarging agrees to
 * rounding, shrinking within a few grey levels), and the augmentation transforms.
 */
const CHECKS = join(__dirname, 'support', 'data_checks.py');

interface Decode {
  image: string;
  height: number;
  width: number;
  channels: 1 | 3;
  resize: ResizeMode;
}

const IMAGES = ['photo.png', 'grey.png', 'alpha.png', 'tiny.png'];
const IMAGE_SIZES: Record<string, { width: number; height: number }> = {
  'photo.png': { width: 97, height: 61 },
  'photo.jpg': { width: 97, height: 61 },
  'grey.png': { width: 30, height: 45 },
  'alpha.png': { width: 40, height: 40 },
  'tiny.png': { width: 9, height: 7 },
};
const GEOMETRIES: Omit<Decode, 'image'>[] = [
  { height: 24, width: 32, channels: 3, resize: 'stretch' },
  { height: 24, width: 32, channels: 3, resize: 'center-crop' },
  { height: 24, width: 32, channels: 3, resize: 'letterbox' },
  { height: 24, width: 32, channels: 1, resize: 'stretch' },
  { height: 70, width: 50, channels: 3, resize: 'center-crop' },
  { height: 70, width: 50, channels: 1, resize: 'letterbox' },
];
const AUGMENT_ON: AugmentationSettings = { horizontalFlip: true, shift: 0.1, rotation: 15, brightness: 0.2, contrast: 0.3 };
const SHIFT_ONLY: AugmentationSettings = { horizontalFlip: true, shift: 0.2, rotation: 0, brightness: 0, contrast: 0 };
const HASHES: (string | number)[][] = [[42, 'validation', 'bag'], [7, 'augment', 3, 'train/ünïcødé/😀 photo.png'], [0, 'order', 1]];
const ORDERS: [number, number, number][] = [[50, 42, 1], [50, 42, 2], [7, 3, 9]];

let root: string;
let reason = '';
let result: {
  hashes: number[];
  orders: number[][];
  scan: { classes: string[]; train: string[]; validation: string[]; labels: number[] };
  draws: Record<string, unknown>[];
} | null = null;
/**
 * A JPEG is only shrunk less than 3x here: libvips decodes a JPEG shrunk 3x or more at a reduced DCT
 * scale first (shrink-on-load), which Pillow does not imitate (README: differences of a few levels).
 */
const decodes: Decode[] = [
  ...IMAGES.flatMap((image) => GEOMETRIES.map((g) => ({ image, ...g }))),
  { image: 'photo.jpg', height: 24, width: 32, channels: 3, resize: 'stretch' },
  { image: 'photo.jpg', height: 70, width: 50, channels: 1, resize: 'center-crop' },
];
const augmentations = [AUGMENT_ON, SHIFT_ONLY].flatMap((settings) => ['train/a.png', 'train/b.png'].map((key) => ({ settings, key })));

/** Smooth pictures (what photos are like, unlike noise) in the formats and modes data.py must read. */
async function writeImages(dir: string): Promise<void> {
  const rgb = (w: number, h: number, f: (x: number, y: number, c: number) => number) => {
    const data = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
    return sharp(data, { raw: { width: w, height: h, channels: 3 } });
  };
  const photo = rgb(97, 61, (x, y, c) => 128 + 100 * Math.sin(x / 9 + c) * Math.cos(y / 7 - c));
  await photo.clone().png().toFile(join(dir, 'photo.png'));
  await photo.jpeg({ quality: 95 }).toFile(join(dir, 'photo.jpg'));
  await rgb(30, 45, (x, y) => x * 4 + y * 3 + 10 * Math.sin(x * y / 40)).grayscale().png().toFile(join(dir, 'grey.png'));
  const rgba = Buffer.alloc(40 * 40 * 4);
  for (let i = 0; i < 1600; i++) rgba.set([200, (i * 3) % 256, 60, (i * 7) % 256], i * 4);
  await sharp(rgba, { raw: { width: 40, height: 40, channels: 4 } }).png().toFile(join(dir, 'alpha.png'));
  await rgb(9, 7, (x, y, c) => 30 * x + 20 * y + 40 * c).png().toFile(join(dir, 'tiny.png'));
}

function unitImage(h: number, w: number, c: number): Float32Array {
  return Float32Array.from({ length: h * w * c }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
}

beforeAll(async () => {
  const { python, reason: why } = await torchPythonForTests();
  if (!python) {
    reason = why;
    console.warn(`data.py parity tests skipped: ${why}`);
    return;
  }
  root = await tempDir('pytorch-data');
  for (const file of await readPythonSources()) await writeFile(join(root, file.name), file.data);
  await writeImages(root);
  for (let i = 0; i < augmentations.length; i++) await writeFile(join(root, `unit-${i}.bin`), Buffer.from(unitImage(20, 16, 3).buffer));
  const request = {
    hashes: HASHES,
    orders: ORDERS,
    scan: { root: SAMPLE_DATASET, fraction: 0.2, seed: 42 },
    decodes: decodes.map((d, i) => ({ path: join(root, d.image), height: d.height, width: d.width, channels: d.channels, resize: d.resize, out: join(root, `decoded-${i}.raw`) })),
    augmentations: augmentations.map((a, i) => ({ settings: a.settings, seed: 9, epoch: 2, key: a.key, height: 20, width: 16, channels: 3, unit: join(root, `unit-${i}.bin`), out: join(root, `augmented-${i}.bin`) })),
  };
  await writeFile(join(root, 'request.json'), JSON.stringify(request));
  const run = await runPython(python, [CHECKS, root, join(root, 'request.json'), join(root, 'result.json')]);
  if (run.code !== 0) throw new Error(`data_checks.py failed:\n${run.stderr}`);
  result = JSON.parse(await readFile(join(root, 'result.json'), 'utf8'));
}, 120_000);

afterAll(async () => {
  if (root) await removeDir(root);
});

describe('data.py reads images as the studio does', () => {
  it('the_seeded_randomness_is_the_studios_bit_for_bit', async (ctx) => {
    if (!result) ctx.skip(reason);
    expect(result!.hashes).toEqual(HASHES.map((parts) => hashKey(...parts)));
    expect(result!.orders).toEqual(ORDERS.map(([count, seed, epoch]) => Array.from(epochOrder(count, seed, epoch, true))));
  });

  it('the_sample_dataset_scans_to_the_same_classes_and_split', async (ctx) => {
    if (!result) ctx.skip(reason);
    const index = await scanImageFolder(SAMPLE_DATASET, { validationSplit: 0.2, seed: 42 });
    expect(result!.scan.classes).toEqual(index.classes);
    expect(result!.scan.train).toEqual(index.train.map((s) => s.file));
    expect(result!.scan.validation).toEqual(index.validation.map((s) => s.file));
    expect(result!.scan.labels).toEqual(index.train.map((s) => s.label));
  });

  it('decoding_agrees_for_every_resize_mode', async (ctx) => {
    if (!result) ctx.skip(reason);
    for (const [i, d] of decodes.entries()) {
      const studio = await decodeImageFile(join(root, d.image), d);
      const python = new Uint8Array(await readFile(join(root, `decoded-${i}.raw`)));
      const label = `${d.image} → ${d.height}x${d.width}x${d.channels} ${d.resize}`;
      expect(python.length, label).toBe(studio.data.length);
      let worst = 0;
      let sum = 0;
      for (let k = 0; k < python.length; k++) {
        const diff = Math.abs(python[k]! - studio.data[k]!);
        worst = Math.max(worst, diff);
        sum += diff;
      }
      // Grey levels of 255. Enlarging agrees to rounding (a level more where alpha was composited), and
      // shrinking by under a level on average. Stretching that enlarges one axis and shrinks the other
      // is the residual difference the README names.
      const size = IMAGE_SIZES[d.image]!;
      const up = [d.width > size.width, d.height > size.height];
      const [worstAllowed, meanAllowed] = up.every(Boolean) ? [2, 0.5] : d.resize === 'stretch' && up.some(Boolean) ? [12, 3.5] : [16, 1];
      expect(worst, label).toBeLessThanOrEqual(worstAllowed);
      expect(sum / python.length, label).toBeLessThanOrEqual(meanAllowed);
    }
  });

  it('augmentation_draws_and_transforms_agree', async (ctx) => {
    if (!result) ctx.skip(reason);
    for (const [i, a] of augmentations.entries()) {
      const draw = drawAugmentation(a.settings, augmentationRandom(9, 2, a.key), { height: 20, width: 16 });
      expect(result!.draws[i]).toEqual(draw);
      const studio = applyAugmentation(unitImage(20, 16, 3), { height: 20, width: 16, channels: 3 }, draw);
      const bytes = await readFile(join(root, `augmented-${i}.bin`));
      const python = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      let worst = 0;
      for (let k = 0; k < python.length; k++) worst = Math.max(worst, Math.abs(python[k]! - studio[k]!));
      expect(worst, `${a.key} ${JSON.stringify(a.settings)}`).toBeLessThanOrEqual(1e-5);
    }
  });
});
