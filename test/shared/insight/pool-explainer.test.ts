import { describe, expect, it } from 'vitest';
import { lectureFeatureMaps } from '../../../src/shared/insight/node-explainer';
import { explainPooling, poolingStep, poolingSteps } from '../../../src/shared/insight/pool-explainer';

describe('pooling explainer', () => {
  it('max_pooling_the_lecture_maps', () => {
    // The lecture's 4x4 maps, 2x2 windows, stride 2: each window's largest value.
    const e = explainPooling({ input: lectureFeatureMaps(), poolSize: 2, stride: 2, padding: 'valid', mode: 'max' });
    expect(e.output).toEqual([
      [
        [3, 0],
        [3, 1],
      ],
      [
        [-1, 1],
        [0, 3],
      ],
    ]);
    expect(e.overlapping).toBe(false);
    const first = poolingStep(e, 0);
    expect(first.text).toBe('max(3, −1, −3, 1) = 3');
    expect(first.argMax).toEqual({ row: 0, col: 0 });
    // Channel 2, bottom right: [[−2, 1], [−4, 3]] → 3 at (3, 3).
    expect(poolingStep(e, 7)).toMatchObject({ channel: 1, row: 1, col: 1, value: 3, argMax: { row: 3, col: 3 } });
  });

  it('average_pooling_writes_the_mean', () => {
    const e = explainPooling({ input: lectureFeatureMaps(), poolSize: 2, stride: 2, padding: 'valid', mode: 'avg' });
    // (3 − 1 − 3 + 1) / 4 = 0; (−3 − 1 − 3 + 0) / 4 = −1.75.
    expect(e.output[0]).toEqual([
      [0, -1.75],
      [-1.25, -0.5],
    ]);
    expect(poolingStep(e, 0).text).toBe('(3 + (−1) + (−3) + 1) / 4 = 0');
    expect(poolingStep(e, 0).argMax).toBeNull();
  });

  it('overlapping_windows_cover_cells_twice', () => {
    // AlexNet's 3x3 stride 2 on 5x5: windows at 0 and 2; row/col 2 is in both.
    const input = [Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, c) => r * 5 + c))];
    const e = explainPooling({ input, poolSize: 3, stride: 2, padding: 'valid', mode: 'max' });
    expect(e.overlapping).toBe(true);
    expect(e.output).toEqual([
      [
        [12, 14],
        [22, 24],
      ],
    ]);
    expect(e.coverage[2]![2]).toBe(4);
    expect(e.coverage[0]![2]).toBe(2);
    expect(e.coverage[0]![0]).toBe(1);
  });

  it('padding_never_wins_the_max_and_is_left_out_of_the_average', () => {
    const input = [
      [
        [-1, -2, -3],
        [-4, -5, -6],
        [-7, -8, -9],
      ],
    ];
    const max = explainPooling({ input, poolSize: 2, stride: 2, padding: 'same', mode: 'max' });
    // Output 2x2 with one zero after: the bottom right window is [−9] alone, not max(−9, 0).
    expect(max.output[0]).toEqual([
      [-1, -3],
      [-7, -9],
    ]);
    const avg = explainPooling({ input, poolSize: 2, stride: 2, padding: 'same', mode: 'avg' });
    expect(avg.output[0]).toEqual([
      [-3, -4.5],
      [-7.5, -9],
    ]);
    expect(poolingStep(avg, 3).cells.filter((c) => c.padding)).toHaveLength(3);
    expect(poolingStep(avg, 3).text).toBe('−9 / 1 = −9');
    expect(poolingStep(avg, 0).text).toBe('(−1 + (−2) + (−4) + (−5)) / 4 = −3');
  });

  it('a_tie_goes_to_the_first_cell', () => {
    const e = explainPooling({ input: [[[2, 2], [2, 2]]], poolSize: 2, stride: 2, padding: 'valid', mode: 'max' });
    expect(poolingSteps(e)[0]!.argMax).toEqual({ row: 0, col: 0 });
  });
});
