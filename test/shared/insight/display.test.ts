import { describe, expect, it } from 'vitest';
import { colourAt, rangeOf, unitInRange } from '../../../src/shared/insight/colour-scale';
import { mapStats } from '../../../src/shared/insight/feature-maps';
import { defaultFilterMode, filterGrid } from '../../../src/shared/insight/filter-display';
import { hwcToMaps, hwioToKernels, mapsToHwc } from '../../../src/shared/insight/grids';
import { formatFactor, formatValue } from '../../../src/shared/insight/number-text';

describe('array layouts', () => {
  it('hwio_to_filter_channel_row_col', () => {
    // A 2x2 kernel, 2 input channels, 3 filters: value = 1000·row + 100·col + 10·channel + filter.
    const shape = [2, 2, 2, 3];
    const values: number[] = [];
    for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) for (let ch = 0; ch < 2; ch++) for (let f = 0; f < 3; f++) values.push(1000 * r + 100 * c + 10 * ch + f);
    const k = hwioToKernels(values, shape);
    expect(k).toHaveLength(3);
    expect(k[2]![1]).toEqual([
      [12, 112],
      [1012, 1112],
    ]);
  });

  it('hwc_to_channel_row_col_and_back', () => {
    const values = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const { shape, maps } = hwcToMaps(values, [2, 3, 4]);
    expect(shape).toEqual([4, 2, 3]);
    expect(maps[1]![1]![2]).toBe((1 * 3 + 2) * 4 + 1);
    expect(mapsToHwc(maps)).toEqual(values);
    expect(hwcToMaps([1, 2, 3], [3])).toEqual({ shape: [3, 1, 1], maps: [[[1]], [[2]], [[3]]] });
  });
});

describe('numbers, colours and statistics', () => {
  it('formats_like_the_slides', () => {
    expect(formatValue(-3)).toBe('−3');
    expect(formatValue(1 / 3)).toBe('0.3333');
    expect(formatValue(-0)).toBe('0');
    expect(formatFactor(-1)).toBe('(−1)');
    expect(formatValue(1.5e-7)).toBe('1.50e−7');
  });

  it('colour_scales_span_their_range', () => {
    expect(colourAt('grey', 0)).toEqual([0, 0, 0]);
    expect(colourAt('grey', 1)).toEqual([255, 255, 255]);
    expect(colourAt('viridis', 0)).toEqual([0x44, 0x01, 0x54]);
    expect(colourAt('viridis', 1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(colourAt('jet', 0)).toEqual([0, 0, 128]);
    expect(colourAt('jet', 1)).toEqual([128, 0, 0]);
    expect(colourAt('diverging', 0.5)).toEqual([0xf7, 0xf7, 0xf7]);
    expect(rangeOf([-1, 3], true)).toEqual({ min: -3, max: 3 });
    expect(unitInRange(0, { min: -3, max: 3 })).toBe(0.5);
    expect(unitInRange(5, { min: 5, max: 5 })).toBe(0.5);
  });

  it('stats_count_the_zeros', () => {
    expect(mapStats([0, 0, 2, 6])).toEqual({ mean: 2, min: 0, max: 6, zeroFraction: 0.5 });
  });
});

describe('filter grid', () => {
  const rgb = [
    [
      [[1]],
      [[-2]],
      [[0]],
    ],
    [
      [[0.5]],
      [[0]],
      [[0]],
    ],
  ];

  it('rgb_first_layer_in_colour_on_a_shared_symmetric_scale', () => {
    expect(defaultFilterMode(3)).toBe('rgb');
    const g = filterGrid(rgb);
    expect(g.mode).toBe('rgb');
    expect(g.rows.flat()).toHaveLength(2);
    expect(g.rows[0]![0]!.planes).toHaveLength(3);
    expect(g.range).toEqual({ min: -2, max: 2 });
    // BGR networks: channel 0 is blue.
    expect(filterGrid(rgb, { channelOrder: 'bgr' }).rows[0]![0]!.planes[0]).toEqual([[0]]);
  });

  it('per_filter_scale_and_channels_and_average_modes', () => {
    const g = filterGrid(rgb, { mode: 'channels', scale: 'per-filter' });
    expect(g.rows).toHaveLength(2);
    expect(g.rows[1]!.map((t) => t.channel)).toEqual([0, 1, 2]);
    expect(g.rows[1]![0]!.range).toEqual({ min: -0.5, max: 0.5 });
    const avg = filterGrid(rgb, { mode: 'average' });
    expect(avg.rows.flat()[0]!.planes[0]).toEqual([[-1 / 3]]);
    expect(avg.range).toEqual({ min: -1 / 3, max: 1 / 3 });
  });

  it('colour_needs_three_channels', () => {
    expect(() => filterGrid([[[[1]]]], { mode: 'rgb', layer: 'conv1' })).toThrow('Layer conv1 has 1 input channel(s), so its filters cannot be shown in colour.');
  });
});
