import type { GreyImage } from './gradients';
import type { HogGlyphSet } from './hog-glyphs';

/** 8-bit RGB pixels, row-major. */
export interface RgbImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: 3;
}

export interface HogPictureOptions {
  /** Whole-number enlargement; default: enough for about 512 pixels on the longer side (1 to 32). */
  scale?: number;
  /** Brightness of the image under the glyphs, 0 (black) to 1 (as it is). Default 0.4. */
  imageBrightness?: number;
  /** Draw the cell grid (when cells are at least 12 pixels wide in the picture). Default true. */
  grid?: boolean;
  /** Glyph colour. Default amber. */
  colour?: [number, number, number];
}

const GLYPH_COLOUR: [number, number, number] = [255, 200, 40];
const GRID_COLOUR: [number, number, number] = [90, 110, 140];
const GRID_OPACITY = 0.35;
const MIN_GRID_STEP = 12;

/** The enlargement that brings the longer side near 512 pixels, between 1 and 32. */
export function defaultPictureScale(height: number, width: number): number {
  return Math.max(1, Math.min(32, Math.round(512 / Math.max(height, width))));
}

/**
 * The HOG picture: the grey image (dimmed, enlarged with nearest neighbour), the cell grid, and each
 * cell's glyphs as anti-aliased lines whose length and brightness follow the bin's weight.
 */
export function renderHogPicture(image: GreyImage, glyphs: HogGlyphSet, options: HogPictureOptions = {}): RgbImage {
  const scale = Math.max(1, Math.min(32, Math.round(options.scale ?? defaultPictureScale(image.height, image.width))));
  const brightness = Math.min(1, Math.max(0, options.imageBrightness ?? 0.4));
  const width = image.width * scale;
  const height = image.height * scale;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / scale);
    for (let x = 0; x < width; x++) {
      const v = Math.round(Math.min(255, Math.max(0, image.data[sy * image.width + Math.floor(x / scale)]!)) * brightness);
      const o = (y * width + x) * 3;
      data[o] = data[o + 1] = data[o + 2] = v;
    }
  }
  const out: RgbImage = { data, height, width, channels: 3 };
  // A grid finer than this would hide the image.
  if ((options.grid ?? true) && glyphs.cellSize * scale >= MIN_GRID_STEP) drawGrid(out, glyphs, scale);
  const colour = options.colour ?? GLYPH_COLOUR;
  const lineWidth = Math.max(1.5, scale * 0.12);
  for (const g of glyphs.glyphs) {
    // A segment shorter than a pixel would only be a dot at the cell's centre.
    if (Math.hypot(g.x2 - g.x1, g.y2 - g.y1) * scale < 1) continue;
    drawSegment(out, g.x1 * scale, g.y1 * scale, g.x2 * scale, g.y2 * scale, lineWidth, colour, 0.35 + 0.65 * g.relative);
  }
  return out;
}

function blend(out: RgbImage, x: number, y: number, colour: readonly number[], alpha: number): void {
  const o = (y * out.width + x) * 3;
  for (let c = 0; c < 3; c++) out.data[o + c] = Math.round(out.data[o + c]! * (1 - alpha) + colour[c]! * alpha);
}

function drawGrid(out: RgbImage, glyphs: HogGlyphSet, scale: number): void {
  const step = glyphs.cellSize * scale;
  const right = Math.min(out.width, glyphs.cellCols * step);
  const bottom = Math.min(out.height, glyphs.cellRows * step);
  for (let k = 0; k <= glyphs.cellCols; k++) {
    const x = Math.min(out.width - 1, k * step);
    for (let y = 0; y < bottom; y++) blend(out, x, y, GRID_COLOUR, GRID_OPACITY);
  }
  for (let k = 0; k <= glyphs.cellRows; k++) {
    const y = Math.min(out.height - 1, k * step);
    for (let x = 0; x < right; x++) blend(out, x, y, GRID_COLOUR, GRID_OPACITY);
  }
}

/** A line of width `lineWidth` with coverage from each pixel centre's distance to the segment. */
function drawSegment(out: RgbImage, x1: number, y1: number, x2: number, y2: number, lineWidth: number, colour: readonly number[], opacity: number): void {
  const reach = lineWidth / 2 + 1;
  const minX = Math.max(0, Math.floor(Math.min(x1, x2) - reach));
  const maxX = Math.min(out.width - 1, Math.ceil(Math.max(x1, x2) + reach));
  const minY = Math.max(0, Math.floor(Math.min(y1, y2) - reach));
  const maxY = Math.min(out.height - 1, Math.ceil(Math.max(y1, y2) + reach));
  const dx = x2 - x1;
  const dy = y2 - y1;
  const lengthSquared = dx * dx + dy * dy;
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const t = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - x1) * dx + (py - y1) * dy) / lengthSquared)) : 0;
      const distance = Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
      const coverage = Math.min(1, Math.max(0, lineWidth / 2 + 0.5 - distance));
      if (coverage > 0) blend(out, x, y, colour, coverage * opacity);
    }
  }
}
