import sharp from 'sharp';
import type { ColourScaleName, Rgb, ValueRange } from '../../../shared/insight/colour-scale';
import { colourAt, legendColours, unitInRange } from '../../../shared/insight/colour-scale';
import type { Grid } from '../../../shared/insight/grids';
import { gridSize } from '../../../shared/insight/grids';
import { resizeBilinear } from '../../../shared/insight/saliency-maps';
import type { DecodedImage } from '../data';
import { writeFileAtomic } from '../files/atomic-write';

/**
 * PNG pictures of the insight views, drawn with the same colour scales as the UI: sheets of tiles
 * (filters, feature maps, filter responses) and heatmaps blended over an image.
 */

/** One tile: a grey plane through a colour scale, or three planes as red, green and blue. */
export interface SheetTile {
  planes: Grid[];
  range: ValueRange;
  scale: ColourScaleName;
}

export interface SheetOptions {
  /** About how many pixels the largest tile spans (tiles are enlarged by a whole factor, nearest neighbour). */
  cellPixels?: number;
  /** Pixels between tiles. */
  gap?: number;
  background?: Rgb;
  /** A colour bar under the sheet for this scale (first colour = legend minimum). */
  legend?: ColourScaleName | null;
}

const LEGEND_HEIGHT = 10;

/** Draws rows of tiles, each centred in a cell of the largest tile's size, as RGB pixels. */
export function drawSheet(rows: SheetTile[][], options: SheetOptions = {}): DecodedImage {
  const tiles = rows.flat();
  const tileHeight = Math.max(1, ...tiles.map((t) => gridSize(t.planes[0]!)[0]));
  const tileWidth = Math.max(1, ...tiles.map((t) => gridSize(t.planes[0]!)[1]));
  const factor = Math.max(1, Math.round((options.cellPixels ?? 64) / Math.max(tileHeight, tileWidth)));
  const gap = options.gap ?? 2;
  const cellH = tileHeight * factor;
  const cellW = tileWidth * factor;
  const columns = Math.max(1, ...rows.map((r) => r.length));
  const width = columns * cellW + (columns - 1) * gap;
  const legend = options.legend ? LEGEND_HEIGHT + gap : 0;
  const height = rows.length * cellH + (rows.length - 1) * gap + legend;
  const data = new Uint8Array(width * height * 3);
  const bg = options.background ?? [40, 40, 40];
  for (let i = 0; i < width * height; i++) data.set(bg, i * 3);
  rows.forEach((row, r) =>
    row.forEach((tile, c) => {
      const [h, w] = gridSize(tile.planes[0]!);
      const top = r * (cellH + gap) + Math.floor((cellH - h * factor) / 2);
      const left = c * (cellW + gap) + Math.floor((cellW - w * factor) / 2);
      for (let y = 0; y < h * factor; y++) {
        for (let x = 0; x < w * factor; x++) {
          const colour = tileColour(tile, Math.floor(y / factor), Math.floor(x / factor));
          data.set(colour, ((top + y) * width + left + x) * 3);
        }
      }
    }),
  );
  if (options.legend) {
    const colours = legendColours(options.legend, width);
    for (let y = height - LEGEND_HEIGHT; y < height; y++) for (let x = 0; x < width; x++) data.set(colours[x]!, (y * width + x) * 3);
  }
  return { data, width, height, channels: 3 };
}

function tileColour(tile: SheetTile, y: number, x: number): Rgb {
  if (tile.planes.length === 3) {
    const channel = (k: number) => Math.round(255 * unitInRange(tile.planes[k]![y]![x]!, tile.range));
    return [channel(0), channel(1), channel(2)];
  }
  return colourAt(tile.scale, unitInRange(tile.planes[0]![y]![x]!, tile.range));
}

/**
 * An image with a heatmap (values in [0, 1], any resolution: it is resized bilinearly) blended over it
 * with the given opacity, enlarged so that small inputs (28x28) are visible.
 */
export function drawOverlay(image: DecodedImage, heat: Grid, options: { opacity?: number; scale?: ColourScaleName; minPixels?: number } = {}): DecodedImage {
  const factor = Math.max(1, Math.min(16, Math.round((options.minPixels ?? 224) / Math.max(image.height, image.width))));
  const height = image.height * factor;
  const width = image.width * factor;
  const resized = resizeBilinear(heat, height, width);
  const opacity = options.opacity ?? 0.5;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (Math.floor(y / factor) * image.width + Math.floor(x / factor)) * image.channels;
      const base: Rgb = image.channels === 3 ? [image.data[src]!, image.data[src + 1]!, image.data[src + 2]!] : [image.data[src]!, image.data[src]!, image.data[src]!];
      const colour = colourAt(options.scale ?? 'jet', resized[y]![x]!);
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = Math.round((1 - opacity) * base[k]! + opacity * colour[k]!);
    }
  }
  return { data, width, height, channels: 3 };
}

/** RGB or grey pixels as PNG bytes. */
export async function encodePng(image: DecodedImage): Promise<Uint8Array> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  if (image.channels === 1) pipeline = pipeline.toColourspace('b-w');
  return pipeline.png().toBuffer();
}

/** Encodes and writes a picture atomically; returns the path. */
export async function writePng(path: string, image: DecodedImage, what: string): Promise<string> {
  await writeFileAtomic(path, await encodePng(image), { what });
  return path;
}

/** Pictures side by side, top-aligned, with a gap of the background colour. */
export function joinSideBySide(images: DecodedImage[], options: { gap?: number; background?: Rgb } = {}): DecodedImage {
  const gap = options.gap ?? 12;
  const bg = options.background ?? [40, 40, 40];
  const width = images.reduce((sum, im) => sum + im.width, 0) + gap * (images.length - 1);
  const height = Math.max(...images.map((im) => im.height));
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(bg, i * 3);
  let left = 0;
  for (const im of images) {
    for (let y = 0; y < im.height; y++) {
      for (let x = 0; x < im.width; x++) {
        const src = (y * im.width + x) * im.channels;
        const rgb: Rgb = im.channels === 3 ? [im.data[src]!, im.data[src + 1]!, im.data[src + 2]!] : [im.data[src]!, im.data[src]!, im.data[src]!];
        data.set(rgb, (y * width + left + x) * 3);
      }
    }
    left += im.width + gap;
  }
  return { data, width, height, channels: 3 };
}
