import { describe, expect, it } from 'vitest';
import { conv2dLayer } from '../../../src/shared/layers/conv2d';
import type { Padding } from '../../../src/shared/layers/params';
import { explainAxisSize } from '../../../src/shared/insight/size-formula';
import { single } from '../../support/graph-fixtures';

interface Case {
  name: string;
  size: number;
  kernel: number;
  stride: number;
  padding: Padding;
  dilation?: number;
  /** out = floor((H − n + P) / s) + 1, worked out by hand. */
  out: number;
  /** (H − n + P) mod s. */
  dropped: number;
}

const CASES: Case[] = [
  { name: 'lenet_c1_32_5', size: 32, kernel: 5, stride: 1, padding: 'valid', out: 28, dropped: 0 }, // (32 − 5 + 0)/1 + 1
  { name: 'lenet_same_28_5_pad2', size: 28, kernel: 5, stride: 1, padding: 2, out: 28, dropped: 0 }, // (28 − 5 + 4)/1 + 1
  { name: 'alexnet_227_11_s4', size: 227, kernel: 11, stride: 4, padding: 'valid', out: 55, dropped: 0 }, // 216/4 + 1
  { name: 'alexnet_224_11_s4_non_divisible', size: 224, kernel: 11, stride: 4, padding: 'valid', out: 54, dropped: 1 }, // ⌊213/4⌋ + 1
  { name: 'resnet_stem_224_7_s2_p3', size: 224, kernel: 7, stride: 2, padding: 3, out: 112, dropped: 1 }, // ⌊223/2⌋ + 1
  { name: 'divisible_7_3_s2', size: 7, kernel: 3, stride: 2, padding: 'valid', out: 3, dropped: 0 }, // 4/2 + 1
  { name: 'non_divisible_8_3_s2', size: 8, kernel: 3, stride: 2, padding: 'valid', out: 3, dropped: 1 }, // ⌊5/2⌋ + 1
  { name: 'non_divisible_10_3_s3', size: 10, kernel: 3, stride: 3, padding: 'valid', out: 3, dropped: 1 }, // ⌊7/3⌋ + 1
  { name: 'non_divisible_11_2_s3_p1', size: 11, kernel: 2, stride: 3, padding: 1, out: 4, dropped: 2 }, // ⌊11/3⌋ + 1
  { name: 'same_224_3_s2', size: 224, kernel: 3, stride: 2, padding: 'same', out: 112, dropped: 0 }, // ⌈224/2⌉, P = 1
  { name: 'same_5_3_s2', size: 5, kernel: 3, stride: 2, padding: 'same', out: 3, dropped: 0 }, // ⌈5/2⌉, P = 2
  { name: 'dilated_10_3_d2', size: 10, kernel: 3, stride: 1, padding: 'valid', dilation: 2, out: 6, dropped: 0 }, // n = 5: (10 − 5)/1 + 1
  { name: 'pool_2_s2_on_odd_7', size: 7, kernel: 2, stride: 2, padding: 'valid', out: 3, dropped: 1 }, // ⌊5/2⌋ + 1
];

describe('size formula out = (H − n + P) / s + 1', () => {
  it.each(CASES)('$name', (c) => {
    const e = explainAxisSize(c.size, { kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation ?? 1 });
    expect(e.out).toBe(c.out);
    expect(e.dropped).toBe(c.dropped);
    expect(e.divisible).toBe(c.dropped === 0);
    // The numbers shown obey the formula they print.
    expect(e.numerator).toBe(e.size - e.extent + e.padding);
    expect(e.out).toBe(Math.floor(e.numerator / e.stride) + 1);
    // And agree with the shape rule the canvas uses.
    const shape = single([c.size, c.size, 1], 'Conv2D', { filters: 1, kernelSize: c.kernel, strides: c.stride, padding: c.padding, dilation: c.dilation ?? 1 }).shape;
    expect(shape?.[0]).toBe(c.out);
  });

  it('writes_the_numbers_and_the_floor_when_it_does_not_divide', () => {
    expect(explainAxisSize(32, { kernel: 5, stride: 1, padding: 'valid', dilation: 1 }).text).toBe('(32 − 5 + 0) / 1 + 1 = 27 + 1 = 28');
    const odd = explainAxisSize(8, { kernel: 3, stride: 2, padding: 'valid', dilation: 1 });
    expect(odd.text).toBe('⌊(8 − 3 + 0) / 2⌋ + 1 = ⌊2.5⌋ + 1 = 3');
    expect(odd.note).toBe('H − n + P = 5 is not divisible by the stride 2, so the division is rounded down: the window stops before the last 1 row of the padded input (it holds input values that never reach the output).');
    // The dropped column is padding only.
    const padded = explainAxisSize(11, { kernel: 2, stride: 3, padding: 1, dilation: 1 }, 'columns');
    expect(padded).toMatchObject({ dropped: 2, lostInput: 1 });
    expect(padded.note).toContain('1 of them hold input values');
    expect(padded.paddingNote).toBe('1 zero on each side: P = 2·1 = 2.');
  });

  it('same_padding_explains_P', () => {
    const e = explainAxisSize(5, { kernel: 3, stride: 2, padding: 'same', dilation: 1 });
    expect(e).toMatchObject({ padding: 2, padBefore: 1, padAfter: 1 });
    expect(e.paddingNote).toBe('"same" padding keeps ⌈H / s⌉ = ⌈5 / 2⌉ = 3 outputs: P = max((out − 1)·s + n − H, 0) = 2, 1 on each side.');
  });

  it('a_window_larger_than_the_input_fits_nowhere', () => {
    const e = explainAxisSize(3, { kernel: 5, stride: 1, padding: 'valid', dilation: 1 });
    expect(e).toMatchObject({ fits: false, out: 0, numerator: -2 });
    expect(e.note).toBe('The 5-wide window is larger than the 3 rows of the padded input, so it fits nowhere.');
  });

  it('conv2d_declares_the_same_formula', () => {
    expect(conv2dLayer.formula).toContain('out = floor((H − n + P) / s) + 1');
  });
});
