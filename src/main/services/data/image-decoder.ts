import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import { decodeBmp } from './bmp-decoder';
import type { ImageFormat } from './image-format';
import { sniffImageFormat } from './image-format';
import { ImageProblem, problemFromDecodeError, problemFromFileError } from './image-problem';
import { decodeSimplePng } from './simple-png';

/**
 * Decoding with sharp into the Input's size and channels, as 8-bit HWC pixels (what the cache keeps;
 * normalisation and augmentation work on floats made from them). The conventions, the same for
 * training, prediction, visualisation and export:
 * - EXIF orientation is applied, so photos load upright.
 * - GIF, WebP and TIFF with several frames or pages: the first one.
 * - Alpha is composited over black (colour · alpha), then dropped.
 * - Colour: converted to sRGB (CMYK through its ICC profile or libvips's default CMYK profile;
 *   16-bit images are reduced to 8 bits). Grey images become RGB by repeating the value.
 * - To one channel: the Rec. 601 luma of the sRGB values, rounded as Pillow's `convert('L')` does:
 *   L = (R·19595 + G·38470 + B·7471 + 32768) >> 16, i.e. 0.299 R + 0.587 G + 0.114 B.
 * - Resizing with a linear (triangle) filter, antialiased when shrinking, like Pillow's BILINEAR:
 *   `stretch` fills the size ignoring the aspect ratio, `center-crop` covers it and crops the middle,
 *   `letterbox` fits the whole image and pads the rest with black (pixel value 0, before normalisation).
 */

/** The largest image decoded, in pixels (width · height): sharp's own default, 16383². */
export const DEFAULT_MAX_PIXELS = 0x3fff * 0x3fff;

/** Files larger than this are not read into memory. */
export const MAX_IMAGE_FILE_BYTES = 1024 * 1024 * 1024;

/** Where an image goes: the Input's height, width and channels, and how it is fitted. */
export type ImageGeometry = Pick<Preprocessing, 'height' | 'width' | 'channels' | 'resize'>;

/** Decoded pixels, HWC, 8 bits, grey or RGB (never BGR: channel order is applied when normalising). */
export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Reads a whole file; injected in tests to simulate I/O errors. */
export type FileReader = (path: string) => Promise<Uint8Array>;

export interface DecodeOptions {
  maxPixels?: number;
  readFile?: FileReader;
  /** Tests: decode every file with sharp, without the plain-PNG fast path. */
  sharpOnly?: boolean;
}

/** Reads an image file's bytes; failures become ImageProblems naming the file. */
export async function readImageBytes(path: string, reader: FileReader = readWholeFile): Promise<Uint8Array> {
  try {
    return await reader(path);
  } catch (error) {
    if (error instanceof ImageProblem) throw error;
    throw problemFromFileError(path, error);
  }
}

function checkFileInfo(path: string, info: { isFile(): boolean; size: number }): void {
  if (!info.isFile()) throw new ImageProblem(path, 'not-a-file', 'it is not a regular file');
  if (info.size > MAX_IMAGE_FILE_BYTES) {
    throw new ImageProblem(path, 'too-large-file', `it is ${(info.size / 2 ** 30).toFixed(1)} GiB, more than the ${MAX_IMAGE_FILE_BYTES / 2 ** 30} GiB the studio reads`);
  }
}

async function readWholeFile(path: string): Promise<Uint8Array> {
  checkFileInfo(path, await stat(path));
  return readFile(path);
}

/**
 * The same read, blocking: for the decode workers, whose thread does nothing else. Small files read
 * several times faster this way than through the thread pool that asynchronous reads hop through
 * (64 MNIST-sized PNGs: 1 ms against 5), and the pool's threads no longer compete with training for
 * the cores.
 */
export const readWholeFileBlocking: FileReader = async (path) => {
  checkFileInfo(path, statSync(path));
  return readFileSync(path);
};

/**
 * A sharp pipeline for the bytes of an image file, upright, first frame, with the pixel limit; checks
 * the format by content first so that only the six supported formats reach a decoder (sharp would
 * also read SVG or HEIF). BMP is decoded here (sharp's libvips has no BMP loader).
 */
