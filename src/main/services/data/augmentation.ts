import type { AugmentationSettings } from '../../../shared/project/settings';
import { randomFor } from './random';

/**
 * Training-split augmentation on decoded images as unit floats (pixel/255, HWC), before
 * normalisation. Every transform is off by default and drawn per sample from
 * (seed, epoch, sample key), so the same seed, epoch and sample give the same image on any thread.
 * - horizontal flip: with probability 1/2;
 * - shift: a translation by a whole number of pixels, up to `shift` of the width / height each way,
 *   with the uncovered border filled with 0 (black) — a translation, not a random crop, so the
 *   image keeps its size and scale;
 * - rotation: about the centre by up to `rotation` degrees each way (positive = counter-clockwise),
 *   bilinear, corners filled with 0;
 * - contrast: each channel scaled about its own mean by a factor in [1 − c, 1 + c] (as TF's
 *   `adjust_contrast`), then brightness: a value in [−b, b] added (in full-scale units); both clamped
 *   to [0, 1]. Colour changes come before the geometric ones, so fill stays black.
 */

/** One draw of random parameters. */
export interface AugmentationDraw {
  flip: boolean;
  /** Pixels, right / down positive. */
  shiftX: number;
  shiftY: number;
  /** Degrees, counter-clockwise positive. */
  angle: number;
  /** Added to unit values. */
  brightness: number;
  /** Factor about the channel mean. */
  contrast: number;
}

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** True when any transform is switched on. */
export function isAugmentationActive(settings: AugmentationSettings | null | undefined): settings is AugmentationSettings {
  return !!settings && (settings.horizontalFlip || settings.shift > 0 || settings.rotation > 0 || settings.brightness > 0 || settings.contrast > 0);
}

/** The generator for one sample in one epoch. */
export function augmentationRandom(seed: number, epoch: number, sampleKey: string): () => number {
  return randomFor(seed, 'augment', epoch, sampleKey);
}

/**
 * Draws the parameters. Six numbers are always drawn, in a fixed order, so switching one transform
 * on or off leaves the others' draws unchanged.
 */
export function drawAugmentation(settings: AugmentationSettings, random: () => number, shape: Pick<ImageShape, 'height' | 'width'>): AugmentationDraw {
  const symmetric = () => random() * 2 - 1;
  const flip = random() < 0.5;
  const sx = symmetric();
  const sy = symmetric();
  const angle = symmetric();
  const brightness = symmetric();
  const contrast = symmetric();
  return {
    flip: settings.horizontalFlip && flip,
    shiftX: Math.round(sx * settings.shift * shape.width),
    shiftY: Math.round(sy * settings.shift * shape.height),
    angle: angle * settings.rotation,
    brightness: brightness * settings.brightness,
    contrast: 1 + contrast * settings.contrast,
  };
}

/** Applies a draw to unit floats (HWC); returns a new array (or the input itself when the draw changes nothing). */
export function applyAugmentation(unit: Float32Array, shape: ImageShape, draw: AugmentationDraw): Float32Array {
  let image = unit;
  if (draw.contrast !== 1 || draw.brightness !== 0) image = adjustColour(image, shape.channels, draw.contrast, draw.brightness);
  if (draw.flip || draw.shiftX !== 0 || draw.shiftY !== 0 || draw.angle !== 0) image = transform(image, shape, draw);
  return image;
}

/** Draws for (seed, epoch, sample) and applies: the loader's one call. */
export function augmentImage(unit: Float32Array, shape: ImageShape, settings: AugmentationSettings, seed: number, epoch: number, sampleKey: string): Float32Array {
  if (!isAugmentationActive(settings)) return unit;
  return applyAugmentation(unit, shape, drawAugmentation(settings, augmentationRandom(seed, epoch, sampleKey), shape));
}

function adjustColour(unit: Float32Array, channels: number, contrast: number, brightness: number): Float32Array {
  const out = new Float32Array(unit.length);
  const pixels = unit.length / channels;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = 0; i < pixels; i++) sum += unit[i * channels + c]!;
    const mean = sum / pixels;
    for (let i = 0; i < pixels; i++) {
      const v = (unit[i * channels + c]! - mean) * contrast + mean + brightness;
      out[i * channels + c] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}

/**
 * Flip, rotation and shift as one inverse mapping: for each output pixel centre, undo the shift, the
 * rotation and the flip to find where it comes from, and sample there bilinearly (outside = 0).
 * Without rotation every source position is a whole pixel, so pixels are copied.
 */
function transform(unit: Float32Array, shape: ImageShape, draw: AugmentationDraw): Float32Array {
  const { height: h, width: w, channels } = shape;
  const out = new Float32Array(unit.length);
  if (draw.angle === 0) {
    for (let y = 0; y < h; y++) {
      const sy = y - draw.shiftY;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const shifted = x - draw.shiftX;
        if (shifted < 0 || shifted >= w) continue;
        const sx = draw.flip ? w - 1 - shifted : shifted;
        const from = (sy * w + sx) * channels;
        const to = (y * w + x) * channels;
        for (let c = 0; c < channels; c++) out[to + c] = unit[from + c]!;
      }
    }
    return out;
  }
  const theta = (draw.angle * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const flip = draw.flip ? -1 : 1;
  for (let y = 0; y < h; y++) {
    const v = y + 0.5 - h / 2 - draw.shiftY;
    for (let x = 0; x < w; x++) {
      const u = x + 0.5 - w / 2 - draw.shiftX;
      const sx = flip * (u * cos - v * sin) + w / 2 - 0.5;
      const sy = u * sin + v * cos + h / 2 - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      // Weights of the four neighbours; a neighbour outside the image contributes 0.
      const left = x0 >= 0;
      const right = x0 + 1 < w && fx > 0;
      const top = y0 >= 0;
      const bottom = y0 + 1 < h && fy > 0;
      const w00 = left && top ? (1 - fx) * (1 - fy) : 0;
      const w10 = right && top ? fx * (1 - fy) : 0;
      const w01 = left && bottom ? (1 - fx) * fy : 0;
      const w11 = right && bottom ? fx * fy : 0;
      const i00 = (y0 * w + x0) * channels;
      const i01 = i00 + w * channels;
      const o = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) {
        let value = 0;
        if (w00 !== 0) value += unit[i00 + c]! * w00;
        if (w10 !== 0) value += unit[i00 + channels + c]! * w10;
        if (w01 !== 0) value += unit[i01 + c]! * w01;
        if (w11 !== 0) value += unit[i01 + channels + c]! * w11;
        out[o + c] = value;
      }
    }
  }
  return out;
}
