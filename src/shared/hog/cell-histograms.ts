import type { GreyImage } from './gradients';
import { gradientMagnitude, unsignedOrientation } from './gradients';
import type { HogGrid } from './hog-settings';
import { orientationBin } from './orientation-bins';

/**
 * Each cell's orientation histogram (cellRows · cellCols · bins, row-major): the sum of the gradient
 * magnitudes of the cell's pixels whose orientation falls in each bin, divided by the cell's area.
 *
 * scikit-image accumulates each bin in a C `float` (32 bits) and divides in 32 bits; doing the same
 * (Math.fround after every addition, pixels in row-major order) gives its values to the last bit.
 */
export function cellHistograms(image: GreyImage, grid: HogGrid): Float64Array {
  const { data, width, height } = image;
  const { cellSize, cellRows, cellCols, bins } = grid;
  const histograms = new Float64Array(cellRows * cellCols * bins);
  const totals = new Float64Array(bins);
  const area = cellSize * cellSize;
  for (let cr = 0; cr < cellRows; cr++) {
    for (let cc = 0; cc < cellCols; cc++) {
      totals.fill(0);
      for (let y = cr * cellSize; y < (cr + 1) * cellSize; y++) {
        const rowInside = y > 0 && y < height - 1;
        for (let x = cc * cellSize; x < (cc + 1) * cellSize; x++) {
          const i = y * width + x;
          const dy = rowInside ? data[i + width]! - data[i - width]! : 0;
          const dx = x > 0 && x < width - 1 ? data[i + 1]! - data[i - 1]! : 0;
          if (dx === 0 && dy === 0) continue; // votes 0 wherever it falls
          const bin = orientationBin(unsignedOrientation(dx, dy), bins);
          if (bin >= 0) totals[bin] = Math.fround(totals[bin]! + gradientMagnitude(dx, dy));
        }
      }
      const base = (cr * cellCols + cc) * bins;
      for (let b = 0; b < bins; b++) histograms[base + b] = Math.fround(totals[b]! / area);
    }
  }
  return histograms;
}