export function openImage(bytes: Uint8Array, path: string, maxPixels = DEFAULT_MAX_PIXELS): { image: sharp.Sharp; format: ImageFormat } {
  if (bytes.length === 0) throw new ImageProblem(path, 'empty', 'it is empty (0 bytes)');
  const sniffed = sniffImageFormat(bytes.subarray(0, 512));
  if (sniffed.kind === 'unsupported') throw new ImageProblem(path, 'unsupported-format', `it is in the ${sniffed.name} format, which the studio does not read`);
  if (sniffed.kind === 'unknown') {
    throw new ImageProblem(path, 'not-an-image', sniffed.looksLikeText ? 'it contains text, not an image' : 'its content is not a PNG, JPEG, WebP, BMP, GIF or TIFF image');
  }
  if (sniffed.format === 'bmp') {
    const bmp = decodeBmp(bytes, path, maxPixels);
    return { image: sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } }), format: 'bmp' };
  }
  // failOn 'error': truncated data fails, but harmless warnings (extra bytes before a JPEG marker) pass, as in Pillow.
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, autoOrient: true, pages: 1, page: 0 });
  return { image, format: sniffed.format };
}

/** Decodes a file into the geometry's size and channels. Throws an ImageProblem for a bad file. */
export async function decodeImageFile(path: string, geometry: ImageGeometry, options: DecodeOptions = {}): Promise<DecodedImage> {
  const bytes = await readImageBytes(path, options.readFile);
  return decodeImageBytes(bytes, path, geometry, options);
}

/** Decodes an image file's bytes into the geometry's size and channels; `path` names it in errors. */
export async function decodeImageBytes(bytes: Uint8Array, path: string, geometry: ImageGeometry, options: DecodeOptions = {}): Promise<DecodedImage> {
  if (!options.sharpOnly) {
    const simple = decodeSimplePng(bytes);
    // Already the Input's size: every resize mode leaves it as it is, so no resampling is needed.
    if (simple && simple.width === geometry.width && simple.height === geometry.height && simple.width * simple.height <= (options.maxPixels ?? DEFAULT_MAX_PIXELS)) {
      const data = geometry.channels === simple.channels ? simple.data : geometry.channels === 1 ? luma(simple.data) : greyToRgb(simple.data);
      return { data, height: geometry.height, width: geometry.width, channels: geometry.channels };
    }
  }
  const { image, format } = openImage(bytes, path, options.maxPixels);
  let rgb: Buffer;
  try {
    const { data, info } = await image
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .resize(geometry.width, geometry.height, {
        fit: FITS[geometry.resize],
        position: 'centre',
        background: { r: 0, g: 0, b: 0, alpha: 1 },
        kernel: 'linear',
      })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== geometry.width || info.height !== geometry.height) throw new Error(`the decoder returned ${info.width} x ${info.height} pixels`);
    rgb = info.channels === 3 ? data : toRgb(data, info.channels);
  } catch (error) {
    throw problemFromDecodeError(path, format, error, bytes);
  }
  // A copy, so that a cached image owns exactly its own memory (never a view into a larger buffer).
  const data = geometry.channels === 3 ? new Uint8Array(rgb) : luma(rgb);
  return { data, height: geometry.height, width: geometry.width, channels: geometry.channels };
}

const FITS = { stretch: 'fill', 'center-crop': 'cover', letterbox: 'contain' } as const;

/** sharp returns RGB after `toColourspace('srgb')`; this covers the unexpected (1, 2 or 4 bands) all the same. */
function toRgb(data: Buffer, channels: number): Buffer {
  const pixels = data.length / channels;
  const out = Buffer.alloc(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const grey = channels <= 2;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (grey ? 0 : c)]!;
  }
  return out;
}

function greyToRgb(grey: Uint8Array): Uint8Array {
  const out = new Uint8Array(grey.length * 3);
  for (let i = 0; i < grey.length; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = grey[i]!;
  return out;
}

/** Rec. 601 luma with Pillow's integer rounding; equal R, G and B give the same value back. */
function luma(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = (rgb[j]! * 19595 + rgb[j + 1]! * 38470 + rgb[j + 2]! * 7471 + 32768) >> 16;
  }
  return out;
}
