import type { Preprocessing } from '../../../shared/project/preprocessing';
import type { DecodedImage } from './image-decoder';

/**
 * From decoded pixels to the network's input and back. Input values follow the run's Preprocessing:
 * x = (pixel·scale − mean[c]) / std[c], with pixel in 0–255 and channels in `channelOrder` (mean and
 * std are indexed by the network's channel, so BGR networks get BGR means). Augmentation works in
 * between on "unit" floats, pixel/255 in [0, 1], where 0 is black.
 */

/** Which RGB (or grey) channel feeds each of the network's channels. */
function sourceChannels(p: Pick<Preprocessing, 'channels' | 'channelOrder'>): number[] {
  if (p.channels === 1) return [0];
  return p.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
}

function checkChannels(image: { channels: number }, p: Preprocessing): void {
  if (image.channels !== p.channels) throw new Error(`an image with ${image.channels} channels cannot feed an input with ${p.channels}`);
}

/** Writes the normalised image (HWC, network channel order) into `out` at `offset` (in floats). */
export function normalizePixelsInto(image: DecodedImage, p: Preprocessing, out: Float32Array, offset = 0): void {
  checkChannels(image, p);
  writeNormalized(image.data, 1, p, out, offset);
}

/** As normalizePixelsInto, from unit floats (pixel/255) as augmentation leaves them. */
export function normalizeUnitInto(unit: Float32Array, p: Preprocessing, out: Float32Array, offset = 0): void {
  writeNormalized(unit, 255, p, out, offset);
}

function writeNormalized(values: Uint8Array | Float32Array, toPixel: number, p: Preprocessing, out: Float32Array, offset: number): void {
  const channels = p.channels;
  const source = sourceChannels(p);
  const pixels = values.length / channels;
  for (let c = 0; c < channels; c++) {
    const from = source[c]!;
    const mean = p.mean[c]!;
    const std = p.std[c]!;
    const scale = p.scale * toPixel;
    for (let i = 0; i < pixels; i++) out[offset + i * channels + c] = (values[i * channels + from]! * scale - mean) / std;
  }
}

/** Unit floats (pixel/255), same layout and channels as the decoded image. */
export function pixelsToUnit(image: DecodedImage): Float32Array {
  const unit = new Float32Array(image.data.length);
  for (let i = 0; i < unit.length; i++) unit[i] = image.data[i]! / 255;
  return unit;
}

/** Unit floats back to 8-bit pixels (clamped, rounded). */
export function unitToPixels(unit: Float32Array): Uint8Array {
  const pixels = new Uint8Array(unit.length);
  for (let i = 0; i < unit.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, unit[i]!)) * 255);
  return pixels;
}

/**
 * A normalised input (HWC, network channel order) back to 8-bit RGB or grey pixels:
 * pixel = (x·std[c] + mean[c]) / scale, clamped to 0–255 and rounded.
 */
export function denormalize(x: Float32Array, p: Preprocessing): DecodedImage {
  const channels = p.channels;
  const pixels = p.height * p.width;
  if (x.length !== pixels * channels) throw new Error(`${x.length} values do not make a ${p.height} x ${p.width} x ${channels} image`);
  const source = sourceChannels(p);
  const data = new Uint8Array(x.length);
  for (let c = 0; c < channels; c++) {
    const to = source[c]!;
    for (let i = 0; i < pixels; i++) {
      const value = (x[i * channels + c]! * p.std[c]! + p.mean[c]!) / p.scale;
      data[i * channels + to] = Math.round(Math.min(255, Math.max(0, value)));
    }
  }
  return { data, height: p.height, width: p.width, channels };
}
