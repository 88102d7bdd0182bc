import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ImageGeometry } from '../../../../src/main/services/data/image-decoder';
import { decodeImageBytes, decodeImageFile, readWholeFileBlocking } from '../../../../src/main/services/data/image-decoder';
import { ImageProblem } from '../../../../src/main/services/data/image-problem';
import { bmp24, gradientPixels, pngHeaderOnly, rawPng, solidImage } from './dataset-fixtures';

const rgb = (height: number, width: number, resize: ImageGeometry['resize'] = 'stretch'): ImageGeometry => ({ height, width, channels: 3, resize });
const grey = (height: number, width: number): ImageGeometry => ({ height, width, channels: 1, resize: 'stretch' });

const problemOf = async (run: () => Promise<unknown>): Promise<ImageProblem> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImageProblem) return error;
    throw error;
  }
  throw new Error('expected an ImageProblem');
};

/** Three vertical bands (red, green, blue), each `band` pixels wide. */
function bands(band: number, height: number): Uint8Array {
  const width = band * 3;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(y * width + x) * 3 + Math.floor(x / band)] = 255;
  return data;
}

const pixel = (data: Uint8Array, width: number, channels: number, x: number, y: number) => Array.from(data.subarray((y * width + x) * channels, (y * width + x + 1) * channels));

describe('decodeImageBytes', () => {
  it('keeps_pixels_exact_at_the_same_size_and_ignores_the_name', async () => {
    const data = gradientPixels(6, 4, 3);
    const png = await rawPng(data, 6, 4, 3);
    const image = await decodeImageBytes(png, 'named-as.jpg', rgb(4, 6));
    expect(image).toMatchObject({ height: 4, width: 6, channels: 3 });
    expect(Array.from(image.data)).toEqual(Array.from(data));
  });

  it('converts_to_grey_with_rec601_luma_rounded_like_pillow', async () => {
    // Pillow: Image.new('RGB', (1, 1), c).convert('L') gives 76, 150, 29 and 128 for these.
    const colours: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128]];
    const values = [];
    for (const c of colours) values.push((await decodeImageBytes(await solidImage(2, 2, c), 'c.png', grey(2, 2))).data[0]);
    expect(values).toEqual([76, 150, 29, 128]);
  });

  it('repeats_grey_into_rgb', async () => {
    const g = new Uint8Array([0, 50, 100, 250]);
    const image = await decodeImageBytes(await rawPng(g, 2, 2, 1), 'g.png', rgb(2, 2));
    expect(Array.from(image.data)).toEqual([0, 0, 0, 50, 50, 50, 100, 100, 100, 250, 250, 250]);
  });

  it('reads_16_bit_palette_grey_alpha_and_cmyk', async () => {
    const data = gradientPixels(6, 4, 3);
    const sixteen = await sharp(data, { raw: { width: 6, height: 4, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    expect(Array.from((await decodeImageBytes(sixteen, '16.png', rgb(4, 6))).data)).toEqual(Array.from(data));

    const blocks = new Uint8Array(4 * 4 * 3).map((_, i) => [10, 200, 60, 250][Math.floor(i / 12)]!);
    const palette = await sharp(blocks, { raw: { width: 4, height: 4, channels: 3 } }).png({ palette: true }).toBuffer();
    expect((await sharp(palette).metadata()).isPalette).toBe(true);
    expect(Array.from((await decodeImageBytes(palette, 'p.png', rgb(4, 4))).data)).toEqual(Array.from(blocks));

    // Grey 200 at alpha 128 over black: 200 · 128/255 ≈ 100; opaque stays 200.
    const ga = await rawPng(new Uint8Array([200, 128, 200, 255]), 2, 1, 2);
    expect((await sharp(ga).metadata()).channels).toBe(2);
    const composited = Array.from((await decodeImageBytes(ga, 'ga.png', grey(1, 2))).data);
    expect(composited[0]).toBeGreaterThanOrEqual(99);
    expect(composited[0]).toBeLessThanOrEqual(101);
    expect(composited[1]).toBe(200);

    const cmyk = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 255, g: 0, b: 0 } } }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const [r, g, b] = pixel((await decodeImageBytes(cmyk, 'cmyk.jpg', rgb(4, 4))).data, 4, 3, 1, 1);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(60);
    expect(b).toBeLessThan(60);
  });

  it('applies_exif_orientation_so_photos_load_upright', async () => {
    // Stored 20 wide x 10 high, left half red; orientation 6 = rotate 90° clockwise to view: 10 x 20, top half red.
    const stored = new Uint8Array(20 * 10 * 3);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) stored[(y * 20 + x) * 3] = 255;
    const jpeg = await sharp(stored, { raw: { width: 20, height: 10, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeImageBytes(jpeg, 'exif.jpg', rgb(20, 10));
    expect(pixel(image.data, 10, 3, 5, 2)[0]).toBeGreaterThan(240);
    expect(pixel(image.data, 10, 3, 5, 17)[0]).toBeLessThan(15);
  });

  it('takes_the_first_frame_of_an_animated_gif_and_reads_webp_tiff_and_bmp', async () => {
    const frames = new Uint8Array(4 * 8 * 3).map((_, i) => (i < 4 * 4 * 3 ? 255 : 0));
    const gif = await sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    expect(new Set((await decodeImageBytes(gif, 'a.gif', rgb(4, 4))).data)).toEqual(new Set([255]));
    for (const format of ['webp', 'tiff'] as const) {
      const image = await decodeImageBytes(await solidImage(5, 3, [10, 120, 240], format), `x.${format}`, rgb(3, 5));
      expect(pixel(image.data, 5, 3, 2, 1).map((v) => Math.round(v / 10))).toEqual([1, 12, 24]);
    }
    const data = gradientPixels(7, 5, 3);
    expect(Array.from((await decodeImageBytes(bmp24(7, 5, data), 'x.bmp', rgb(5, 7))).data)).toEqual(Array.from(data));
  });

  it('fits_with_stretch_center_crop_and_letterbox', async () => {
    const png = await rawPng(bands(10, 10), 30, 10, 3);
    const stretch = await decodeImageBytes(png, 'b.png', rgb(10, 9, 'stretch'));
    expect([pixel(stretch.data, 9, 3, 1, 5), pixel(stretch.data, 9, 3, 4, 5), pixel(stretch.data, 9, 3, 7, 5)]).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]);
    const crop = await decodeImageBytes(png, 'b.png', rgb(10, 10, 'center-crop'));
    expect(new Set(Array.from({ length: 100 }, (_, i) => pixel(crop.data, 10, 3, i % 10, Math.floor(i / 10)).join()))).toEqual(new Set(['0,255,0']));
    const box = await decodeImageBytes(png, 'b.png', rgb(9, 9, 'letterbox'));
    // 30 x 10 into 9 x 9: 9 x 3 in the middle rows, black above and below.
    expect(pixel(box.data, 9, 3, 4, 0)).toEqual([0, 0, 0]);
    expect(pixel(box.data, 9, 3, 4, 8)).toEqual([0, 0, 0]);
    expect(pixel(box.data, 9, 3, 4, 4)).toEqual([0, 255, 0]);
    expect(pixel(box.data, 9, 3, 0, 4)).toEqual([255, 0, 0]);
  });
});

