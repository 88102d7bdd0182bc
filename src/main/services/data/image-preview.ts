import sharp from 'sharp';
import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { AugmentationSettings } from '../../../shared/project/settings';
import { augmentImage } from './augmentation';
import type { DecodedImage, FileReader } from './image-decoder';
import { decodeImageFile, DEFAULT_MAX_PIXELS, openImage, readImageBytes } from './image-decoder';
import { problemFromDecodeError } from './image-problem';
import { denormalize, pixelsToUnit, unitToPixels } from './normalization';

/** Pictures for the UI, as PNG bytes: thumbnails, what the network sees, and augmentation previews. */

/** A thumbnail of an image file that fits in size × size (upright, aspect kept, never enlarged, alpha kept). */
export async function thumbnail(path: string, size: number, options: { maxPixels?: number; readFile?: FileReader } = {}): Promise<Uint8Array> {
  const box = Math.max(1, Math.min(4096, Math.round(size)));
  const bytes = await readImageBytes(path, options.readFile);
  const { image, format } = openImage(bytes, path, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  try {
    return await image.resize(box, box, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  } catch (error) {
    throw problemFromDecodeError(path, format, error, bytes);
  }
}

/** 8-bit pixels (HWC, grey or RGB) as PNG, enlarged `scale` times with nearest-neighbour (small inputs stay crisp). */
export async function pixelsToPng(image: DecodedImage, scale = 1): Promise<Uint8Array> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  const factor = Math.max(1, Math.round(scale));
  if (factor > 1) pipeline = pipeline.resize(image.width * factor, image.height * factor, { kernel: 'nearest' });
  // Without this sharp writes one-band raw input as RGB.
  if (image.channels === 1) pipeline = pipeline.toColourspace('b-w');
  return pipeline.png().toBuffer();
}

/** A normalised input (HWC, network channel order, as in a batch) back to a PNG of what the network sees. */
export function normalizedImageToPng(x: Float32Array, preprocessing: Preprocessing, scale = 1): Promise<Uint8Array> {
  return pixelsToPng(denormalize(x, preprocessing), scale);
}

export interface AugmentationPreviewOptions {
  path: string;
  preprocessing: Preprocessing;
  augmentation: AugmentationSettings;
  /** Number of draws shown. */
  count: number;
  seed: number;
  /** The key the loader draws with: the sample's `file` (relative to the dataset root). Default: `path`. */
  key?: string;
  /** Tiles per row; default: a square-ish grid. */
  columns?: number;
  /** Nearest-neighbour enlargement of the whole sheet. */
  scale?: number;
  readFile?: FileReader;
}

const GAP = 2;
const GAP_VALUE = 128;

/**
 * The image at the Input's size under `count` augmentation draws (with the sample's key, draw i is
 * what epoch i of a run with this seed gives this file), as one PNG sheet with grey gaps between tiles.
 */
export async function renderAugmentationPreview(options: AugmentationPreviewOptions): Promise<Uint8Array> {
  const p = options.preprocessing;
  const count = Math.max(1, Math.min(256, Math.floor(options.count)));
  const columns = Math.max(1, Math.min(count, options.columns ?? Math.ceil(Math.sqrt(count))));
  const rows = Math.ceil(count / columns);
  const image = await decodeImageFile(options.path, p, { readFile: options.readFile });
  const unit = pixelsToUnit(image);
  const width = columns * p.width + (columns - 1) * GAP;
  const height = rows * p.height + (rows - 1) * GAP;
  const sheet = new Uint8Array(width * height * p.channels).fill(GAP_VALUE);
  for (let k = 0; k < count; k++) {
    const tile = unitToPixels(augmentImage(unit, image, options.augmentation, options.seed, k, options.key ?? options.path));
    const left = (k % columns) * (p.width + GAP);
    const top = Math.floor(k / columns) * (p.height + GAP);
    for (let y = 0; y < p.height; y++) {
      sheet.set(tile.subarray(y * p.width * p.channels, (y + 1) * p.width * p.channels), ((top + y) * width + left) * p.channels);
    }
  }
  return pixelsToPng({ data: sheet, width, height, channels: p.channels }, options.scale ?? 1);
}
