import sharp from 'sharp';
import type { ResizeMode } from '../../../shared/project/preprocessing';
import type { HogResult } from '../../../shared/hog/hog';
import { hogGlyphs } from '../../../shared/hog/hog-glyphs';
import type { HogPictureOptions } from '../../../shared/hog/hog-picture';
import { renderHogPicture } from '../../../shared/hog/hog-picture';
import type { DecodedImage } from '../data';
import { DEFAULT_MAX_PIXELS, decodeImageBytes } from '../data';
import { openImage, readImageBytes } from '../data/image-decoder';
import { problemFromDecodeError } from '../data/image-problem';

export interface GreyDecodeOptions {
  /** Fit the image to this size first (as a network's Input would); default: its own size. */
  size?: { height: number; width: number; resize?: ResizeMode };
  maxPixels?: number;
}

/**
 * An image file as the grey 8-bit image HOG reads: decoded exactly as the dataset pipeline decodes it
 * for a 1-channel Input (upright, alpha over black, Rec. 601 luma rounded as Pillow's convert('L')),
 * at its own size unless a size is given. Unreadable files are ImageProblems naming the file.
 */
export async function decodeGreyImage(path: string, options: GreyDecodeOptions = {}): Promise<DecodedImage> {
  const bytes = await readImageBytes(path);
  const size = options.size ?? (await imageSize(bytes, path, options.maxPixels));
  return decodeImageBytes(bytes, path, { height: size.height, width: size.width, channels: 1, resize: options.size?.resize ?? 'stretch' }, { maxPixels: options.maxPixels });
}

/** The upright size of an image file's first frame. */
export async function imageFileSize(path: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<{ height: number; width: number }> {
  return imageSize(await readImageBytes(path), path, maxPixels);
}

async function imageSize(bytes: Uint8Array, path: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<{ height: number; width: number }> {
  const { image, format } = openImage(bytes, path, maxPixels);
  try {
    const meta = await image.metadata();
    const paged = meta.pages !== undefined && meta.pages > 1 && meta.pageHeight !== undefined;
    return paged ? { height: meta.pageHeight!, width: meta.width } : { height: meta.autoOrient.height, width: meta.autoOrient.width };
  } catch (error) {
    throw problemFromDecodeError(path, format, error, bytes);
  }
}

/** The HOG picture (image, cell grid and glyphs) as PNG bytes. */
export async function hogPicturePng(image: DecodedImage, result: HogResult, options: HogPictureOptions = {}): Promise<Uint8Array> {
  const picture = renderHogPicture(image, hogGlyphs(result.histograms, result.grid), options);
  return sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } }).png().toBuffer();
}
