/**
 * The two icon container formats the installers need, written from rendered pixels: Windows `.ico`
 * and macOS `.icns`. Both are small, documented formats; writing them here keeps the icon build free
 * of platform tools (iconutil exists only on macOS, ImageMagick is not a dependency).
 */

/** One rendered square image: its PNG encoding, and its straight (not premultiplied) RGBA pixels. */
export interface IconImage {
  size: number;
  png: Uint8Array;
  rgba: Uint8Array;
}

/** The sizes a Windows `.ico` carries: shell views from 16 px list items to 256 px large tiles. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/**
 * The sizes and type codes of a macOS `.icns`, as `iconutil` writes them from an `.iconset`: PNG
 * payloads at 1x (`icp4`, `icp5`, `ic07`, `ic08`, `ic09`) and 2x (`ic11`..`ic14`, `ic10`).
 */
export const ICNS_TYPES = [
  { type: 'icp4', size: 16 },
  { type: 'ic11', size: 32 },
  { type: 'icp5', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic13', size: 256 },
  { type: 'ic08', size: 256 },
  { type: 'ic14', size: 512 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 },
] as const;

function imageOfSize(images: readonly IconImage[], size: number): IconImage {
  const image = images.find((i) => i.size === size);
  if (!image) throw new Error(`No ${size}x${size} rendering was given for the icon file.`);
  if (image.rgba.length !== size * size * 4) throw new Error(`The ${size}x${size} rendering has ${image.rgba.length} bytes of RGBA, not ${size * size * 4}.`);
  return image;
}

/**
 * A Windows icon: the 256 px image as PNG (as Windows Vista and later read it), the smaller ones as
 * 32-bit bitmaps with an AND mask, which every consumer reads (NSIS, rcedit, older shell code).
 */
export function encodeIco(images: readonly IconImage[]): Uint8Array {
  const entries = ICO_SIZES.map((size) => {
    const image = imageOfSize(images, size);
    return { size, data: size >= 256 ? image.png : icoBitmap(image) };
  });
  const headerSize = 6 + 16 * entries.length;
  const total = headerSize + entries.reduce((sum, e) => sum + e.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true);
  view.setUint16(2, 1, true); // 1 = icon (2 would be a cursor)
  view.setUint16(4, entries.length, true);
  let offset = headerSize;
  entries.forEach((entry, index) => {
    const at = 6 + 16 * index;
    // A width or height of 0 means 256 in this one-byte field.
    out[at] = entry.size >= 256 ? 0 : entry.size;
    out[at + 1] = entry.size >= 256 ? 0 : entry.size;
    out[at + 2] = 0;
    out[at + 3] = 0;
    view.setUint16(at + 4, 1, true);
    view.setUint16(at + 6, 32, true);
    view.setUint32(at + 8, entry.data.length, true);
    view.setUint32(at + 12, offset, true);
    out.set(entry.data, offset);
    offset += entry.data.length;
  });
  return out;
}

/** A BITMAPINFOHEADER, the BGRA rows bottom-up, then the 1-bit mask (set where fully transparent). */
function icoBitmap(image: IconImage): Uint8Array {
  const { size, rgba } = image;
  const maskStride = Math.ceil(size / 32) * 4;
  const pixelBytes = size * size * 4;
  const maskBytes = maskStride * size;
  const out = new Uint8Array(40 + pixelBytes + maskBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, 40, true);
  view.setInt32(4, size, true);
  // The height counts the colour rows and the mask rows together.
  view.setInt32(8, size * 2, true);
  view.setUint16(12, 1, true);
  view.setUint16(14, 32, true);
  view.setUint32(16, 0, true);
  view.setUint32(20, pixelBytes + maskBytes, true);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = 40 + (row * size + x) * 4;
      out[to] = rgba[from + 2]!;
      out[to + 1] = rgba[from + 1]!;
      out[to + 2] = rgba[from]!;
      out[to + 3] = rgba[from + 3]!;
      if (rgba[from + 3] === 0) {
        const bit = 40 + pixelBytes + row * maskStride + (x >> 3);
        out[bit] = out[bit]! | (0x80 >> (x & 7));
      }
    }
  }
  return out;
}

/** A macOS icon family: the `icns` header, then one PNG element per type code. */
export function encodeIcns(images: readonly IconImage[]): Uint8Array {
  const elements = ICNS_TYPES.map(({ type, size }) => ({ type, data: imageOfSize(images, size).png }));
  const total = 8 + elements.reduce((sum, e) => sum + 8 + e.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeType(out, 0, 'icns');
  view.setUint32(4, total, false);
  let offset = 8;
  for (const element of elements) {
    writeType(out, offset, element.type);
    view.setUint32(offset + 4, 8 + element.data.length, false);
    out.set(element.data, offset + 8);
    offset += 8 + element.data.length;
  }
  return out;
}

function writeType(out: Uint8Array, offset: number, type: string): void {
  for (let i = 0; i < 4; i++) out[offset + i] = type.charCodeAt(i);
}
