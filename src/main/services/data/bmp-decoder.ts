import { ImageProblem } from './image-problem';

/**
 * A BMP reader. sharp's prebuilt libvips has no BMP loader, so BMP files are decoded here into raw
 * RGB(A) pixels that sharp then resizes like any other image. Covers what Windows and common tools
 * write: core (OS/2 v1), info, V2–V5 and OS/2 v2 headers; 1, 2, 4 and 8-bit palettes; 16, 24 and
 * 32-bit pixels with default or explicit bit-field masks; RLE8 and RLE4; bottom-up and top-down rows.
 * Embedded JPEG/PNG (compression 4/5) and OS/2 Huffman/RLE24 are refused as unsupported.
 */

export interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  /** 0 none, 1 RLE8, 2 RLE4, 3 bit fields, 6 bit fields with alpha. */
  compression: number;
  pixelOffset: number;
  /** RGB triples. */
  palette: Uint8Array;
  masks: { red: number; green: number; blue: number; alpha: number } | null;
  rowBytes: number;
}

export interface BmpPixels {
  width: number;
  height: number;
  /** 4 only when the file has an alpha mask and some pixel is not fully transparent. */
  channels: 3 | 4;
  data: Uint8Array;
}

/** Reads and checks the header (and palette) against the file's length. `path` names the file in errors. */
export function readBmpHeader(bytes: Uint8Array, path: string): BmpHeader {
  const corrupt = (what: string) => new ImageProblem(path, 'corrupt', `its BMP header is damaged (${what})`);
  const truncated = () => new ImageProblem(path, 'truncated', 'the BMP data ends early (the file is truncated)');
  if (bytes.length < 26) throw truncated();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (bytes.length < 14 + Math.min(headerSize, 40)) throw truncated();
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const planes = view.getUint16(core ? 22 : 26, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = !core && headerSize >= 20 ? view.getUint32(30, true) : 0;
  const colorsUsed = !core && headerSize >= 36 ? view.getUint32(46, true) : 0;
  if (planes !== 1) throw corrupt(`${planes} colour planes`);
  if (width <= 0 || rawHeight === 0 || rawHeight === -2147483648) throw corrupt(`size ${width} x ${rawHeight}`);
  if (![1, 2, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw corrupt(`${bitsPerPixel} bits per pixel`);
  if (headerSize === 64 && (compression === 3 || compression === 4)) {
    throw new ImageProblem(path, 'unsupported-format', 'it is an OS/2 BMP with Huffman or RLE24 compression, which the studio does not read');
  }
  if (compression === 4 || compression === 5) {
    throw new ImageProblem(path, 'unsupported-format', `it is a BMP that wraps a ${compression === 4 ? 'JPEG' : 'PNG'} image, which the studio does not read`);
  }
  const compressionFits =
    compression === 0 ||
    (compression === 1 && bitsPerPixel === 8) ||
    (compression === 2 && bitsPerPixel === 4) ||
    ((compression === 3 || compression === 6) && (bitsPerPixel === 16 || bitsPerPixel === 32));
  if (!compressionFits) throw corrupt(`compression ${compression} with ${bitsPerPixel} bits per pixel`);
  const topDown = rawHeight < 0;
  if (topDown && (compression === 1 || compression === 2)) throw corrupt('run-length data stored top-down');
  const height = Math.abs(rawHeight);

  let masks: BmpHeader['masks'] = null;
  let paletteStart = 14 + headerSize;
  if (compression === 3 || compression === 6) {
    // Info headers (40 bytes) keep the masks after the header; V2 and later inside it.
    const maskStart = 54;
    const withAlpha = headerSize >= 56 || compression === 6;
    if (headerSize === 40) paletteStart += withAlpha ? 16 : 12;
    if (bytes.length < maskStart + (withAlpha ? 16 : 12)) throw truncated();
    masks = {
      red: view.getUint32(maskStart, true),
      green: view.getUint32(maskStart + 4, true),
      blue: view.getUint32(maskStart + 8, true),
      alpha: withAlpha ? view.getUint32(maskStart + 12, true) : 0,
    };
  } else if (bitsPerPixel === 16) {
    masks = { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 };
  } else if (bitsPerPixel === 32) {
    masks = { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0 };
  }

  let palette = new Uint8Array(0);
  if (bitsPerPixel <= 8) {
    const entryBytes = core ? 3 : 4;
    const room = Math.floor((Math.min(pixelOffset, bytes.length) - paletteStart) / entryBytes);
    const count = Math.max(0, Math.min(colorsUsed || 2 ** bitsPerPixel, 2 ** bitsPerPixel, room));
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      const at = paletteStart + i * entryBytes;
      palette[i * 3] = bytes[at + 2]!;
      palette[i * 3 + 1] = bytes[at + 1]!;
      palette[i * 3 + 2] = bytes[at]!;
    }
  }
  if (pixelOffset < paletteStart || pixelOffset > bytes.length) {
    if (pixelOffset > bytes.length) throw truncated();
    throw corrupt(`pixel data at offset ${pixelOffset}`);
  }
  const rowBytes = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  return { width, height, topDown, bitsPerPixel, compression, pixelOffset, palette, masks, rowBytes };
}

/**
 * True when an uncompressed BMP holds all its rows (the last row's padding may be missing: some
 * writers drop it). Run-length files can only be checked by decoding them.
 */
export function bmpHasAllRows(header: BmpHeader, fileSize: number): boolean {
  if (header.compression === 1 || header.compression === 2) return true;
  const lastRowBytes = Math.ceil((header.bitsPerPixel * header.width) / 8);
  return fileSize >= header.pixelOffset + header.rowBytes * (header.height - 1) + lastRowBytes;
}

/** Decodes a whole BMP into top-down RGB or RGBA bytes; refuses images over `maxPixels` before allocating. */
export function decodeBmp(bytes: Uint8Array, path: string, maxPixels: number): BmpPixels {
  const header = readBmpHeader(bytes, path);
  const { width, height } = header;
  if (width * height > maxPixels) {
    throw new ImageProblem(path, 'too-many-pixels', `it has ${width} x ${height} pixels, more than the limit of ${maxPixels.toLocaleString('en-US')}`);
  }
  if (!bmpHasAllRows(header, bytes.length)) throw new ImageProblem(path, 'truncated', 'the BMP data ends early (the file is truncated)');
  const rgba = new Uint8Array(width * height * 4);
  if (header.compression === 1 || header.compression === 2) decodeRunLength(bytes, header, rgba, path);
  else decodeRows(bytes, header, rgba);
  return withoutUnusedAlpha(rgba, width, height, header.masks !== null && header.masks.alpha !== 0);
}

function decodeRows(bytes: Uint8Array, header: BmpHeader, rgba: Uint8Array): void {
  const { width, height, bitsPerPixel, palette, masks, rowBytes, topDown, pixelOffset } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channels = masks ? [maskReader(masks.red), maskReader(masks.green), maskReader(masks.blue), maskReader(masks.alpha)] : null;
  const colours = palette.length / 3;
  for (let row = 0; row < height; row++) {
    const y = topDown ? row : height - 1 - row;
    const start = pixelOffset + row * rowBytes;
    const out = y * width * 4;
    for (let x = 0; x < width; x++) {
      const o = out + x * 4;
      if (bitsPerPixel <= 8) {
        const bit = x * bitsPerPixel;
        const byte = bytes[start + (bit >> 3)] ?? 0;
        const index = (byte >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        if (index < colours) {
          rgba[o] = palette[index * 3]!;
          rgba[o + 1] = palette[index * 3 + 1]!;
          rgba[o + 2] = palette[index * 3 + 2]!;
        }
        rgba[o + 3] = 255;
      } else if (bitsPerPixel === 24) {
        const at = start + x * 3;
        rgba[o] = bytes[at + 2] ?? 0;
        rgba[o + 1] = bytes[at + 1] ?? 0;
        rgba[o + 2] = bytes[at] ?? 0;
        rgba[o + 3] = 255;
      } else {
        const at = start + x * (bitsPerPixel / 8);
        const pixel = bitsPerPixel === 16 ? (at + 2 <= bytes.length ? view.getUint16(at, true) : 0) : at + 4 <= bytes.length ? view.getUint32(at, true) : 0;
        rgba[o] = channels![0]!(pixel);
        rgba[o + 1] = channels![1]!(pixel);
        rgba[o + 2] = channels![2]!(pixel);
        rgba[o + 3] = masks!.alpha === 0 ? 255 : channels![3]!(pixel);
      }
    }
  }
}

/** Reads one channel through its bit mask and scales it to 0–255. */
function maskReader(mask: number): (pixel: number) => number {
  const m = mask >>> 0;
  if (m === 0) return () => 0;
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((m >>> (shift + bits)) & 1) === 1) bits++;
  const max = 2 ** bits - 1;
  return (pixel) => Math.round(((((pixel >>> 0) & m) >>> 0) / 2 ** shift) * (255 / max));
}

/** RLE8 / RLE4: runs and literal stretches of palette indices, with end-of-line, delta and end-of-bitmap codes. */
function decodeRunLength(bytes: Uint8Array, header: BmpHeader, rgba: Uint8Array, path: string): void {
  const { width, height, palette } = header;
  const four = header.compression === 2;
  const colours = palette.length / 3;
  const put = (x: number, y: number, index: number) => {
    if (x >= width || y >= height) return;
    const o = ((height - 1 - y) * width + x) * 4;
    if (index < colours) {
      rgba[o] = palette[index * 3]!;
      rgba[o + 1] = palette[index * 3 + 1]!;
      rgba[o + 2] = palette[index * 3 + 2]!;
    }
  };
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  let at = header.pixelOffset;
  let x = 0;
  let y = 0;
  const next = () => {
    if (at >= bytes.length) throw new ImageProblem(path, 'truncated', 'the BMP data ends early (the file is truncated)');
    return bytes[at++]!;
  };
  while (y < height) {
    const count = next();
    const value = next();
    if (count > 0) {
      for (let i = 0; i < count; i++) put(x++, y, four ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
    } else if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      x += next();
      y += next();
    } else {
      const dataBytes = four ? Math.ceil(value / 2) : value;
      for (let i = 0; i < value; i++) {
        const byte = bytes[at + (four ? i >> 1 : i)];
        if (byte === undefined) throw new ImageProblem(path, 'truncated', 'the BMP data ends early (the file is truncated)');
        put(x++, y, four ? (i % 2 === 0 ? byte >> 4 : byte & 15) : byte);
      }
      at += dataBytes + (dataBytes % 2);
    }
  }
}

/**
 * Many writers fill the alpha bytes of 32-bit BMPs with zeros although they mean an opaque image;
 * browsers treat an all-zero alpha as opaque, and so do we. Without alpha the result is RGB.
 */
function withoutUnusedAlpha(rgba: Uint8Array, width: number, height: number, hasAlphaMask: boolean): BmpPixels {
  let alphaUsed = false;
  if (hasAlphaMask) {
    for (let i = 3; i < rgba.length; i += 4) {
      if (rgba[i] !== 0) {
        alphaUsed = true;
        break;
      }
    }
  }
  if (alphaUsed) return { width, height, channels: 4, data: rgba };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return { width, height, channels: 3, data: rgb };
}
