import { describe, expect, it } from 'vitest';
import { FILTER_PRESET_NAMES, FILTER_PRESETS, presetFilterValues } from '../../../src/shared/layers/filter-presets';

describe('filter presets', () => {
  it('has_sobel_and_the_eight_robinson_masks', () => {
    expect(FILTER_PRESET_NAMES).toEqual([
      'sobel-vertical',
      'sobel-horizontal',
      'robinson-n',
      'robinson-nw',
      'robinson-w',
      'robinson-sw',
      'robinson-s',
      'robinson-se',
      'robinson-e',
      'robinson-ne',
    ]);
  });

  it('robinson_masks_are_45_degree_rotations_of_north', () => {
    // Rotating the outer ring of a 3x3 mask by one step turns it by 45°.
    const ring = (m: readonly (readonly number[])[]) => [m[0]![0], m[0]![1], m[0]![2], m[1]![2], m[2]![2], m[2]![1], m[2]![0], m[1]![0]];
    const order = ['robinson-n', 'robinson-nw', 'robinson-w', 'robinson-sw', 'robinson-s', 'robinson-se', 'robinson-e', 'robinson-ne'] as const;
    for (let i = 1; i < order.length; i++) {
      const prev = ring(FILTER_PRESETS[order[i - 1]!]);
      const next = ring(FILTER_PRESETS[order[i]!]);
      expect(next).toEqual([...prev.slice(1), prev[0]]);
      expect(FILTER_PRESETS[order[i]!][1]![1]).toBe(0);
    }
    // Opposite directions are negations.
    expect(FILTER_PRESETS['robinson-s'].flat()).toEqual(FILTER_PRESETS['robinson-n'].flat().map((v) => (v === 0 ? 0 : -v)));
  });

  it('sobel_masks_sum_to_zero', () => {
    for (const name of FILTER_PRESET_NAMES) expect(FILTER_PRESETS[name].flat().reduce((a: number, b: number) => a + b, 0)).toBe(0);
  });

  it('spreads_a_mask_evenly_over_channels', () => {
    const values = presetFilterValues(['sobel-vertical'], 3);
    expect(values).toHaveLength(1);
    expect(values[0]).toHaveLength(3);
    expect(values[0]![1]![1]![2]).toBeCloseTo(2 / 3);
  });
});
