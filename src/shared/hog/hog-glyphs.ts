import type { HogGrid } from './hog-settings';
import { binCentre } from './orientation-bins';

/**
 * One line of the HOG picture: for a cell and a bin, a segment through the cell's centre along the
 * edge direction of the bin (perpendicular to the bin's middle gradient direction, as scikit-image's
 * `visualize` draws it), as long as the bin's weight relative to the largest bin of the image.
 * Coordinates are in image pixels, x to the right and y down, (0, 0) the top-left corner of the image.
 */
export interface HogGlyph {
  row: number;
  col: number;
  bin: number;
  /** The cell's histogram value for this bin (before block normalisation). */
  weight: number;
  /** weight / the image's largest histogram value: 0–1, the segment's length as a fraction of the longest. */
  relative: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface HogGlyphSet {
  cellSize: number;
  bins: number;
  cellRows: number;
  cellCols: number;
  /** The largest histogram value of the image (the full-length segment); 0 for a flat image. */
  maxWeight: number;
  /** Half-length of a full-length segment, in pixels. */
  radius: number;
  /** Only the segments of non-zero bins, cell by cell (row-major) and bin by bin. */
  glyphs: HogGlyph[];
}

/** Fraction of half a cell a full-length segment covers, so neighbouring glyphs never touch. */
const GLYPH_REACH = 0.9;

/** The glyph geometry of a HOG picture from the cells' histograms (`HogResult.histograms`). */
export function hogGlyphs(histograms: Float64Array, grid: HogGrid): HogGlyphSet {
  const { cellSize, bins, cellRows, cellCols } = grid;
  let maxWeight = 0;
  for (const v of histograms) maxWeight = Math.max(maxWeight, v);
  const radius = (cellSize / 2) * GLYPH_REACH;
  // The edge direction of each bin: the gradient direction (cos θ, sin θ) turned by 90°.
  const directions = Array.from({ length: bins }, (_, b) => {
    const theta = (binCentre(b, bins) * Math.PI) / 180;
    return { ex: -Math.sin(theta), ey: Math.cos(theta) };
  });
  const glyphs: HogGlyph[] = [];
  if (maxWeight > 0) {
    for (let row = 0; row < cellRows; row++) {
      for (let col = 0; col < cellCols; col++) {
        const cx = (col + 0.5) * cellSize;
        const cy = (row + 0.5) * cellSize;
        for (let bin = 0; bin < bins; bin++) {
          const weight = histograms[(row * cellCols + col) * bins + bin]!;
          if (weight <= 0) continue;
          const relative = weight / maxWeight;
          const half = radius * relative;
          const { ex, ey } = directions[bin]!;
          glyphs.push({ row, col, bin, weight, relative, x1: cx - ex * half, y1: cy - ey * half, x2: cx + ex * half, y2: cy + ey * half });
        }
      }
    }
  }
  return { cellSize, bins, cellRows, cellCols, maxWeight, radius, glyphs };
}
