import { describe, expect, it } from 'vitest';
import { baselineFeaturesSchema, describeFeatures, featureShape } from '../../../src/shared/hog/feature-spec';

describe('baseline features', () => {
  const hog = baselineFeaturesSchema.parse({ kind: 'hog', hog: { cellSize: 4 } });

  it('fill_hog_defaults', () => {
    expect(hog).toEqual({ kind: 'hog', hog: { cellSize: 4, blockSize: 2, bins: 9, norm: 'L2-Hys' } });
    expect(describeFeatures(hog)).toBe('HOG (4-pixel cells, 2x2 blocks, 9 bins, L2-Hys)');
    expect(describeFeatures({ kind: 'pixels' })).toBe('pixels');
  });

  it('lay_the_vector_out_as_the_classifier_input', () => {
    // 28x28 with 4-pixel cells: 7x7 cells, 6x6 blocks of 36 values: one row per block row.
    expect(featureShape(hog, { height: 28, width: 28, channels: 1 })).toEqual([6, 216, 1]);
    expect(featureShape({ kind: 'pixels' }, { height: 32, width: 24, channels: 3 })).toEqual([32, 24, 3]);
  });

  it('refuse_a_vector_too_wide_for_an_input', () => {
    expect(() => featureShape(hog, { height: 28, width: 600, channels: 1 })).toThrow('HOG of a 600-pixel-wide image gives 5,364 values per block row, more than the classifier\'s input takes (4096).');
  });
});
