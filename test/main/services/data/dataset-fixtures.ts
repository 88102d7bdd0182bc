import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Images and folders for the dataset tests, generated at test time (nothing binary is committed). */

export const SAMPLE_DATASET = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../resources/datasets/fashion-mnist-sample');

/** A fresh temporary folder and a function that removes it. */
export async function makeTempDir(prefix = 'cnn-data-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a file, creating its folders. */
export async function put(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

/** A solid-colour image in a format. */
export async function solidImage(width: number, height: number, rgb: [number, number, number], format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' = 'png'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .toFormat(format, format === 'jpeg' ? { quality: 100, chromaSubsampling: '4:4:4' } : {})
    .toBuffer();
}

/** Raw pixels (HWC) as PNG. */
export function rawPng(data: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Promise<Buffer> {
  let image = sharp(data, { raw: { width, height, channels } });
  // sharp writes 2-band raw input as RGBA unless told it is grey.
  if (channels <= 2) image = image.toColourspace('b-w');
  return image.png().toBuffer();
}

/** A gradient image (distinct pixels everywhere), handy to see crops, flips and resizes. */
export function gradientPixels(width: number, height: number, channels: number): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = (x * 7 + y * 13 + c * 50) % 256;
    }
  }
  return data;
}

/**
 * A PNG whose header claims `width` x `height` pixels, with a single tiny (invalid) data chunk: enough
 * for a decoder to read its size and refuse it, while the file stays a few dozen bytes.
 */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00])),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A class-folder dataset of solid images: `classes` maps a class name to its image count. */
export async function makeClassFolders(root: string, classes: Record<string, number>, size = 8): Promise<void> {
  let k = 0;
  for (const [name, count] of Object.entries(classes)) {
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < count; i++, k++) {
      await put(join(root, name, `${String(i).padStart(3, '0')}.png`), await solidImage(size, size, [(k * 37) % 256, (k * 91) % 256, (k * 53) % 256]));
    }
  }
}

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER) of RGB pixels: written here independently of the reader under test. */
export function bmp24(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + rowBytes * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[row + x * 3] = rgb[i + 2]!;
      out[row + x * 3 + 1] = rgb[i + 1]!;
      out[row + x * 3 + 2] = rgb[i]!;
    }
  }
  return out;
}

/** What makeDirtyDataset put where: the files that must be usable, skipped (with their code) and ignored. */
export interface DirtyDataset {
  good: Record<string, string[]>;
  skipped: Record<string, string>;
  ignored: string[];
}

export const LONG_NAME = `${'long-name-'.repeat(24)}.png`;
export const NON_UTF8_NAME = Buffer.concat([Buffer.from('latin1-'), Buffer.from([0xe9, 0xff]), Buffer.from('.png')]);

/**
 * A class-folder dataset with every kind of trouble of issue 15: zero-byte, truncated PNG and JPEG,
 * text named .jpg, a PNG named .jpg, CMYK JPEG, 16-bit, grey+alpha and palette PNGs, an EXIF-rotated
 * JPEG, an animated GIF, a PNG header claiming 17,000 x 17,000 pixels, a HEIC, a BMP, a FIFO, a very
 * long and a non-UTF-8 name, link loops, a dangling link, hidden and system files, nested folders, and
 * files beside the class folders.
 */
