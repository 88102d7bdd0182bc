import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGreyImage, hogPicturePng, imageFileSize } from '../../../../src/main/services/baseline/hog-image';
import { computeHog } from '../../../../src/shared/hog/hog';
import { HOG_FIXTURES, maxAbsDifference, readHogReference } from '../../../shared/hog/hog-fixtures';
import { tempDir } from '../../../support/training-fixtures';

const COLOUR_PNG = join(HOG_FIXTURES, 'colour.png');

describe('images for HOG', () => {
  const ref = readHogReference('colour');

  it('a_colour_image_becomes_grey_as_the_dataset_pipeline_converts_it', async () => {
    // The reference grey is Pillow's convert('L'), the conversion the decoder documents.
    const image = await decodeGreyImage(COLOUR_PNG);
    expect(image).toMatchObject({ height: 32, width: 40, channels: 1 });
    expect(Array.from(image.data)).toEqual(ref.pixels);
    for (const c of ref.cases) expect(maxAbsDifference(computeHog(image, c.settings).features, c.features)).toBeLessThan(1e-4);
  });

  it('the_same_pixels_in_another_format_give_the_same_grey', async () => {
    const rgb = await sharp(COLOUR_PNG).removeAlpha().raw().toBuffer();
    const webp = join(await tempDir('hog'), 'colour.webp');
    await sharp(rgb, { raw: { width: 40, height: 32, channels: 3 } }).webp({ lossless: true }).toFile(webp);
    expect(Array.from((await decodeGreyImage(webp)).data)).toEqual(ref.pixels);
  });

  it('keeps_the_upright_size_unless_a_size_is_given', async () => {
    const jpeg = join(await tempDir('hog'), 'rotated.jpg');
    await sharp({ create: { width: 20, height: 10, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toFile(jpeg);
    expect(await imageFileSize(jpeg)).toEqual({ height: 20, width: 10 });
    expect(await decodeGreyImage(jpeg)).toMatchObject({ height: 20, width: 10, channels: 1 });
    expect(await decodeGreyImage(COLOUR_PNG, { size: { height: 16, width: 16 } })).toMatchObject({ height: 16, width: 16 });
  });

  it('a_file_that_is_not_an_image_is_a_sentence_naming_it', async () => {
    const bad = join(HOG_FIXTURES, 'make_hog_fixtures.py');
    await expect(decodeGreyImage(bad)).rejects.toThrow(`${bad} cannot be used as an image: it contains text, not an image.`);
  });

  it('renders_the_glyph_picture_as_png', async () => {
    const image = await decodeGreyImage(COLOUR_PNG);
    const png = await hogPicturePng(image, computeHog(image, ref.cases[0]!.settings), { scale: 4 });
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 160, height: 128, channels: 3 });
  });
});
