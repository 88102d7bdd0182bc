import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IconImage } from '../../scripts/packaging/icon-files';
import { encodeIco, ICNS_TYPES, ICO_SIZES } from '../../scripts/packaging/icon-files';
import type { IconName, RenderedIcon } from '../../scripts/packaging/render-icons';
import { ICON_SOURCES, LINUX_ICON_SIZES, renderIcons, renderSquare, svgCanvasSize } from '../../scripts/packaging/render-icons';

const REPO = resolve(import.meta.dirname, '../..');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let out: string;
let rendered: Record<IconName, RenderedIcon>;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cnn-icons-'));
  rendered = await renderIcons(REPO, out);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The directory of an `.ico` file (Microsoft's ICONDIR / ICONDIRENTRY layout), read independently of the writer. */
function readIco(bytes: Buffer): { size: number; data: Buffer }[] {
  expect(bytes.readUInt16LE(0)).toBe(0);
  expect(bytes.readUInt16LE(2)).toBe(1);
  const count = bytes.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + 16 * i;
    const length = bytes.readUInt32LE(at + 8);
    const offset = bytes.readUInt32LE(at + 12);
    return { size: bytes[at]! === 0 ? 256 : bytes[at]!, data: bytes.subarray(offset, offset + length) };
  });
}

/** The elements of an `.icns` file: a big-endian length after each four-letter type. */
function readIcns(bytes: Buffer): { type: string; data: Buffer }[] {
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('icns');
  expect(bytes.readUInt32BE(4)).toBe(bytes.length);
  const elements: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at + 4);
    elements.push({ type: bytes.subarray(at, at + 4).toString('latin1'), data: bytes.subarray(at + 8, at + length) });
    at += length;
  }
  return elements;
}

async function pixels(png: Uint8Array): Promise<{ width: number; height: number; rgba: Buffer }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: data };
}

describe('icons rendered from the SVG sources in resources/icons', () => {
  it.each(Object.keys(ICON_SOURCES) as IconName[])('writes a Windows .ico of %s with every shell size, bitmaps below 256 px and PNG at 256', async (name) => {
    const entries = readIco(await readFile(rendered[name].ico));
    expect(entries.map((e) => e.size)).toEqual([...ICO_SIZES]);
    for (const entry of entries) {
      if (entry.size === 256) {
        expect(isPng(entry.data)).toBe(true);
        expect((await pixels(entry.data)).width).toBe(256);
      } else {
        // BITMAPINFOHEADER: 40 bytes, the width, twice the height (colour rows, then the mask), 32 bits.
        expect(entry.data.readUInt32LE(0)).toBe(40);
        expect(entry.data.readInt32LE(4)).toBe(entry.size);
        expect(entry.data.readInt32LE(8)).toBe(entry.size * 2);
        expect(entry.data.readUInt16LE(14)).toBe(32);
        expect(entry.data.length).toBe(40 + entry.size * entry.size * 4 + Math.ceil(entry.size / 32) * 4 * entry.size);
      }
    }
  });

  it.each(Object.keys(ICON_SOURCES) as IconName[])('writes a macOS .icns of %s whose PNG elements have their declared sizes', async (name) => {
    const elements = readIcns(await readFile(rendered[name].icns));
    expect(elements.map((e) => e.type)).toEqual(ICNS_TYPES.map((t) => t.type));
    for (const [index, element] of elements.entries()) {
      expect(isPng(element.data)).toBe(true);
      const { width, height } = await pixels(element.data);
      expect([width, height]).toEqual([ICNS_TYPES[index]!.size, ICNS_TYPES[index]!.size]);
    }
  });

  it.each(Object.keys(ICON_SOURCES) as IconName[])('writes the Linux icon folder of %s, one NxN.png per size', async (name) => {
    const files = (await readdir(rendered[name].pngDir)).sort();
    expect(files).toEqual(LINUX_ICON_SIZES.map((s) => `${s}x${s}.png`).sort());
    for (const size of LINUX_ICON_SIZES) {
      const { width, height } = await pixels(await readFile(join(rendered[name].pngDir, `${size}x${size}.png`)));
      expect([width, height]).toEqual([size, size]);
    }
  });

  it('draws the app icon as an opaque tile with transparent rounded corners', async () => {
    const { rgba, width } = await pixels(await readFile(join(rendered.app.pngDir, '256x256.png')));
    const alpha = (x: number, y: number) => rgba[(y * width + x) * 4 + 3];
    expect(alpha(128, 128)).toBe(255);
    expect(alpha(1, 1)).toBe(0);
    expect(alpha(254, 254)).toBe(0);
  });

  it('stores bitmap rows bottom-up in BGRA with the mask set where a pixel is fully transparent', async () => {
    const svg = await readFile(join(REPO, ICON_SOURCES.app));
    const images: IconImage[] = await Promise.all([...new Set([...ICO_SIZES])].map((size) => renderSquare(svg, size, svgCanvasSize(svg.toString(), ICON_SOURCES.app))));
    const bitmap = readIco(Buffer.from(encodeIco(images))).find((e) => e.size === 32)!.data;
    const source = images.find((i) => i.size === 32)!.rgba;
    const maskStart = 40 + 32 * 32 * 4;
    for (const [x, y] of [[0, 0], [16, 16], [5, 27], [31, 31]] as const) {
      const from = (y * 32 + x) * 4;
      const to = 40 + ((31 - y) * 32 + x) * 4;
      expect([bitmap[to + 2], bitmap[to + 1], bitmap[to], bitmap[to + 3]]).toEqual([source[from], source[from + 1], source[from + 2], source[from + 3]]);
      const masked = (bitmap[maskStart + (31 - y) * 4 + (x >> 3)]! >> (7 - (x & 7))) & 1;
      expect(masked).toBe(source[from + 3] === 0 ? 1 : 0);
    }
  });

  it('refuses a source whose canvas is not square', () => {
    expect(() => svgCanvasSize('<svg viewBox="0 0 100 50"></svg>', 'x.svg')).toThrow(/square viewBox/);
    expect(svgCanvasSize('<svg viewBox="0 0 1024 1024"></svg>', 'x.svg')).toBe(1024);
  });
});
