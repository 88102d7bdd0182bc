import type { BlockNorm, HogGrid } from './hog-settings';

/** scikit-image's ε: it keeps an empty (all-zero) block at zero instead of dividing by zero. */
export const HOG_EPSILON = 1e-5;

/** L2-Hys clips the L2-normalised values at this before normalising again. */
export const L2_HYS_CLIP = 0.2;

function sumOfSquares(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v * v;
  return s;
}

function sumOfMagnitudes(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += Math.abs(v);
  return s;
}

/** Normalises one block's values in place, as scikit-image's `_hog_normalize_block`. */
export function normalizeBlock(values: Float64Array, norm: BlockNorm): Float64Array {
  switch (norm) {
    case 'L1': {
      const d = sumOfMagnitudes(values) + HOG_EPSILON;
      for (let i = 0; i < values.length; i++) values[i] = values[i]! / d;
      break;
    }
    case 'L1-sqrt': {
      const d = sumOfMagnitudes(values) + HOG_EPSILON;
      for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(values[i]! / d);
      break;
    }
    case 'L2': {
      const d = Math.sqrt(sumOfSquares(values) + HOG_EPSILON ** 2);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! / d;
      break;
    }
    case 'L2-Hys': {
      const d = Math.sqrt(sumOfSquares(values) + HOG_EPSILON ** 2);
      for (let i = 0; i < values.length; i++) values[i] = Math.min(values[i]! / d, L2_HYS_CLIP);
      const e = Math.sqrt(sumOfSquares(values) + HOG_EPSILON ** 2);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! / e;
      break;
    }
  }
  return values;
}

/** One block's cell histograms, unnormalised, in scikit-image's order (cell row, cell column, bin). */
export function blockHistograms(histograms: Float64Array, grid: HogGrid, blockRow: number, blockCol: number): Float64Array {
  const { blockSize, bins, cellCols } = grid;
  const out = new Float64Array(grid.blockLength);
  let k = 0;
  for (let r = 0; r < blockSize; r++) {
    for (let c = 0; c < blockSize; c++) {
      const base = ((blockRow + r) * cellCols + blockCol + c) * bins;
      for (let b = 0; b < bins; b++) out[k++] = histograms[base + b]!;
    }
  }
  return out;
}

/**
 * The HOG feature vector: every block (sliding one cell at a time) normalised on its own, in
 * scikit-image's order (block row, block column, cell row, cell column, bin).
 */
export function blockFeatures(histograms: Float64Array, grid: HogGrid, norm: BlockNorm): Float64Array {
  const out = new Float64Array(grid.length);
  for (let br = 0; br < grid.blockRows; br++) {
    for (let bc = 0; bc < grid.blockCols; bc++) {
      out.set(normalizeBlock(blockHistograms(histograms, grid, br, bc), norm), (br * grid.blockCols + bc) * grid.blockLength);
    }
  }
  return out;
}
