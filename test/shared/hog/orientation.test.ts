import { describe, expect, it } from 'vitest';
import { gradientMagnitude, pixelGradient, unsignedOrientation } from '../../../src/shared/hog/gradients';
import { binCentre, binRange, orientationBin } from '../../../src/shared/hog/orientation-bins';

describe('gradients', () => {
  // A 3x4 image: rows 10 20 30 40 / 50 60 70 80 / 90 100 110 130.
  const image = { data: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 130], height: 3, width: 4 };

  it('uses_centred_differences_inside_and_zero_on_the_border', () => {
    expect(pixelGradient(image, 1, 1)).toMatchObject({ dx: 70 - 50, dy: 100 - 20 });
    expect(pixelGradient(image, 1, 0)).toMatchObject({ dx: 0, dy: 90 - 10 });
    expect(pixelGradient(image, 0, 2)).toMatchObject({ dx: 40 - 20, dy: 0 });
    expect(pixelGradient(image, 2, 3)).toMatchObject({ dx: 0, dy: 0, magnitude: 0, angle: 0 });
  });

  it('magnitude_and_unsigned_angle', () => {
    expect(gradientMagnitude(3, 4)).toBe(5);
    expect(unsignedOrientation(1, 0)).toBe(0);
    expect(unsignedOrientation(0, 1)).toBe(90);
    expect(unsignedOrientation(-1, 0)).toBe(0); // 180 folds to 0
    expect(unsignedOrientation(0, -1)).toBe(90); // −90 + 180
    expect(unsignedOrientation(1, -1)).toBeCloseTo(135, 12);
    expect(Object.is(unsignedOrientation(-1, -0), 0)).toBe(true); // −180 folds to +0, as NumPy's remainder
    // A tiny negative angle rounds to exactly 180 after adding 180, as in NumPy.
    expect(unsignedOrientation(1, -1e-300)).toBe(180);
  });
});

describe('orientation bins', () => {
  it('cover_0_to_180_without_interpolation', () => {
    expect(binRange(0, 9)).toEqual([0, 20]);
    expect(binRange(8, 9)).toEqual([160, 180]);
    expect(binCentre(4, 9)).toBe(90);
    expect(orientationBin(0, 9)).toBe(0);
    expect(orientationBin(19.999, 9)).toBe(0);
    expect(orientationBin(20, 9)).toBe(1);
    expect(orientationBin(179.9, 9)).toBe(8);
    expect(orientationBin(45, 4)).toBe(1); // a boundary belongs to the bin it starts
    expect(orientationBin(90, 4)).toBe(2);
    expect(orientationBin(180, 9)).toBe(-1); // no bin, as in scikit-image
  });

  it('agree_with_the_boundaries_for_every_angle_and_bin_count', () => {
    for (const bins of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 18, 36]) {
      const outside: number[] = [];
      for (let k = 0; k < 3600; k++) {
        const angle = k / 20;
        const [start, end] = binRange(orientationBin(angle, bins), bins);
        if (!(angle >= start && angle < end)) outside.push(angle);
      }
      expect(outside).toEqual([]);
    }
  });
});
