import type { ColourScaleName, ValueRange } from '../../../../shared/insight/colour-scale';
import { colourAt, unitInRange } from '../../../../shared/insight/colour-scale';
import type { Grid } from '../../../../shared/insight/grids';

/**
 * Maps and filters as RGBA pixels for a canvas, with the colour scales the PNG renderer of the
 * services uses (src/shared/insight/colour-scale), so the window and `cnn-studio … --png` agree.
 */

/** One pixel per value, `scale` coloured over `range`; `alpha` 0–255 for overlays. */
export function gridPixels(grid: Grid, scale: ColourScaleName, range: ValueRange, alpha = 255): Uint8ClampedArray {
  const height = grid.length;
  const width = grid[0]?.length ?? 0;
  const out = new Uint8ClampedArray(height * width * 4);
  for (let r = 0; r < height; r++) {
    const row = grid[r]!;
    for (let c = 0; c < width; c++) {
      const [red, green, blue] = colourAt(scale, unitInRange(row[c]!, range));
      const o = (r * width + c) * 4;
      out[o] = red;
      out[o + 1] = green;
      out[o + 2] = blue;
      out[o + 3] = alpha;
    }
  }
  return out;
}

/** Three planes as red, green and blue, each over `range` (a colour filter tile). */
export function rgbPixels(planes: readonly Grid[], range: ValueRange): Uint8ClampedArray {
  const height = planes[0]?.length ?? 0;
  const width = planes[0]?.[0]?.length ?? 0;
  const out = new Uint8ClampedArray(height * width * 4);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const o = (r * width + c) * 4;
      for (let k = 0; k < 3; k++) out[o + k] = Math.round(255 * unitInRange(planes[k]?.[r]?.[c] ?? 0, range));
      out[o + 3] = 255;
    }
  }
  return out;
}

/** 8-bit grey values (row-major) as opaque RGBA. */
export function greyPixels(data: ArrayLike<number>, height: number, width: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(height * width * 4);
  for (let i = 0; i < height * width; i++) {
    const v = data[i]!;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Draws RGBA pixels into a canvas at their own size (CSS enlarges it, pixelated); nothing where there is no 2D context (tests). */
export function paintCanvas(canvas: HTMLCanvasElement | null, pixels: Uint8ClampedArray, width: number, height: number): void {
  if (!canvas || !width || !height) return;
  canvas.width = width;
  canvas.height = height;
  const context = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
  if (!context || typeof context.createImageData !== 'function') return;
  const image = context.createImageData(width, height);
  image.data.set(pixels);
  context.putImageData(image, 0, 0);
}

/** A CSS linear gradient of a colour scale, for legends. */
export function legendGradient(scale: ColourScaleName, stops = 9): string {
  const colours = Array.from({ length: stops }, (_, i) => {
    const [r, g, b] = colourAt(scale, i / (stops - 1));
    return `rgb(${r}, ${g}, ${b})`;
  });
  return `linear-gradient(90deg, ${colours.join(', ')})`;
}

/** Base64 bytes to an array of 8-bit values. */
export function base64Bytes(data: string): Uint8Array {
  const text = atob(data);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
