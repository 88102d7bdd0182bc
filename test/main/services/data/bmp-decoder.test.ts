import { describe, expect, it } from 'vitest';
import { decodeBmp, readBmpHeader } from '../../../../src/main/services/data/bmp-decoder';
import { ImageProblem } from '../../../../src/main/services/data/image-problem';
import { sniffImageFormat } from '../../../../src/main/services/data/image-format';

/**
 * BMP files written byte by byte from the format's description (Microsoft's BITMAPINFOHEADER /
 * BITMAPV4HEADER / BITMAPCOREHEADER docs), independent of the reader under test.
 */
interface BmpSpec {
  width: number;
  height: number;
  bpp: number;
  headerSize?: 12 | 40 | 108;
  compression?: number;
  topDown?: boolean;
  /** RGB triples. */
  palette?: number[][];
  masks?: [number, number, number, number];
  /** Pixel data rows, top row first, already packed (no padding); for RLE, the whole encoded stream. */
  rows?: number[][];
  rle?: number[];
}

function writeBmp(spec: BmpSpec): Uint8Array {
  const headerSize = spec.headerSize ?? 40;
  const core = headerSize === 12;
  const palette = spec.palette ?? [];
  const entry = core ? 3 : 4;
  const masksAfterHeader = headerSize === 40 && spec.compression === 3 ? 12 : 0;
  const pixelOffset = 14 + headerSize + masksAfterHeader + palette.length * entry;
  const rowBytes = Math.ceil((spec.bpp * spec.width) / 32) * 4;
  const pixelData: number[] = [];
  if (spec.rle) pixelData.push(...spec.rle);
  else {
    const rows = [...spec.rows!];
    if (!spec.topDown) rows.reverse();
    for (const row of rows) pixelData.push(...row, ...new Array(rowBytes - row.length).fill(0));
  }
  const out = Buffer.alloc(pixelOffset + pixelData.length);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(pixelOffset, 10);
  out.writeUInt32LE(headerSize, 14);
  if (core) {
    out.writeUInt16LE(spec.width, 18);
    out.writeUInt16LE(spec.height, 20);
    out.writeUInt16LE(1, 22);
    out.writeUInt16LE(spec.bpp, 24);
  } else {
    out.writeInt32LE(spec.width, 18);
    out.writeInt32LE(spec.topDown ? -spec.height : spec.height, 22);
    out.writeUInt16LE(1, 26);
    out.writeUInt16LE(spec.bpp, 28);
    out.writeUInt32LE(spec.compression ?? 0, 30);
    out.writeUInt32LE(pixelData.length, 34);
    out.writeUInt32LE(palette.length, 46);
    if (spec.masks) spec.masks.forEach((m, i) => (headerSize === 108 || i < 3) && out.writeUInt32LE(m >>> 0, 54 + i * 4));
  }
  palette.forEach(([r, g, b], i) => {
    const at = 14 + headerSize + masksAfterHeader + i * entry;
    out[at] = b!;
    out[at + 1] = g!;
    out[at + 2] = r!;
  });
  Buffer.from(pixelData).copy(out, pixelOffset);
  return out;
}

const decode = (bytes: Uint8Array) => decodeBmp(bytes, 'test.bmp', 1e8);
const pixels = (bytes: Uint8Array) => {
  const image = decode(bytes);
  return Array.from({ length: image.width * image.height }, (_, i) => Array.from(image.data.subarray(i * image.channels, (i + 1) * image.channels)));
};
const PALETTE = [
  [0, 0, 0],
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
];