export async function makeDirtyDataset(root: string): Promise<DirtyDataset> {
  const { execFileSync } = await import('node:child_process');
  const { symlink, writeFile: write } = await import('node:fs/promises');
  const cats = join(root, 'cats');
  const dogs = join(root, 'dogs');
  const grad = gradientPixels(12, 10, 3);
  const png = await rawPng(grad, 12, 10, 3);
  const jpeg = await sharp(grad, { raw: { width: 12, height: 10, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  const good: Record<string, string[]> = { cats: [], dogs: [] };
  const add = async (cls: 'cats' | 'dogs', name: string, data: Uint8Array) => {
    await put(join(root, cls, name), data);
    good[cls]!.push(`${cls}/${name}`);
  };
  for (let i = 0; i < 4; i++) await add('cats', `ok-${i}.png`, await solidImage(10, 10, [i * 40, 100, 200]));
  await add('cats', 'png-named.jpg', png);
  await add('cats', 'cmyk.jpg', await sharp(grad, { raw: { width: 12, height: 10, channels: 3 } }).toColourspace('cmyk').jpeg().toBuffer());
  await add('cats', 'sixteen.png', await sharp(grad, { raw: { width: 12, height: 10, channels: 3 } }).toColourspace('rgb16').png().toBuffer());
  const greyAlpha = new Uint8Array(12 * 10 * 2).map((_, i) => (i % 2 ? 200 : i % 251));
  await add('cats', 'grey-alpha.png', await rawPng(greyAlpha, 12, 10, 2));
  await add('cats', 'palette.png', await sharp(grad, { raw: { width: 12, height: 10, channels: 3 } }).png({ palette: true, colours: 16 }).toBuffer());
  await add('cats', 'exif.jpg', await sharp(grad, { raw: { width: 12, height: 10, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer());
  const frames = new Uint8Array(12 * 20 * 3).map((_, i) => (i < 12 * 10 * 3 ? 255 : 0));
  await add('cats', 'anim.gif', await sharp(frames, { raw: { width: 12, height: 20, channels: 3, pageHeight: 10 } }).gif().toBuffer());
  await add('cats', LONG_NAME, png);
  await add('cats', 'sub/nested.png', png);
  await add('cats', 'shape.BMP', bmp24(12, 10, grad));
  for (let i = 0; i < 3; i++) await add('dogs', `dog-${i}.png`, await solidImage(9, 11, [200, i * 50, 20]));
  await add('dogs', 'dog.webp', await solidImage(9, 11, [10, 20, 30], 'webp'));
  await add('dogs', 'dog.TIFF', await solidImage(9, 11, [10, 20, 30], 'tiff'));
  await add('dogs', 'dog.JPEG', jpeg);

  const skipped: Record<string, string> = {
    'cats/zero.png': 'empty',
    'cats/truncated.png': 'truncated',
    'cats/truncated.jpg': 'truncated',
    'cats/text.jpg': 'not-an-image',
    'cats/huge.png': 'too-many-pixels',
    'cats/photo.heic': 'unsupported-format',
    'cats/loop': 'symlink-loop',
    'cats/self.png': 'symlink-loop',
    'cats/dangling.png': 'broken-link',
    'cats/fifo.png': 'not-a-file',
    'cats/latin1-\uFFFD\uFFFD.png': 'bad-name',
  };
  await put(join(cats, 'zero.png'), new Uint8Array(0));
  const bigPng = await rawPng(gradientPixels(64, 64, 3), 64, 64, 3);
  await put(join(cats, 'truncated.png'), bigPng.subarray(0, Math.floor(bigPng.length * 0.6)));
  const bigJpeg = await sharp(gradientPixels(64, 64, 3), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
  await put(join(cats, 'truncated.jpg'), bigJpeg.subarray(0, Math.floor(bigJpeg.length * 0.6)));
  await put(join(cats, 'text.jpg'), 'This is not a picture, it is a note.\n');
  await put(join(cats, 'huge.png'), pngHeaderOnly(17000, 17000));
  await put(join(cats, 'photo.heic'), Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(40)]));
  await symlink('.', join(cats, 'loop'));
  await symlink('self.png', join(cats, 'self.png'));
  await symlink('missing.png', join(cats, 'dangling.png'));
  execFileSync('mkfifo', [join(cats, 'fifo.png')]);
  await write(Buffer.concat([Buffer.from(`${cats}/`), NON_UTF8_NAME]), png);

  const ignored = ['README.txt', 'cats/notes.txt'];
  await put(join(root, 'README.txt'), 'A dirty dataset.\n');
  await put(join(cats, 'notes.txt'), 'Cats are the ones with whiskers.\n');
  // Hidden and system files: ignored silently (not even listed).
  await put(join(root, '.DS_Store'), new Uint8Array([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]));
  await put(join(root, 'Thumbs.db'), new Uint8Array(64));
  await put(join(cats, '._ok-0.png'), new Uint8Array(32));
  await put(join(cats, '.hidden', 'secret.png'), png);
  await put(join(root, '__MACOSX', 'cats', '._ok-1.png'), new Uint8Array(32));
  await put(join(dogs, 'desktop.ini'), '[.ShellClassInfo]\n');
  return { good, skipped, ignored };
}
