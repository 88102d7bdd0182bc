import { describe, expect, it } from 'vitest';
import { denormalize, normalizePixelsInto, normalizeUnitInto, pixelsToUnit, unitToPixels } from '../../../../src/main/services/data/normalization';
import type { DecodedImage } from '../../../../src/main/services/data/image-decoder';
import { resolvePreprocessing } from '../../../../src/shared/project/preprocessing';

const image: DecodedImage = { data: new Uint8Array([0, 128, 255, 10, 20, 30]), height: 1, width: 2, channels: 3 };

describe('normalisation', () => {
  it('pixel_over_255_by_default', () => {
    const p = resolvePreprocessing('pixel/255', { height: 1, width: 2, channels: 3 }, 'stretch');
    const out = new Float32Array(6);
    normalizePixelsInto(image, p, out);
    expect(Array.from(out)).toEqual(Array.from(image.data, (v) => Math.fround(v / 255)));
  });

  it('follows_x_equals_pixel_times_scale_minus_mean_over_std_per_channel', () => {
    const p = resolvePreprocessing('imagenet-torch', { height: 1, width: 2, channels: 3 }, 'stretch');
    const out = new Float32Array(6);
    normalizePixelsInto(image, p, out);
    const expected = Array.from(image.data, (v, i) => (v / 255 - p.mean[i % 3]!) / p.std[i % 3]!);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('caffe_presets_swap_to_bgr_with_bgr_means', () => {
    const p = resolvePreprocessing('imagenet-keras-caffe', { height: 1, width: 2, channels: 3 }, 'stretch');
    const out = new Float32Array(8).fill(-1);
    normalizePixelsInto(image, p, out, 2);
    expect(Array.from(out.subarray(0, 2))).toEqual([-1, -1]);
    // First pixel RGB (0, 128, 255) becomes B − 103.939, G − 116.779, R − 123.68.
    expect(out[2]).toBeCloseTo(255 - 103.939, 3);
    expect(out[3]).toBeCloseTo(128 - 116.779, 3);
    expect(out[4]).toBeCloseTo(0 - 123.68, 3);
    expect(Array.from(denormalize(out.subarray(2), p).data)).toEqual(Array.from(image.data));
  });

  it('unit_floats_normalise_like_pixels_and_round_trip', () => {
    const p = resolvePreprocessing('dataset-mean-std', { height: 1, width: 2, channels: 3 }, 'stretch', { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] });
    const fromPixels = new Float32Array(6);
    const fromUnit = new Float32Array(6);
    normalizePixelsInto(image, p, fromPixels);
    normalizeUnitInto(pixelsToUnit(image), p, fromUnit);
    fromUnit.forEach((v, i) => expect(v).toBeCloseTo(fromPixels[i]!, 5));
    expect(Array.from(unitToPixels(pixelsToUnit(image)))).toEqual(Array.from(image.data));
    expect(Array.from(denormalize(fromPixels, p).data)).toEqual(Array.from(image.data));
  });

  it('refuses_a_channel_mismatch', () => {
    const p = resolvePreprocessing('pixel/255', { height: 1, width: 2, channels: 1 }, 'stretch');
    expect(() => normalizePixelsInto(image, p, new Float32Array(6))).toThrow('an image with 3 channels cannot feed an input with 1');
  });
});
