import { describe, expect, it } from 'vitest';
import { conv2dLayer } from '../../../src/shared/layers/conv2d';
import { presetFilterValues } from '../../../src/shared/layers/filter-presets';
import { single } from '../../support/graph-fixtures';

// Shapes by the lecture's rule out = floor((H − n + P) / s) + 1, and TF.js/Keras for "same"
// (out = ceil(H / s)); parameter counts (n·n·C + 1)·N, checked against torch.nn.Conv2d by hand.
describe('Conv2D shape rule', () => {
  const cases: [name: string, input: [number, number, number], params: Record<string, unknown>, shape: number[], params_: number][] = [
    ['valid_5x5_on_32', [32, 32, 1], { filters: 6, kernelSize: 5 }, [28, 28, 6], 156],
    ['valid_3x3_rgb', [32, 32, 3], { filters: 32, kernelSize: 3 }, [30, 30, 32], 896],
    ['same_stride1', [28, 28, 1], { filters: 6, kernelSize: 5, padding: 'same' }, [28, 28, 6], 156],
    ['same_stride2_odd', [7, 7, 8], { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, [4, 4, 4], 292],
    ['numeric_padding_1', [56, 56, 64], { filters: 64, kernelSize: 3, padding: 1 }, [56, 56, 64], 36928],
    ['alexnet_conv1', [224, 224, 3], { filters: 64, kernelSize: 11, strides: 4, padding: 2 }, [55, 55, 64], 23296],
    ['dilation_2', [10, 10, 1], { filters: 2, kernelSize: 3, dilation: 2 }, [6, 6, 2], 20],
    ['no_bias', [8, 8, 3], { filters: 4, kernelSize: 1, useBias: false }, [8, 8, 4], 12],
    ['non_square_input', [20, 30, 1], { filters: 1, kernelSize: 5 }, [16, 26, 1], 26],
  ];
  for (const [name, input, params, shape, count] of cases) {
    it(name, () => {
      const r = single(input, 'Conv2D', params);
      expect(r.shape).toEqual(shape);
      expect(r.params).toBe(count);
    });
  }

  it('stride_remainder_warns_with_rows_dropped', () => {
    // (28 − 5 + 0) = 23, stride 2: one row and one column of real pixels are never covered.
    const r = single([28, 28, 1], 'Conv2D', { filters: 1, kernelSize: 5, strides: 2 });
    expect(r.shape).toEqual([12, 12, 1]);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toContain('(H − n + P) = 28 − 5 + 0 = 23 is not divisible by the stride 2');
    expect(r.messages[0]).toContain('last 1 row and 1 column');
    expect(r.messages[0]).toContain('never reach the output');
  });

  it('stride_remainder_in_padding_only_says_no_pixel_lost', () => {
    const r = single([224, 224, 3], 'Conv2D', { filters: 64, kernelSize: 7, strides: 2, padding: 3 });
    expect(r.shape).toEqual([112, 112, 64]);
    expect(r.messages[0]).toContain('padding only, so no pixel is lost');
  });

  it('divisible_stride_has_no_warning', () => {
    expect(single([32, 32, 1], 'Conv2D', { filters: 1, kernelSize: 4, strides: 2 }).messages).toEqual([]);
  });

  it('kernel_larger_than_input_is_an_error_with_a_fix', () => {
    const r = single([4, 4, 16], 'Conv2D', { filters: 8, kernelSize: 5 });
    expect(r.shape).toBeNull();
    expect(r.messages[0]).toContain('The 5x5 kernel is larger than the 4x4 input');
    expect(r.messages[0]).toContain('Use padding');
    expect(r.messages[0]).toContain('remove a pooling layer');
  });

  it('stride_and_dilation_together_are_refused', () => {
    expect(single([16, 16, 1], 'Conv2D', { strides: 2, dilation: 2 }).messages[0]).toMatch(/stride of 2 cannot be combined with a dilation of 2/);
  });


  it('invalid_parameter_names_the_parameter', () => {
    const r = single([8, 8, 1], 'Conv2D', { filters: 0 });
    expect(r.messages[0]).toContain('filters must be at least 1');
    expect(single([8, 8, 1], 'Conv2D', { padding: 'full' }).messages[0]).toContain('padding must be "valid", "same" or a whole number');
    expect(single([8, 8, 1], 'Conv2D', { kernelsize: 3 }).messages[0]).toContain('unknown parameter kernelsize');
  });
});

describe('Conv2D fixed filters', () => {
  it('preset_list_sets_one_filter_each', () => {
    const r = single([28, 28, 1], 'Conv2D', { filters: 2, kernelSize: 3, filterPreset: ['sobel-vertical', 'sobel-horizontal'], trainable: false });
    expect(r.shape).toEqual([26, 26, 2]);
    expect(r.trainable).toBe(0);
    expect(r.params).toBe(20);
  });

  it('preset_count_must_match_filters', () => {
    expect(single([28, 28, 1], 'Conv2D', { filters: 3, kernelSize: 3, filterPreset: 'robinson-n' }).messages[0]).toContain('1 preset mask(s) are chosen for 3 filters');
  });

  it('preset_needs_3x3', () => {
    expect(single([28, 28, 1], 'Conv2D', { filters: 1, kernelSize: 5, filterPreset: 'robinson-n' }).messages[0]).toContain('Set the kernel size to 3');
  });

  it('filter_values_must_match_the_layer', () => {
    const ok = single([8, 8, 2], 'Conv2D', { filters: 1, kernelSize: 3, filterValues: presetFilterValues(['sobel-vertical'], 2) });
    expect(ok.messages).toEqual([]);
    const wrong = single([8, 8, 1], 'Conv2D', { filters: 1, kernelSize: 3, filterValues: presetFilterValues(['sobel-vertical'], 2) });
    expect(wrong.messages[0]).toContain('filter 1 has 2 channel(s)');
    expect(wrong.messages[0]).toContain('expected 1 filter(s) x 1 channel(s) x 3 x 3');
  });

  it('values_and_preset_together_are_refused', () => {
    const r = single([8, 8, 1], 'Conv2D', { filters: 1, kernelSize: 3, filterPreset: 'sobel-vertical', filterValues: presetFilterValues(['sobel-vertical'], 1) });
    expect(r.messages[0]).toContain('both typed filter values and a filter preset');
  });

  it('summary_names_the_key_parameters', () => {
    const p = { filters: 6, kernelSize: 5, strides: 2, padding: 'same' as const, dilation: 1, useBias: true, activation: 'relu' as const, trainable: true, filterValues: null, filterPreset: null };
    expect(conv2dLayer.summarize(p)).toBe('6@5x5 s2 same relu');
  });
});
