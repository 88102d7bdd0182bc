import { blockFeatures } from './block-normalization';
import { cellHistograms } from './cell-histograms';
import type { GreyImage } from './gradients';
import type { HogGrid, HogSettings } from './hog-settings';
import { DEFAULT_HOG_SETTINGS, hogGrid } from './hog-settings';

/** HOG of one image: its grid, the cells' histograms (before block normalisation) and the feature vector. */
export interface HogResult {
  settings: HogSettings;
  grid: HogGrid;
  /** cellRows · cellCols · bins, row-major: what the glyphs draw. */
  histograms: Float64Array;
  /** grid.length values in scikit-image's order (block row, block column, cell row, cell column, bin). */
  features: Float64Array;
}

/**
 * Histograms of Oriented Gradients (Dalal and Triggs) of a grey image, equal to scikit-image 0.19's
 * `skimage.feature.hog(image, orientations=bins, pixels_per_cell=(P, P), cells_per_block=(B, B),
 * block_norm=norm)` on the same 8-bit image. An image smaller than one block is a StudioError.
 */
export function computeHog(image: GreyImage, settings: HogSettings = DEFAULT_HOG_SETTINGS): HogResult {
  const grid = hogGrid(image.height, image.width, settings);
  const histograms = cellHistograms(image, grid);
  return { settings, grid, histograms, features: blockFeatures(histograms, grid, settings.norm) };
}
