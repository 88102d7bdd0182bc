import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/shared/errors';
import { computeHog } from '../../../src/shared/hog/hog';
import { hogGrid } from '../../../src/shared/hog/hog-settings';
import { HOG_FIXTURE_NAMES, maxAbsDifference, readHogReference, referenceImage } from './hog-fixtures';

// References: scikit-image 0.19.3's skimage.feature.hog on the same 8-bit images (see
// test/fixtures/hog/make_hog_fixtures.py for the images, the settings and the exact call).
describe('computeHog against scikit-image', () => {
  for (const name of HOG_FIXTURE_NAMES) {
    const ref = readHogReference(name);
    for (const c of ref.cases) {
      const s = c.settings;
      it(`${name}_${ref.height}x${ref.width}_cell${s.cellSize}_block${s.blockSize}_bins${s.bins}_${s.norm}`, () => {
        const result = computeHog(referenceImage(ref), s);
        expect([result.grid.cellRows, result.grid.cellCols]).toEqual(c.cells);
        expect([result.grid.blockRows, result.grid.blockCols]).toEqual(c.blocks);
        expect(result.features).toHaveLength(c.features.length);
        expect(result.histograms).toHaveLength(c.histograms.length);
        expect(maxAbsDifference(result.features, c.features)).toBeLessThan(1e-4);
        expect(maxAbsDifference(result.histograms, c.histograms)).toBeLessThan(1e-4);
      });
    }
  }

  it('cell_histograms_equal_scikit_image_to_the_last_bit', () => {
    // scikit-image sums each bin in 32-bit floats; summing the same way gives its very values.
    for (const name of HOG_FIXTURE_NAMES) {
      const ref = readHogReference(name);
      for (const c of ref.cases) expect(Array.from(computeHog(referenceImage(ref), c.settings).histograms)).toEqual(c.histograms);
    }
  });

  it('a_constant_image_has_all_zero_features_in_every_norm', () => {
    const ref = readHogReference('constant');
    expect(ref.cases.map((c) => c.settings.norm).sort()).toEqual(['L1', 'L1-sqrt', 'L2', 'L2-Hys']);
    for (const c of ref.cases) {
      const features = computeHog(referenceImage(ref), c.settings).features;
      expect(features.every((v) => v === 0)).toBe(true);
      expect(c.features.every((v) => v === 0)).toBe(true);
    }
  });

  it('records_the_versions_the_references_came_from', () => {
    expect(readHogReference('boot').versions).toMatchObject({ skimage: '0.19.3', numpy: '1.24.2' });
  });
});

describe('image size', () => {
  const image = (height: number, width: number) => ({ data: new Uint8Array(height * width).map((_, i) => (i * 37) % 256), height, width });

  it('an_image_smaller_than_a_block_is_a_clear_error', () => {
    // scikit-image returns an empty vector for 12x12 with 8-pixel cells and 2x2 blocks (see the generator).
    const run = () => computeHog(image(12, 12), { cellSize: 8, blockSize: 2, bins: 9, norm: 'L2-Hys' });
    expect(run).toThrow(StudioError);
    expect(run).toThrow('The image is 12 x 12 pixels, smaller than one HOG block of 2 x 2 cells of 8 pixels (16 x 16 pixels).');
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid-argument', hint: 'Use smaller cells or blocks (at most 6-pixel cells for 2 x 2 blocks), or a larger image.' });
    }
    expect(() => computeHog(image(40, 7), { cellSize: 4, blockSize: 2, bins: 9, norm: 'L1' })).toThrow('The image is 7 x 40 pixels');
  });

  it('an_image_of_exactly_one_block_gives_one_block', () => {
    const result = computeHog(image(16, 17), { cellSize: 8, blockSize: 2, bins: 9, norm: 'L2-Hys' });
    expect(result.grid).toMatchObject({ cellRows: 2, cellCols: 2, blockRows: 1, blockCols: 1, length: 36 });
    expect(result.features).toHaveLength(36);
  });

  it('the_grid_ignores_pixels_past_the_last_whole_cell', () => {
    expect(hogGrid(37, 29, { cellSize: 4, blockSize: 2, bins: 9, norm: 'L2-Hys' })).toMatchObject({ cellRows: 9, cellCols: 7, blockRows: 8, blockCols: 6, blockLength: 36, length: 8 * 6 * 36 });
  });
});
