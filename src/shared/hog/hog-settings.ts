import { z } from 'zod';
import { StudioError } from '../errors';

/**
 * Block normalisations of Dalal and Triggs, as scikit-image names them: `L2-Hys` (L2, values clipped
 * at 0.2, L2 again), `L2`, `L1` and `L1-sqrt` (L1, then the square root).
 */
export const BLOCK_NORMS = ['L2-Hys', 'L2', 'L1', 'L1-sqrt'] as const;
export type BlockNorm = (typeof BLOCK_NORMS)[number];

/** HOG settings: square cells of `cellSize` pixels, square blocks of `blockSize` cells, `bins` unsigned orientation bins over 0–180°. */
export const hogSettingsSchema = z.strictObject({
  cellSize: z.number().int().min(1).max(512).default(8),
  blockSize: z.number().int().min(1).max(64).default(2),
  bins: z.number().int().min(1).max(180).default(9),
  norm: z.enum(BLOCK_NORMS).default('L2-Hys'),
});
export type HogSettings = z.output<typeof hogSettingsSchema>;

/** Dalal and Triggs' defaults: 8-pixel cells, 2x2-cell blocks, 9 bins, L2-Hys. */
export const DEFAULT_HOG_SETTINGS: HogSettings = { cellSize: 8, blockSize: 2, bins: 9, norm: 'L2-Hys' };

/** How HOG lays an image out: whole cells from the top-left (the pixels past the last whole cell are ignored), blocks sliding one cell at a time. */
export interface HogGrid {
  height: number;
  width: number;
  cellSize: number;
  blockSize: number;
  bins: number;
  cellRows: number;
  cellCols: number;
  blockRows: number;
  blockCols: number;
  /** Values per block: blockSize² · bins. */
  blockLength: number;
  /** Values in the feature vector: blockRows · blockCols · blockLength. */
  length: number;
}

/** The cell and block grid of an image of this size; an image smaller than one block is a StudioError. */
export function hogGrid(height: number, width: number, settings: HogSettings): HogGrid {
  const { cellSize, blockSize, bins } = settings;
  const cellRows = Math.floor(height / cellSize);
  const cellCols = Math.floor(width / cellSize);
  const blockRows = cellRows - blockSize + 1;
  const blockCols = cellCols - blockSize + 1;
  if (blockRows < 1 || blockCols < 1) {
    const side = cellSize * blockSize;
    throw new StudioError('invalid-argument', `The image is ${width} x ${height} pixels, smaller than one HOG block of ${blockSize} x ${blockSize} cells of ${cellSize} pixels (${side} x ${side} pixels).`, {
      hint: `Use smaller cells or blocks (at most ${Math.max(1, Math.floor(Math.min(height, width) / blockSize))}-pixel cells for ${blockSize} x ${blockSize} blocks), or a larger image.`,
      where: 'cellSize',
    });
  }
  const blockLength = blockSize * blockSize * bins;
  return { height, width, cellSize, blockSize, bins, cellRows, cellCols, blockRows, blockCols, blockLength, length: blockRows * blockCols * blockLength };
}
