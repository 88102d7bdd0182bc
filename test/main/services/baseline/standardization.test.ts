import { describe, expect, it } from 'vitest';
import { foldStandardization, measureStandardization, standardizeInPlace } from '../../../../src/main/services/baseline/standardization';

describe('standardisation', () => {
  // Three rows of three features: the last never changes.
  const rows = () => Float32Array.from([1, 10, 5, 2, 20, 5, 3, 60, 5]);

  it('measures_mean_and_population_std_and_keeps_a_constant_feature_at_zero', () => {
    const s = measureStandardization(rows(), 3, 3);
    expect(Array.from(s.mean)).toEqual([2, 30, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt((400 + 100 + 900) / 3), 12);
    expect(s.std[2]).toBe(1);
    const values = rows();
    standardizeInPlace(values, 3, s);
    expect(values[2]).toBe(0);
    expect(values[0]! + values[3]! + values[6]!).toBeCloseTo(0, 6);
  });

  it('folded_weights_on_raw_features_give_the_logits_of_the_trained_weights_on_standardised_ones', () => {
    const values = rows();
    const s = measureStandardization(values, 3, 3);
    const kernel = Float32Array.from([0.5, -1, 2, 0.25, -0.75, 3]); // [3 features, 2 classes]
    const bias = Float32Array.from([0.1, -0.2]);
    const folded = foldStandardization({ kernel: { shape: [3, 2], values: kernel }, bias: { shape: [2], values: bias } }, s);
    expect(folded.kernel!.shape).toEqual([3, 2]);
    const logits = (w: Float32Array, b: Float32Array, f: number[]) => [0, 1].map((c) => b[c]! + f.reduce((sum, v, j) => sum + v * w[j * 2 + c]!, 0));
    for (let r = 0; r < 3; r++) {
      const raw = Array.from(values.subarray(r * 3, r * 3 + 3));
      const z = raw.map((v, j) => (v - s.mean[j]!) / s.std[j]!);
      const want = logits(kernel, bias, z);
      const got = logits(folded.kernel!.values, folded.bias!.values, raw);
      for (let c = 0; c < 2; c++) expect(got[c]).toBeCloseTo(want[c]!, 5);
    }
  });
});