describe('decodeBmp', () => {
  it('24_bit_bottom_up_and_top_down_with_row_padding', () => {
    const rows = [
      [3, 2, 1, 6, 5, 4],
      [9, 8, 7, 12, 11, 10],
    ];
    const expected = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ];
    expect(pixels(writeBmp({ width: 2, height: 2, bpp: 24, rows }))).toEqual(expected);
    expect(pixels(writeBmp({ width: 2, height: 2, bpp: 24, rows, topDown: true }))).toEqual(expected);
    expect(sniffImageFormat(writeBmp({ width: 2, height: 2, bpp: 24, rows }))).toEqual({ kind: 'image', format: 'bmp' });
  });

  it('1_4_and_8_bit_palettes_and_the_core_header', () => {
    // 1 bit: pixels 1,0,1 in the high bits of one byte.
    expect(pixels(writeBmp({ width: 3, height: 1, bpp: 1, palette: PALETTE.slice(0, 2), rows: [[0b10100000]] }))).toEqual([[255, 0, 0], [0, 0, 0], [255, 0, 0]]);
    expect(pixels(writeBmp({ width: 3, height: 1, bpp: 4, palette: PALETTE, rows: [[0x23, 0x10]] }))).toEqual([[0, 255, 0], [0, 0, 255], [255, 0, 0]]);
    expect(pixels(writeBmp({ width: 2, height: 1, bpp: 8, palette: PALETTE, rows: [[3, 2]] }))).toEqual([[0, 0, 255], [0, 255, 0]]);
    expect(pixels(writeBmp({ width: 2, height: 1, bpp: 8, headerSize: 12, palette: PALETTE, rows: [[1, 3]] }))).toEqual([[255, 0, 0], [0, 0, 255]]);
  });

  it('16_bit_555_default_and_565_bit_fields', () => {
    // 555: white 0x7fff, pure red 0x7c00; 565 via masks: green 0x07e0.
    expect(pixels(writeBmp({ width: 2, height: 1, bpp: 16, rows: [[0xff, 0x7f, 0x00, 0x7c]] }))).toEqual([[255, 255, 255], [255, 0, 0]]);
    const masks: [number, number, number, number] = [0xf800, 0x07e0, 0x001f, 0];
    expect(pixels(writeBmp({ width: 2, height: 1, bpp: 16, compression: 3, masks, rows: [[0xe0, 0x07, 0x10, 0x00]] }))).toEqual([[0, 255, 0], [0, 0, 132]]);
  });

  it('32_bit_alpha_is_kept_when_used_and_dropped_when_all_zero', () => {
    const masks: [number, number, number, number] = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    const withAlpha = writeBmp({ width: 2, height: 1, bpp: 32, compression: 3, headerSize: 108, masks, rows: [[30, 20, 10, 128, 0, 0, 255, 255]] });
    expect(decode(withAlpha).channels).toBe(4);
    expect(pixels(withAlpha)).toEqual([[10, 20, 30, 128], [255, 0, 0, 255]]);
    const zeroAlpha = writeBmp({ width: 1, height: 1, bpp: 32, compression: 3, headerSize: 108, masks, rows: [[30, 20, 10, 0]] });
    expect(pixels(zeroAlpha)).toEqual([[10, 20, 30]]);
    // Plain 32-bit (no bit fields): BGRX, the fourth byte is not alpha.
    expect(pixels(writeBmp({ width: 1, height: 1, bpp: 32, rows: [[30, 20, 10, 0]] }))).toEqual([[10, 20, 30]]);
  });

  it('rle8_and_rle4_with_runs_literals_delta_and_end_codes', () => {
    // 5 x 2, bottom row first: a run of 2 x index 1, a literal [2, 3, 1] (padded to a word), end of line;
    // then a delta of (1, 0), a run of 1 x index 3, end of bitmap. Pixels not written stay index 0.
    const rle8 = [2, 1, 0, 3, 2, 3, 1, 0, 0, 0, 0, 2, 1, 0, 1, 3, 0, 1];
    const [k, r, g, b] = PALETTE;
    expect(pixels(writeBmp({ width: 5, height: 2, bpp: 8, compression: 1, palette: PALETTE, rle: rle8 }))).toEqual([k, b, k, k, k, r, r, g, b, r]);
    // RLE4: a run of 3 alternating nibbles 1, 2, 1; a literal of 3 nibbles [3, 2, 1]; end of bitmap.
    const rle4 = [3, 0x12, 0, 3, 0x32, 0x10, 0, 1];
    expect(pixels(writeBmp({ width: 6, height: 1, bpp: 4, compression: 2, palette: PALETTE, rle: rle4 }))).toEqual([r, g, r, b, g, r]);
  });

  it('refuses_truncated_damaged_oversized_and_embedded_formats', () => {
    const problem = (bytes: Uint8Array, maxPixels = 1e8) => {
      try {
        decodeBmp(bytes, 'x.bmp', maxPixels);
      } catch (error) {
        if (error instanceof ImageProblem) return error.problem;
        throw error;
      }
      return 'ok';
    };
    const good = writeBmp({ width: 4, height: 4, bpp: 24, rows: Array.from({ length: 4 }, () => new Array(12).fill(9)) });
    expect(problem(good)).toBe('ok');
    expect(problem(good.subarray(0, good.length - 20))).toBe('truncated');
    expect(problem(good.subarray(0, 20))).toBe('truncated');
    expect(problem(good, 15)).toBe('too-many-pixels');
    const embedded = Buffer.from(good);
    embedded.writeUInt32LE(4, 30);
    expect(problem(embedded)).toBe('unsupported-format');
    const badDepth = Buffer.from(good);
    badDepth.writeUInt16LE(7, 28);
    expect(problem(badDepth)).toBe('corrupt');
    const rle = writeBmp({ width: 4, height: 2, bpp: 8, compression: 1, palette: PALETTE, rle: [2, 1, 0, 0, 4] });
    expect(problem(rle)).toBe('truncated');
    expect(readBmpHeader(good, 'x.bmp')).toMatchObject({ width: 4, height: 4, bitsPerPixel: 24, rowBytes: 12 });
  });
});
