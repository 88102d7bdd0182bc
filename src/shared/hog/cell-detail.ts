import { StudioError } from '../errors';
import type { GreyImage } from './gradients';
import { pixelGradient } from './gradients';
import type { HogResult } from './hog';
import { binCentre, binRange, orientationBin } from './orientation-bins';

/** One orientation bin of a cell: which pixels vote in it and what it adds up to. */
export interface CellBinVotes {
  bin: number;
  /** The bin's angle range [start, end) in degrees, and its middle. */
  start: number;
  end: number;
  centre: number;
  /** How many of the cell's pixels vote in this bin. */
  pixels: number;
  /** The sum of their gradient magnitudes. */
  magnitudeSum: number;
  /** The histogram value: magnitudeSum / cellSize² (summed in 32 bits, as scikit-image does). */
  value: number;
}

/** The cell as it appears in one block that contains it, after that block's normalisation. */
export interface CellInBlock {
  blockRow: number;
  blockCol: number;
  /** The cell's position inside the block. */
  cellRow: number;
  cellCol: number;
  /** The cell's `bins` normalised values there: its slice of the feature vector. */
  values: number[];
  /** Where that slice starts in the feature vector. */
  offset: number;
}

/**
 * Everything the lecture's two HOG pictures show for one cell: the patch's pixels, each pixel's
 * centred differences, magnitude and angle and the bin it votes in, the bins' sums, and the cell's
 * values in every block that normalises it. Arrays are plain numbers, ready for JSON.
 */
export interface HogCellDetail {
  row: number;
  col: number;
  cellSize: number;
  bins: number;
  /** The patch's top-left pixel in the image. */
  top: number;
  left: number;
  /** The patch's pixels, cellSize² values row-major. */
  pixels: number[];
  /** The patch with the one-pixel ring its centred differences also read, clipped to the image. */
  surround: { top: number; left: number; height: number; width: number; pixels: number[] };
  /** Per pixel of the patch, row-major: I(x+1) − I(x−1) and I(y+1) − I(y−1) (0 on the image border). */
  dx: number[];
  dy: number[];
  magnitude: number[];
  /** Unsigned angles in degrees, 0–180. */
  angle: number[];
  /** The bin each pixel votes in; −1 for none (an angle that rounds to 180). */
  bin: number[];
  votes: CellBinVotes[];
  /** The histogram as HogResult.histograms holds it (equal to votes[].value). */
  histogram: number[];
  blocks: CellInBlock[];
}

/** The detail of cell (row, col) of an image's HOG; a cell outside the grid is a StudioError. */
export function hogCellDetail(image: GreyImage, result: HogResult, row: number, col: number): HogCellDetail {
  const { grid } = result;
  const { cellSize, bins, cellRows, cellCols, blockSize } = grid;
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= cellRows || col >= cellCols) {
    throw new StudioError('invalid-argument', `There is no HOG cell at row ${row}, column ${col}: the image has ${cellRows} x ${cellCols} cells.`, {
      hint: `Choose a row from 0 to ${cellRows - 1} and a column from 0 to ${cellCols - 1}.`,
      where: 'cell',
    });
  }
  const top = row * cellSize;
  const left = col * cellSize;
  const detail: HogCellDetail = {
    row,
    col,
    cellSize,
    bins,
    top,
    left,
    pixels: [],
    surround: surroundOf(image, top, left, cellSize),
    dx: [],
    dy: [],
    magnitude: [],
    angle: [],
    bin: [],
    votes: Array.from({ length: bins }, (_, b) => {
      const [start, end] = binRange(b, bins);
      return { bin: b, start, end, centre: binCentre(b, bins), pixels: 0, magnitudeSum: 0, value: 0 };
    }),
    histogram: Array.from(result.histograms.subarray((row * cellCols + col) * bins, (row * cellCols + col + 1) * bins)),
    blocks: [],
  };
  const sums32 = new Float64Array(bins);
  for (let y = top; y < top + cellSize; y++) {
    for (let x = left; x < left + cellSize; x++) {
      const g = pixelGradient(image, y, x);
      const b = orientationBin(g.angle, bins);
      detail.pixels.push(image.data[y * image.width + x]!);
      detail.dx.push(g.dx);
      detail.dy.push(g.dy);
      detail.magnitude.push(g.magnitude);
      detail.angle.push(g.angle);
      detail.bin.push(b);
      if (b >= 0) {
        const v = detail.votes[b]!;
        v.pixels += 1;
        v.magnitudeSum += g.magnitude;
        sums32[b] = Math.fround(sums32[b]! + g.magnitude);
      }
    }
  }
  for (const v of detail.votes) v.value = Math.fround(sums32[v.bin]! / (cellSize * cellSize));
  for (let br = Math.max(0, row - blockSize + 1); br <= Math.min(row, grid.blockRows - 1); br++) {
    for (let bc = Math.max(0, col - blockSize + 1); bc <= Math.min(col, grid.blockCols - 1); bc++) {
      const cellRow = row - br;
      const cellCol = col - bc;
      const offset = (br * grid.blockCols + bc) * grid.blockLength + (cellRow * blockSize + cellCol) * bins;
      detail.blocks.push({ blockRow: br, blockCol: bc, cellRow, cellCol, values: Array.from(result.features.subarray(offset, offset + bins)), offset });
    }
  }
  return detail;
}

function surroundOf(image: GreyImage, top: number, left: number, size: number): HogCellDetail['surround'] {
  const t = Math.max(0, top - 1);
  const l = Math.max(0, left - 1);
  const b = Math.min(image.height, top + size + 1);
  const r = Math.min(image.width, left + size + 1);
  const pixels: number[] = [];
  for (let y = t; y < b; y++) for (let x = l; x < r; x++) pixels.push(image.data[y * image.width + x]!);
  return { top: t, left: l, height: b - t, width: r - l, pixels };
}
