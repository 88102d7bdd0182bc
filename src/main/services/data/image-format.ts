/**
 * Recognises image files by their first bytes (magic numbers), not by their names: a PNG named .jpg
 * is a PNG, a text file named .jpg is not an image. Also checks the last bytes of a file for the
 * formats that mark their end, to find truncated files without decoding them.
 */

/** The formats the studio reads. */
export const IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'bmp', 'gif', 'tiff'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** File-name extensions of those formats, lower case, with the dot. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.webp',
  '.bmp',
  '.dib',
  '.gif',
  '.tif',
  '.tiff',
]);

/** True when the name ends with an image extension, in any case. */
export function hasImageExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}

/** What the first bytes of a file say it is. */
export type SniffResult =
  | { kind: 'image'; format: ImageFormat }
  /** An image (or document) format the studio does not read; `name` is for people ("HEIC"). */
  | { kind: 'unsupported'; name: string }
  | { kind: 'unknown'; looksLikeText: boolean };

/** Bytes worth reading to recognise any format and parse a BMP header with its colour masks. */
export const SNIFF_BYTES = 256;

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const asciiAt = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** Recognises the format from the first bytes of a file (give at least SNIFF_BYTES when the file is that long). */
export function sniffImageFormat(head: Uint8Array): SniffResult {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return { kind: 'image', format: 'gif' };
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return { kind: 'image', format: 'webp' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'image', format: 'tiff' };
  // BigTIFF: libtiff reads it.
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return { kind: 'image', format: 'tiff' };
  if (looksLikeBmp(head)) return { kind: 'image', format: 'bmp' };
  const unsupported = recogniseUnsupported(head);
  if (unsupported) return { kind: 'unsupported', name: unsupported };
  return { kind: 'unknown', looksLikeText: looksLikeText(head) };
}

/** "BM" alone is too weak (text can start with it): also require a known header size and one plane. */
function looksLikeBmp(head: Uint8Array): boolean {
  if (!startsWith(head, ascii('BM')) || head.length < 28) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerSize = view.getUint32(14, true);
  if (![12, 16, 40, 52, 56, 64, 108, 124].includes(headerSize)) return false;
  // The core header has 16-bit sizes, the others 32-bit: the planes field moves.
  const planes = view.getUint16(headerSize === 12 ? 22 : 26, true);
  return planes === 1;
}

function recogniseUnsupported(head: Uint8Array): string | null {
  if (startsWith(head, ascii('ftyp'), 4)) {
    const brand = asciiAt(head, 8, 4);
    if (['avif', 'avis'].includes(brand)) return 'AVIF';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'HEIC/HEIF';
    return 'MP4/QuickTime video';
  }
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'JPEG XL';
  if (startsWith(head, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(head, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG 2000';
  if (startsWith(head, ascii('8BPS'))) return 'Photoshop (PSD)';
  if (startsWith(head, [0, 0, 1, 0]) && head.length > 6 && head[4]! > 0) return 'Windows icon (ICO)';
  if (startsWith(head, ascii('%PDF'))) return 'PDF';
  if (startsWith(head, ascii('qoif'))) return 'QOI';
  if (startsWith(head, ascii('DDS '))) return 'DirectDraw Surface (DDS)';
  if (startsWith(head, [0x76, 0x2f, 0x31, 0x01])) return 'OpenEXR';
  if (startsWith(head, ascii('#?RADIANCE')) || startsWith(head, ascii('#?RGBE'))) return 'Radiance HDR';
  if (head.length >= 2 && head[0] === 0x50 && head[1]! >= 0x31 && head[1]! <= 0x37 && [0x0a, 0x0d, 0x20, 0x09].includes(head[2] ?? 0)) return 'Netpbm (PBM/PGM/PPM)';
  const start = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (start.startsWith('<svg') || (start.startsWith('<?xml') && start.includes('<svg'))) return 'SVG';
  return null;
}

/** Mostly printable UTF-8 or ASCII: a README, a CSV, an HTML error page saved as .jpg. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let printable = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127)) printable++;
  }
  return printable / head.length > 0.95;
}

/**
 * What the end of a file says: `ok` (it ends as the format says, or the format has no end marker),
 * `truncated` (certainly cut short), or `unsure` (the end marker is missing, which is legal when other
 * data follows the image, so only a full decode can tell). `head` must hold the first bytes (for
 * WebP's declared size). BMP's length is checked against its header by the BMP reader; TIFF has no
 * end marker, so a cut TIFF is found when it is decoded.
 */
export function checkFileEnd(format: ImageFormat, head: Uint8Array, tail: Uint8Array, fileSize: number): 'ok' | 'truncated' | 'unsure' {
  switch (format) {
    case 'png':
      // The IEND chunk: length 0, "IEND", its CRC.
      return endsWith(tail, [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]) ? 'ok' : 'unsure';
    case 'jpeg':
      return endsWith(trimZeros(tail), [0xff, 0xd9]) ? 'ok' : 'unsure';
    case 'gif':
      return endsWith(trimZeros(tail), [0x3b]) ? 'ok' : 'unsure';
    case 'webp': {
      if (head.length < 8) return 'truncated';
      const declared = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true) + 8;
      return fileSize < declared ? 'truncated' : 'ok';
    }
    case 'bmp':
    case 'tiff':
      return 'ok';
  }
}

function endsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  if (bytes.length < signature.length) return false;
  const at = bytes.length - signature.length;
  return signature.every((b, i) => bytes[at + i] === b);
}

/** Some writers pad files with zeros after the end marker. */
function trimZeros(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

/** The format's name for people. */
export function formatName(format: ImageFormat): string {
  return format === 'jpeg' ? 'JPEG' : format.toUpperCase();
}
