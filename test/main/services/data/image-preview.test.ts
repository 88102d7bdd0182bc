import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../../../src/main/services/data/image-decoder';
import { normalizedImageToPng, renderAugmentationPreview, thumbnail } from '../../../../src/main/services/data/image-preview';
import { ImageProblem } from '../../../../src/main/services/data/image-problem';
import { normalizePixelsInto } from '../../../../src/main/services/data/normalization';
import { resolvePreprocessing } from '../../../../src/shared/project/preprocessing';
import { gradientPixels, makeTempDir, put, rawPng } from './dataset-fixtures';

let temp: { dir: string; remove: () => Promise<void> };
let photo: string;
beforeAll(async () => {
  temp = await makeTempDir();
  photo = join(temp.dir, 'photo.png');
  await put(photo, await rawPng(gradientPixels(40, 20, 3), 40, 20, 3));
});
afterAll(async () => temp.remove());

const raw = async (png: Uint8Array) => sharp(png).raw().toBuffer({ resolveWithObject: true });

describe('pictures for the UI', () => {
  it('thumbnails_fit_the_box_keep_the_aspect_and_never_enlarge', async () => {
    expect((await raw(await thumbnail(photo, 16))).info).toMatchObject({ width: 16, height: 8 });
    expect((await raw(await thumbnail(photo, 100))).info).toMatchObject({ width: 40, height: 20 });
    await put(join(temp.dir, 'bad.png'), 'not a png');
    await expect(thumbnail(join(temp.dir, 'bad.png'), 16)).rejects.toBeInstanceOf(ImageProblem);
  });

  it('turns_a_normalised_input_back_into_the_picture_it_came_from', async () => {
    const p = resolvePreprocessing('imagenet-keras-caffe', { height: 20, width: 40, channels: 3 }, 'stretch');
    const decoded = await decodeImageFile(photo, p);
    const x = new Float32Array(20 * 40 * 3);
    normalizePixelsInto(decoded, p, x);
    const back = await raw(await normalizedImageToPng(x, p));
    expect(back.info).toMatchObject({ width: 40, height: 20, channels: 3 });
    expect(Array.from(back.data)).toEqual(Array.from(decoded.data));
    const big = await raw(await normalizedImageToPng(x, p, 3));
    expect(big.info).toMatchObject({ width: 120, height: 60 });
    expect(Array.from(big.data.subarray(0, 3))).toEqual(Array.from(big.data.subarray(3, 6)));
  });

  it('renders_augmentation_draws_as_one_sheet_that_repeats_for_a_seed', async () => {
    const p = resolvePreprocessing('pixel/255', { height: 10, width: 12, channels: 1 }, 'stretch');
    const options = { path: photo, preprocessing: p, augmentation: { horizontalFlip: true, shift: 0.2, rotation: 10, brightness: 0.2, contrast: 0 }, count: 6, seed: 3 };
    const sheet = await renderAugmentationPreview(options);
    // 3 columns x 2 rows of 12 x 10 tiles with 2-pixel gaps.
    expect(await sharp(sheet).metadata()).toMatchObject({ width: 3 * 12 + 2 * 2, height: 2 * 10 + 2, channels: 1 });
    expect(Buffer.compare(Buffer.from(await renderAugmentationPreview(options)), Buffer.from(sheet))).toBe(0);
    expect(Buffer.compare(Buffer.from(await renderAugmentationPreview({ ...options, seed: 4 })), Buffer.from(sheet))).not.toBe(0);
  });
});