describe('decoding bad files', () => {
  it('refuses_more_pixels_than_the_limit_without_decoding', async () => {
    const huge = await problemOf(() => decodeImageBytes(pngHeaderOnly(17000, 17000), 'huge.png', rgb(8, 8)));
    expect(huge.problem).toBe('too-many-pixels');
    expect(huge.code).toBe('file-unreadable');
    expect(huge.message).toBe("huge.png cannot be used as an image: it has more pixels than the decoder's limit.");
    const small = await problemOf(() => decodeImageBytes(bmp24(10, 10, new Uint8Array(300)), 'x.bmp', rgb(2, 2), { maxPixels: 99 }));
    expect(small.problem).toBe('too-many-pixels');
    expect((await problemOf(async () => decodeImageBytes(await solidImage(10, 10, [0, 0, 0]), 'x.png', rgb(2, 2), { maxPixels: 99 }))).problem).toBe('too-many-pixels');
  });

  it('names_text_empty_truncated_and_unsupported_files', async () => {
    expect((await problemOf(() => decodeImageBytes(new TextEncoder().encode('hello world'), 't.jpg', rgb(2, 2)))).reason).toBe('it contains text, not an image');
    expect((await problemOf(() => decodeImageBytes(new Uint8Array(0), 'e.png', rgb(2, 2)))).problem).toBe('empty');
    const png = await rawPng(gradientPixels(64, 64, 3), 64, 64, 3);
    const cut = await problemOf(() => decodeImageBytes(png.subarray(0, png.length >> 1), 'cut.png', rgb(2, 2)));
    expect([cut.problem, cut.reason]).toEqual(['truncated', 'the PNG data ends early (the file is truncated)']);
    const jpeg = await sharp(gradientPixels(64, 64, 3), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
    expect((await problemOf(() => decodeImageBytes(jpeg.subarray(0, jpeg.length >> 1), 'cut.jpg', rgb(2, 2)))).problem).toBe('truncated');
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    expect((await problemOf(() => decodeImageBytes(svg, 'x.svg', rgb(2, 2)))).reason).toBe('it is in the SVG format, which the studio does not read');
  });

  it('turns_read_errors_into_problems', async () => {
    const denied = await problemOf(() => decodeImageFile('/x/denied.png', rgb(2, 2), { readFile: async () => Promise.reject(Object.assign(new Error('no'), { code: 'EACCES' })) }));
    expect([denied.problem, denied.reason]).toEqual(['unreadable', 'it cannot be read (permission denied)']);
    expect((await problemOf(() => decodeImageFile('/definitely/not/here.png', rgb(2, 2)))).problem).toBe('broken-link');
  });

  it('reads_the_same_way_blocking_as_the_decode_workers_do', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-read-'));
    try {
      const file = join(folder, 'a.png');
      const png = await rawPng(gradientPixels(4, 4, 3), 4, 4, 3);
      writeFileSync(file, png);
      const read = await decodeImageFile(file, rgb(4, 4), { readFile: readWholeFileBlocking });
      expect(read).toEqual(await decodeImageFile(file, rgb(4, 4)));
      const directory = await problemOf(() => decodeImageFile(folder, rgb(2, 2), { readFile: readWholeFileBlocking }));
      expect([directory.problem, directory.reason]).toEqual(['not-a-file', 'it is not a regular file']);
      expect((await problemOf(() => decodeImageFile(join(folder, 'gone.png'), rgb(2, 2), { readFile: readWholeFileBlocking }))).problem).toBe('broken-link');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
