import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/shared/shapes/analyze';
import { chain, nodeResult, single } from '../../support/graph-fixtures';

describe('MaxPool2D and AvgPool2D', () => {
  for (const kind of ['MaxPool2D', 'AvgPool2D']) {
    it(`${kind}_2x2_halves_the_map`, () => {
      const r = single([28, 28, 6], kind, { poolSize: 2, strides: 2 });
      expect(r.shape).toEqual([14, 14, 6]);
      expect(r.params).toBe(0);
    });
    it(`${kind}_overlapping_3x3_stride2`, () => {
      // AlexNet: 55 → floor((55 − 3)/2) + 1 = 27.
      expect(single([55, 55, 64], kind, { poolSize: 3, strides: 2 }).shape).toEqual([27, 27, 64]);
    });
    it(`${kind}_same_padding_rounds_up`, () => {
      expect(single([7, 7, 1], kind, { poolSize: 3, strides: 2, padding: 'same' }).shape).toEqual([4, 4, 1]);
    });
    it(`${kind}_numeric_padding`, () => {
      expect(single([112, 112, 64], kind, { poolSize: 3, strides: 2, padding: 1 }).shape).toEqual([56, 56, 64]);
    });
  }

  it('window_larger_than_map_is_an_error', () => {
    expect(single([1, 1, 256], 'MaxPool2D', { poolSize: 3, strides: 2 }).messages[0]).toContain('The 3x3 pooling window is larger than the 1x1 input');
  });

  it('odd_map_with_stride_2_warns', () => {
    const r = single([5, 5, 16], 'MaxPool2D', { poolSize: 2, strides: 2 });
    expect(r.shape).toEqual([2, 2, 16]);
    expect(r.messages[0]).toContain('not divisible by the stride 2');
  });

  it('global_pools_give_one_value_per_channel', () => {
    expect(single([7, 7, 512], 'GlobalAvgPool').shape).toEqual([512]);
    expect(single([3, 5, 8], 'GlobalMaxPool').shape).toEqual([8]);
  });

  it('pooling_a_vector_is_an_error', () => {
    const analysis = analyzeGraph(chain([4, 4, 1], [['flat', 'Flatten'], ['pool', 'MaxPool2D']], { noOutput: true }));
    expect(nodeResult(analysis, 'pool').messages[0]).toContain('MaxPool2D needs a feature map (height x width x channels) but receives a vector of 16 values');
  });
});
