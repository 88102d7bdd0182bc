import { describe, expect, it } from 'vitest';
import { checkFileEnd, hasImageExtension, sniffImageFormat } from '../../../../src/main/services/data/image-format';
import { bmp24, solidImage } from './dataset-fixtures';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffImageFormat', () => {
  it('recognises_the_six_formats_by_content', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'gif', 'tiff'] as const) {
      expect(sniffImageFormat(await solidImage(3, 3, [1, 2, 3], format))).toEqual({ kind: 'image', format });
    }
    expect(sniffImageFormat(bmp24(2, 2, new Uint8Array(12)))).toEqual({ kind: 'image', format: 'bmp' });
    expect(sniffImageFormat(bytes([0x4d, 0x4d, 0x00, 0x2a]))).toEqual({ kind: 'image', format: 'tiff' });
  });

  it('names_formats_it_does_not_read_and_tells_text_from_binary', () => {
    expect(sniffImageFormat(bytes([0, 0, 0, 0x1c], 'ftypavif'))).toEqual({ kind: 'unsupported', name: 'AVIF' });
    expect(sniffImageFormat(bytes('8BPS', [0, 1]))).toEqual({ kind: 'unsupported', name: 'Photoshop (PSD)' });
    expect(sniffImageFormat(bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ kind: 'unsupported', name: 'SVG' });
    expect(sniffImageFormat(bytes('P6\n4 4\n255\n'))).toEqual({ kind: 'unsupported', name: 'Netpbm (PBM/PGM/PPM)' });
    expect(sniffImageFormat(bytes('BM is how this note starts, but it is text.'))).toEqual({ kind: 'unknown', looksLikeText: true });
    expect(sniffImageFormat(bytes([0, 1, 2, 3, 250, 251]))).toEqual({ kind: 'unknown', looksLikeText: false });
    expect(sniffImageFormat(new Uint8Array(0))).toEqual({ kind: 'unknown', looksLikeText: false });
  });
});

describe('file names and ends', () => {
  it('image_extensions_in_any_case', () => {
    expect(['a.PNG', 'b.Jpeg', 'c.tif', 'd.WebP', 'e.bmp', 'f.GIF'].every(hasImageExtension)).toBe(true);
    expect(['notes.txt', 'png', '.png', 'a.png.txt'].some(hasImageExtension)).toBe(false);
  });

  it('end_markers_tell_complete_from_cut_files', async () => {
    const png = await solidImage(4, 4, [9, 9, 9], 'png');
    const end = (format: Parameters<typeof checkFileEnd>[0], b: Uint8Array) => checkFileEnd(format, b.subarray(0, 64), b.subarray(Math.max(0, b.length - 32)), b.length);
    expect(end('png', png)).toBe('ok');
    expect(end('png', png.subarray(0, png.length - 5))).toBe('unsure');
    const jpeg = await solidImage(4, 4, [9, 9, 9], 'jpeg');
    expect(end('jpeg', Buffer.concat([jpeg, Buffer.alloc(7)]))).toBe('ok');
    expect(end('jpeg', jpeg.subarray(0, jpeg.length - 3))).toBe('unsure');
    const webp = await solidImage(4, 4, [9, 9, 9], 'webp');
    expect(end('webp', webp)).toBe('ok');
    expect(end('webp', webp.subarray(0, webp.length - 1))).toBe('truncated');
  });
});
