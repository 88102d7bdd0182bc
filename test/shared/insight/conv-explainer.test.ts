import { describe, expect, it } from 'vitest';
import { correlate } from '../../../src/shared/insight/convolution';
import { convolutionStep, convolutionSteps, explainConvolution, outputSoFar } from '../../../src/shared/insight/conv-explainer';
import { lectureFilters, lectureInput } from '../../../src/shared/insight/lecture-example';

// The lecture's maps, stride 1, no padding, as printed on the slides.
const LECTURE_MAP_1 = [
  [3, -1, -3, -1],
  [-3, 1, 0, -3],
  [-3, -3, 0, 1],
  [3, -2, -2, -1],
];
const LECTURE_MAP_2 = [
  [-1, -1, -1, -1],
  [-1, -1, -2, 1],
  [-1, -1, -2, 1],
  [-1, 0, -4, 3],
];

describe('convolution explainer on the lecture example', () => {
  it('stride_1_gives_the_lecture_maps', () => {
    const e = explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 1, padding: 'valid' });
    expect(e.output).toEqual([LECTURE_MAP_1, LECTURE_MAP_2]);
    expect(e.stepCount).toBe(2 * 4 * 4);
    expect(e.size.rows.text).toBe('(6 − 3 + 0) / 1 + 1 = 3 + 1 = 4');
  });

  it('windows_checked_by_hand', () => {
    const e = explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 1, padding: 'valid' });
    // Filter 1 at (0, 0): the window [[1,0,0],[0,1,0],[0,0,1]] meets the diagonal's +1s: 1 + 1 + 1 = 3.
    const first = convolutionStep(e, 0);
    expect(first).toMatchObject({ filter: 0, row: 0, col: 0, value: 3, window: { top: 0, left: 0, extent: 3 } });
    expect(first.text).toBe('1·1 + 0·(−1) + 0·(−1) + 0·(−1) + 1·1 + 0·(−1) + 0·(−1) + 0·(−1) + 1·1 = 3');
    // Filter 1 at (1, 1): window [[1,0,0],[0,1,1],[0,0,0]]: 1·1 + 1·1 + 1·(−1) = 1.
    expect(convolutionStep(e, 5)).toMatchObject({ filter: 0, row: 1, col: 1, value: 1 });
    // Filter 1 at (0, 2): window [[0,0,1],[0,1,0],[1,0,0]]: 1·(−1) + 1·1 + 1·(−1) = −1... plus the corner: −3 on the slide.
    // rows 0–2, cols 2–4: [[0,0,0],[0,0,1],[1,1,0]] → 1·(−1) (row 1, col 2 of the kernel) + 1·(−1) + 1·(−1) = −3.
    expect(convolutionStep(e, 2)).toMatchObject({ row: 0, col: 2, value: -3 });
    // Filter 2 at (3, 3): window [[0,1,0],[0,1,0],[0,1,0]] meets the middle column's +1s: 3.
    const last = convolutionStep(e, 31);
    expect(last).toMatchObject({ filter: 1, row: 3, col: 3, value: 3 });
    expect(last.terms.filter((t) => t.product !== 0).map((t) => [t.kernelRow, t.kernelCol])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    // Filter 2 at (3, 2): window rows 3–5, cols 2–4 = [[0,0,1],[0,0,1],[1,0,1]]: −1 −1 −1 −1 = −4.
    expect(convolutionStep(e, 16 + 14).value).toBe(-4);
  });

  it('stride_2_does_not_divide_and_drops_the_last_row_and_column', () => {
    const e = explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 2, padding: 'valid' });
    // Windows at rows/cols 0 and 2 of the stride-1 maps.
    expect(e.output).toEqual([
      [
        [3, -3],
        [-3, 0],
      ],
      [
        [-1, -1],
        [-1, -2],
      ],
    ]);
    expect(e.size.rows).toMatchObject({ numerator: 3, out: 2, divisible: false, dropped: 1, lostInput: 1 });
    expect(e.size.rows.text).toBe('⌊(6 − 3 + 0) / 2⌋ + 1 = ⌊1.5⌋ + 1 = 2');
    expect(e.size.rows.note).toContain('not divisible by the stride 2');
    expect(e.size.rows.note).toContain('the last 1 row');
    expect(convolutionStep(e, 3)).toMatchObject({ filter: 0, row: 1, col: 1, window: { top: 2, left: 2 } });
  });

  it('padding_adds_zeros_that_appear_in_the_terms', () => {
    const e = explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 1, padding: 1 });
    expect(e.size.rows.out).toBe(6);
    expect(e.pad).toEqual({ top: 1, bottom: 1, left: 1, right: 1 });
    const corner = convolutionStep(e, 0);
    // Five of the nine taps fall on padding; the rest is [[1,0],[0,1]] under the kernel's lower right: 1 + 1 = 2.
    expect(corner.terms.filter((t) => t.inputRow === null)).toHaveLength(5);
    expect(corner.value).toBe(2);
    // Inside, the padded output equals the unpadded one, shifted by one.
    expect(e.output[0]!.slice(1, 5).map((r) => r.slice(1, 5))).toEqual(LECTURE_MAP_1);
  });

  it('same_padding_with_stride_2_puts_the_odd_zero_after', () => {
    const e = explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 2, padding: 'same' });
    expect(e.size.rows).toMatchObject({ out: 3, padBefore: 0, padAfter: 1 });
    expect(e.size.rows.paddingNote).toContain('⌈6 / 2⌉ = 3');
  });

  it('steps_add_up_to_the_output_with_channels_bias_and_dilation', () => {
    const input = [0, 1].map((c) => Array.from({ length: 7 }, (_, r) => Array.from({ length: 7 }, (_, k) => ((r * 7 + k + c * 3) % 5) - 2)));
    const filters = [0, 1, 2].map((f) => [0, 1].map((c) => Array.from({ length: 3 }, (_, r) => Array.from({ length: 3 }, (_, k) => ((f + 2 * c + r - k) % 3) * 0.5))));
    const spec = { input, filters, bias: [0.25, -1, 0], stride: 1, padding: 1, dilation: 2 } as const;
    const e = explainConvolution({ ...spec, bias: [...spec.bias] });
    expect(e.size.rows.extent).toBe(5);
    expect(e.output[0]).toHaveLength(7 - 5 + 2 + 1);
    const steps = convolutionSteps(e);
    expect(steps.map((s) => s.value)).toEqual(e.output.flat(2));
    expect(steps[0]!.terms).toHaveLength(2 * 9);
    expect(steps[0]!.text.endsWith(` + 0.25 = ${String(steps[0]!.value).replace('-', '−')}`)).toBe(true);
    // A direct sum over the dilated taps for one value.
    let sum = 0.25;
    for (let c = 0; c < 2; c++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      const r = 1 + 2 * a - 1;
      const k = 2 + 2 * b - 1;
      sum += (r >= 0 && r < 7 && k >= 0 && k < 7 ? input[c]![r]![k]! : 0) * filters[0]![c]![a]![b]!;
    }
    expect(e.output[0]![1]![2]).toBeCloseTo(sum, 12);
  });

  it('the_output_fills_in_step_by_step', () => {
    const e = explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 2, padding: 'valid' });
    expect(outputSoFar(e, 1)).toEqual([
      [
        [3, -3],
        [null, null],
      ],
      [
        [null, null],
        [null, null],
      ],
    ]);
    expect(outputSoFar(e, e.stepCount - 1)).toEqual(e.output);
  });

  it('refuses_mismatched_filters_and_windows_that_do_not_fit', () => {
    expect(() => correlate({ input: lectureInput(), filters: [[[[1]], [[1]]]], stride: 1, padding: 'valid' })).toThrow('Filter 1 has 2 channel(s) but the input has 1.');
    expect(() => explainConvolution({ input: [[[1, 2], [3, 4]]], filters: lectureFilters(), stride: 1, padding: 'valid' })).toThrow('The 3x3 kernel does not fit the 2x2 input.');
    expect(() => convolutionStep(explainConvolution({ input: lectureInput(), filters: lectureFilters(), stride: 1, padding: 'valid' }), 32)).toThrow(RangeError);
  });
});
