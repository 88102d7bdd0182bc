import sharp from 'sharp';
import { bmpHasAllRows, readBmpHeader } from './bmp-decoder';
import type { DatasetFileSystem } from './dataset-fs';
import type { ImageFormat } from './image-format';
import { checkFileEnd, formatName, hasImageExtension, SNIFF_BYTES, sniffImageFormat } from './image-format';
import { MAX_IMAGE_FILE_BYTES } from './image-decoder';
import { ImageProblem, problemFromDecodeError, problemFromFileError } from './image-problem';

/**
 * Decides, while scanning, whether a file is a usable image, without decoding it when its header and
 * end say so: the format by content, the size from the header (sharp's metadata, or the BMP header),
 * the pixel limit, and whether the file ends where the format says it should. A file whose end marker
 * is missing is decoded once to tell a truncated file from one with extra data after the image.
 */

export type FileCheck =
  | { kind: 'image'; format: ImageFormat; width: number; height: number }
  /** Not usable: skipped and listed with the reason. */
  | { kind: 'problem'; problem: ImageProblem }
  /** Not an image and not named like one (notes.txt beside the images): ignored. */
  | { kind: 'not-an-image'; reason: string };

const TAIL_BYTES = 32;

/** Checks one regular file of `size` bytes. Never throws for a bad file. */
export async function checkImageFile(fs: DatasetFileSystem, path: string, name: string, size: number, maxPixels: number): Promise<FileCheck> {
  const namedAsImage = hasImageExtension(name);
  if (size === 0) {
    return namedAsImage ? { kind: 'problem', problem: new ImageProblem(path, 'empty', 'it is empty (0 bytes)') } : { kind: 'not-an-image', reason: 'an empty file' };
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    return { kind: 'problem', problem: new ImageProblem(path, 'too-large-file', `it is ${(size / 2 ** 30).toFixed(1)} GiB, more than the ${MAX_IMAGE_FILE_BYTES / 2 ** 30} GiB the studio reads`) };
  }
  let ends: { head: Uint8Array; tail: Uint8Array; size: number };
  try {
    ends = await fs.readEnds(path, SNIFF_BYTES, TAIL_BYTES);
  } catch (error) {
    return { kind: 'problem', problem: problemFromFileError(path, error) };
  }
  const sniffed = sniffImageFormat(ends.head);
  if (sniffed.kind === 'unsupported') {
    return { kind: 'problem', problem: new ImageProblem(path, 'unsupported-format', `it is in the ${sniffed.name} format, which the studio does not read`) };
  }
  if (sniffed.kind === 'unknown') {
    const what = sniffed.looksLikeText ? 'it contains text, not an image' : 'its content is not a PNG, JPEG, WebP, BMP, GIF or TIFF image';
    return namedAsImage ? { kind: 'problem', problem: new ImageProblem(path, 'not-an-image', what) } : { kind: 'not-an-image', reason: sniffed.looksLikeText ? 'a text file, not an image' : 'not an image' };
  }
  let endMissing = false;
  try {
    const format = sniffed.format;
    const fromHead = format === 'bmp' ? bmpSize(ends.head, path, ends.size) : format === 'png' ? pngSize(ends.head) : null;
    const { width, height } = fromHead ?? (await headerSize(path, format));
    if (width * height > maxPixels) {
      throw new ImageProblem(path, 'too-many-pixels', `it has ${width} x ${height} pixels, more than the limit of ${maxPixels.toLocaleString('en-US')} (refused without decoding)`);
    }
    const end = checkFileEnd(format, ends.head, ends.tail, ends.size);
    if (end === 'truncated') throw new ImageProblem(path, 'truncated', `the ${formatName(format)} data ends early (the file is truncated)`);
    endMissing = end === 'unsure';
    if (endMissing) await decodeToCheck(path, format, maxPixels);
    return { kind: 'image', format, width, height };
  } catch (error) {
    // No end marker and the decoder failed: whatever libvips said (its message can be lost under concurrency), the file is cut short.
    if (endMissing && !(error instanceof ImageProblem)) {
      return { kind: 'problem', problem: new ImageProblem(path, 'truncated', `the ${formatName(sniffed.format)} data ends early (the file is truncated)`, error) };
    }
    return { kind: 'problem', problem: problemFromDecodeError(path, sniffed.format, error) };
  }
}

function bmpSize(head: Uint8Array, path: string, fileSize: number): { width: number; height: number } {
  const header = readBmpHeader(head, path);
  if (!bmpHasAllRows(header, fileSize)) throw new ImageProblem(path, 'truncated', 'the BMP data ends early (the file is truncated)');
  return { width: header.width, height: header.height };
}

/**
 * A PNG's size from its IHDR chunk, which must come first: read from the bytes already in hand, it
 * saves a sharp call per file (the most common dataset format scans several times faster).
 */
function pngSize(head: Uint8Array): { width: number; height: number } | null {
  if (head.length < 24) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...head.subarray(12, 16)) !== 'IHDR') return null;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

/** The first frame's size from the header alone (no pixels decoded). */
async function headerSize(path: string, format: ImageFormat): Promise<{ width: number; height: number }> {
  const meta = await sharp(path, { limitInputPixels: false, pages: 1 }).metadata();
  if (meta.format !== format) {
    throw new ImageProblem(path, 'corrupt', `its ${formatName(format)} header does not read as ${formatName(format)}`);
  }
  if (!meta.width || !meta.height) throw new ImageProblem(path, 'corrupt', `its ${formatName(format)} header has no image size`);
  return { width: meta.width, height: meta.pageHeight && meta.pages && meta.pages > 1 ? meta.pageHeight : meta.height };
}

/** Decodes the whole file, shrunk (output memory stays small), just to see whether it decodes. */
async function decodeToCheck(path: string, format: ImageFormat, maxPixels: number): Promise<void> {
  if (format === 'bmp') return;
  await sharp(path, { failOn: 'error', limitInputPixels: maxPixels, pages: 1 }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
}
