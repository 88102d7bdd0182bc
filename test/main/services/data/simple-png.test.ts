import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../../../src/main/services/data/image-decoder';
import { decodeSimplePng } from '../../../../src/main/services/data/simple-png';
import { gradientPixels, rawPng, SAMPLE_DATASET } from './dataset-fixtures';

/** Noise makes libpng pick every filter type (none, sub, up, average, Paeth) somewhere. */
function noise(length: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length }, (_, i) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 24) ^ (i % 7 === 0 ? (i * 3) & 255 : 0);
  });
}
const smooth = (w: number, h: number, c: number) => gradientPixels(w, h, c);

describe('the plain-PNG fast path', () => {
  it('gives_the_same_pixels_as_sharp_for_grey_rgb_and_palette_files', async () => {
    const files: [string, Uint8Array][] = [
      ['grey noise', await rawPng(noise(13 * 9, 1), 13, 9, 1)],
      ['grey smooth', await rawPng(smooth(13, 9, 1), 13, 9, 1)],
      ['rgb noise', await rawPng(noise(13 * 9 * 3, 2), 13, 9, 3)],
      ['rgb smooth', await rawPng(smooth(13, 9, 3), 13, 9, 3)],
      ['palette', await sharp(smooth(13, 9, 3), { raw: { width: 13, height: 9, channels: 3 } }).png({ palette: true, colours: 200, dither: 0 }).toBuffer()],
      ['sample', await readFile(join(SAMPLE_DATASET, 'train', 'bag', (await import('node:fs')).readdirSync(join(SAMPLE_DATASET, 'train', 'bag'))[0]!))],
    ];
    for (const [name, png] of files) {
      const simple = decodeSimplePng(png);
      expect(simple, name).not.toBeNull();
      for (const channels of [1, 3] as const) {
        const geometry = { height: simple!.height, width: simple!.width, channels, resize: 'stretch' as const };
        const fast = await decodeImageBytes(png, name, geometry);
        const slow = await decodeImageBytes(png, name, geometry, { sharpOnly: true });
        expect(Array.from(fast.data), `${name} as ${channels} channels`).toEqual(Array.from(slow.data));
      }
    }
  });

  it('leaves_everything_else_to_sharp', async () => {
    const rgb = smooth(8, 8, 3);
    const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
    const rgba = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 128 : i));
    const png = await rawPng(rgb, 8, 8, 3);
    const badCrc = Buffer.from(png);
    badCrc[33 + 8] = badCrc[33 + 8]! ^ 0xff; // first byte of the IDAT data: its CRC no longer matches
    const cases: [string, Uint8Array][] = [
      ['interlaced', await sharp(rgb, raw).png({ progressive: true }).toBuffer()],
      ['16-bit', await sharp(rgb, raw).toColourspace('rgb16').png().toBuffer()],
      ['alpha', await rawPng(rgba, 8, 8, 4)],
      ['4-bit palette', await sharp(rgb, raw).png({ palette: true, colours: 4 }).toBuffer()],
      ['exif', await sharp(rgb, raw).png().withMetadata({ orientation: 3 }).toBuffer()],
      ['icc', await sharp(rgb, raw).png().withIccProfile('p3').toBuffer()],
      ['truncated', png.subarray(0, png.length - 20)],
      ['bad crc', badCrc],
      ['jpeg', await sharp(rgb, raw).jpeg().toBuffer()],
    ];
    for (const [name, bytes] of cases) expect(decodeSimplePng(bytes), name).toBeNull();
    expect(decodeSimplePng(png)).not.toBeNull();
  });
});
